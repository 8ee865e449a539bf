"""The decommission endpoints: requests listed (filtered by state, paginated, mine first) and one
request read with its frozen evidence, checklist, timeline and the costs that came after retirement."""
from datetime import timedelta
from decimal import Decimal

import pytest

from projects import clock
from projects.decommission import services
from projects.models import Phase, Project
from tests.api.conftest import api_client, make_token
from tests.factories import CostEntryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _running(team, slug: str) -> Project:
    project = ProjectFactory(team=team, name=slug.title(), slug=slug)
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    project.refresh_from_db()
    return project


@pytest.fixture
def proposed(team, member):
    return services.decommission_request(actor=member, project=_running(team, "recommender"), reason="Nobody uses it.")


def test_list_decommissions(member_api, proposed):
    body = member_api.get("/api/v1/decommissions/").json()

    assert body["count"] == 1
    listed = body["items"][0]
    assert listed == {
        **listed, "id": proposed.pk, "project": "recommender", "team": "customer-analytics", "state": "proposed",
        "reason": "Nobody uses it.", "requested_by": "member", "decided_by": None, "waiting_for_me": False,
        "url": f"/decommissions/{proposed.pk}/",
    }
    assert listed["items"] == listed["open_items"] == 7


def test_list_filters_by_state(member_api, team, member, manager, proposed):
    approved = services.decommission_request(actor=member, project=_running(team, "forecast"), reason="Replaced.")
    services.decommission_approve(actor=manager, request=approved)

    body = member_api.get("/api/v1/decommissions/", {"state": "approved"}).json()

    assert [listed["project"] for listed in body["items"]] == ["forecast"]
    assert body["items"][0]["decided_by"] == "manager"


def test_list_refuses_an_unknown_state(member_api):
    response = member_api.get("/api/v1/decommissions/", {"state": "zombie"})

    assert response.status_code == 422
    assert response.json()["field"] == "state"


def test_a_manager_sees_what_waits_for_their_decision_first(team, member, manager, proposed):
    older = proposed
    mine = services.decommission_request(actor=manager, project=_running(team, "forecast"), reason="Mine.")

    body = api_client(make_token(manager, scope="read")).get("/api/v1/decommissions/").json()

    assert [(listed["id"], listed["waiting_for_me"]) for listed in body["items"]] == [(older.pk, True), (mine.pk, False)]


def test_list_is_paginated(member_api, team, member):
    for number in range(3):
        services.decommission_request(actor=member, project=_running(team, f"model-{number}"), reason="Old.")

    body = member_api.get("/api/v1/decommissions/", {"page_size": 2, "page": 2}).json()

    assert body["count"] == 3
    assert len(body["items"]) == 1


def test_read_a_decommission_with_evidence_and_checklist(member_api, proposed):
    response = member_api.get(f"/api/v1/decommissions/{proposed.pk}")

    assert response.status_code == 200
    body = response.json()
    assert [section["key"] for section in body["evidence"]["sections"]][:1] == ["ledger"]
    assert body["evidence"]["captured_at"]
    assert [item["title"] for item in body["checklist"]][:2] == ["Tell the users and consumers", "Unplug consumers"]
    assert {item["status"] for item in body["checklist"]} == {"open"}
    assert [(event["action"], event["actor"]) for event in body["timeline"]] == [("requested", "member")]
    assert body["zombie_costs"] == []


@pytest.mark.calendar
def test_a_completed_decommission_shows_costs_after_retirement(member, manager, team):
    request = services.decommission_request(actor=member, project=_running(team, "churn"), reason="Replaced.")
    services.decommission_approve(actor=manager, request=request)
    for item in request.checklist.all():
        services.checklist_item_update(actor=member, item=item, status="done")
    services.decommission_complete(actor=member, request=request)
    CostEntryFactory(project=request.project, incurred_on=clock.today() + timedelta(days=3), amount=Decimal("42.5"))

    body = api_client(make_token(member, scope="read")).get(f"/api/v1/decommissions/{request.pk}").json()

    assert body["state"] == "completed"
    assert body["completed_at"]
    assert [(cost["amount"], cost["currency"]) for cost in body["zombie_costs"]] == [("42.50", "EUR")]
    assert all(item["done_by"] == "member" for item in body["checklist"])


def test_read_a_missing_decommission_is_a_404(member_api):
    response = member_api.get("/api/v1/decommissions/424242")

    assert response.status_code == 404
    assert response.json()["message"]


def test_decommissions_are_readable_by_other_teams(outsider, proposed):
    client = api_client(make_token(outsider, scope="read"))

    assert client.get("/api/v1/decommissions/").json()["count"] == 1
    assert client.get(f"/api/v1/decommissions/{proposed.pk}").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_decommission_reads_query_budget(member_api, team, member, django_assert_max_num_queries, count):
    requests = [
        services.decommission_request(actor=member, project=_running(team, f"model-{number}"), reason="Old.")
        for number in range(count)
    ]

    with django_assert_max_num_queries(6):
        assert member_api.get("/api/v1/decommissions/").json()["count"] == count
    with django_assert_max_num_queries(7):
        assert member_api.get(f"/api/v1/decommissions/{requests[-1].pk}").status_code == 200
