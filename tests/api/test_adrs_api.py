"""The decision-record endpoints: the list with its filters (status, quadrant, project, team, text),
one record in full, and a new record written as proposed; rights, bad input, idempotent retries."""
from datetime import date

import pytest

from adr import services
from adr.models import Adr, AdrRevision
from projects import clock
from tests.api.conftest import api_client, make_token
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ADR = {
    "title": "Serve the churn model behind the feature store",
    "context": "Scores are computed **nightly**; the CRM wants them on demand.",
    "options": [
        {"title": "Online serving", "good": ["Fresh scores"], "bad": ["One more service to run"]},
        {"title": "Nightly batch", "good": ["Nothing new to run"]},
    ],
    "chosen_option": "Online serving",
    "outcome": "Freshness matters more than one more service.",
    "tags": ["serving", "crm"],
    "decision_makers": ["member"],
    "consulted_external": ["CRM vendor"],
}


def _post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


@pytest.fixture
def decisions(member, project, other_project, manager):
    shortcut = services.adr_create(actor=member, project=project, title="Copy scores by hand for the launch")
    services.placement_set(actor=member, adr=shortcut, cell="conscious_reckless", revisit_by=date(2026, 12, 1))
    prudent = services.adr_create(actor=member, project=project, title="Use gradient boosting", tags=["modelling"])
    services.placement_set(actor=member, adr=prudent, cell="conscious_prudent")
    outsider = MembershipFactory(team=other_project.team).user
    fraud = services.adr_create(actor=outsider, project=other_project, title="Adopt an experimental graph library")
    Adr.objects.filter(pk=fraud.pk).update(status="accepted")
    return {"shortcut": shortcut, "prudent": prudent, "fraud": fraud}


def test_list_decisions_with_their_quadrant(member_api, decisions):
    body = member_api.get("/api/v1/adrs/").json()

    assert body["count"] == 3
    by_title = {item["title"]: item for item in body["items"]}
    shortcut = by_title["Copy scores by hand for the launch"]
    assert shortcut == {
        **shortcut, "project": "churn-model", "number": 1, "code": "ADR-0001", "status": "proposed",
        "quadrant": "conscious_reckless", "revisit_by": "2026-12-01", "author": "member",
        "url": "/projects/churn-model/adrs/1/",
    }
    assert by_title["Adopt an experimental graph library"]["quadrant"] is None


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"status": "accepted"}, ["Adopt an experimental graph library"]),
        ({"quadrant": "conscious_prudent"}, ["Use gradient boosting"]),
        ({"status": "proposed", "quadrant": "conscious_reckless"}, ["Copy scores by hand for the launch"]),
        ({"project": "fraud-model"}, ["Adopt an experimental graph library"]),
        ({"team": "customer-analytics"}, ["Copy scores by hand for the launch", "Use gradient boosting"]),
        ({"tag": "modelling"}, ["Use gradient boosting"]),
        ({"q": "gradient"}, ["Use gradient boosting"]),
    ],
)
def test_list_filters(member_api, decisions, query, titles):
    body = member_api.get("/api/v1/adrs/", query).json()

    assert sorted(item["title"] for item in body["items"]) == titles


@pytest.mark.parametrize(("query", "field"), [({"status": "maybe"}, "status"), ({"quadrant": "top_left"}, "quadrant")])
def test_list_refuses_unknown_filters(member_api, query, field):
    response = member_api.get("/api/v1/adrs/", query)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_list_is_paginated(member_api, decisions):
    body = member_api.get("/api/v1/adrs/", {"page_size": 2, "page": 2}).json()

    assert body["count"] == 3
    assert len(body["items"]) == 1


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_budget(member, member_api, project, django_assert_max_num_queries, count):
    for number in range(count):
        adr = services.adr_create(actor=member, project=project, title=f"Decision {number}", decision_makers=[member])
        services.placement_set(actor=member, adr=adr, cell="unconscious_prudent")

    with django_assert_max_num_queries(6):
        assert member_api.get("/api/v1/adrs/").json()["count"] == count


def test_read_a_decision_in_full(member_api, decisions):
    response = member_api.get("/api/v1/projects/churn-model/adrs/1")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Copy scores by hand for the launch"
    assert [(placement["cell"], placement["placed_by"]) for placement in body["placements"]] == [("conscious_reckless", "member")]
    assert body["quadrant"] == "conscious_reckless"
    assert body["reviews"] == []
    assert body["supersedes"] == body["superseded_by"] == []


@pytest.mark.parametrize("path", ["/api/v1/projects/churn-model/adrs/99", "/api/v1/projects/no-such/adrs/1"])
def test_read_a_missing_decision_is_a_404(member_api, decisions, path):
    response = member_api.get(path)

    assert response.status_code == 404
    assert response.json()["message"]


def test_member_writes_a_decision_as_proposed(member, member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/adrs", NEW_ADR)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body, "number": 1, "status": "proposed", "author": "member", "chosen_option": "Online serving",
        "tags": ["serving", "crm"], "decision_makers": ["member"], "consulted": ["CRM vendor"], "version": 1,
        "quadrant": None,
    }
    assert [option["title"] for option in body["options"]] == ["Online serving", "Nightly batch"]
    adr = Adr.objects.get()
    assert adr.status == "proposed"
    assert list(adr.decision_makers.all()) == [member]
    assert AdrRevision.objects.get(adr=adr).changed_by == member
    assert adr.events.first().pgh_context.metadata["user"] == member.pk


def test_a_new_decision_supersedes_an_older_one(member_api, decisions):
    response = _post(member_api, "/api/v1/projects/churn-model/adrs", {"title": "Serve online", "supersedes": [2]})

    assert response.status_code == 201
    assert response.json()["supersedes"] == [2]
    assert Adr.objects.get(project__slug="churn-model", number=2).status == "superseded"


def test_status_cannot_be_chosen_on_creation(member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/adrs", {"title": "Self-accepted", "status": "accepted"})

    assert response.status_code == 201
    assert Adr.objects.get().status == "proposed"


def test_a_decision_keeps_its_written_date_and_says_when_it_was_accepted(member_api, project, lead):
    response = _post(member_api, "/api/v1/projects/churn-model/adrs", {
        "title": "Score churn nightly", "decided_on": "2026-10-02", "accepted_on": "2026-10-03", "decision_makers": ["member"],
    })
    assert response.status_code == 201
    assert response.json()["accepted_on"] is None, "the day of acceptance is not written by a client"

    services.adr_review(actor=lead, adr=Adr.objects.get(), verdict="accepted", comment="Agreed.")

    detail = member_api.get("/api/v1/projects/churn-model/adrs/1").json()
    listed = member_api.get("/api/v1/adrs/").json()["items"][0]
    for body in (detail, listed):
        assert (body["decided_on"], body["accepted_on"]) == ("2026-10-02", clock.today().isoformat())


def test_writing_a_decision_for_another_team_is_forbidden(member_api, other_project):
    response = _post(member_api, "/api/v1/projects/fraud-model/adrs", NEW_ADR)

    assert response.status_code == 403
    assert not Adr.objects.exists()
    assert not AdrRevision.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"decision_makers": ["ghost"]}, "decision_makers"),
        ({"supersedes": [7]}, "supersedes"),
        ({"options": [{"title": "Same"}, {"title": "same"}]}, "options"),
        ({"options": [{"description": "No title"}]}, "options.0.title"),
        ({"decided_on": "someday"}, "decided_on"),
        ({"tags": "not-a-list"}, "tags"),
        ({"context": "nul\x00"}, "context"),
    ],
)
def test_a_decision_with_bad_input_names_the_field(member_api, project, change, field):
    response = _post(member_api, "/api/v1/projects/churn-model/adrs", {**NEW_ADR, **change})

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Adr.objects.exists()


def test_writing_a_decision_on_a_missing_project_is_a_404(member_api):
    assert _post(member_api, "/api/v1/projects/no-such/adrs", NEW_ADR).status_code == 404


def test_a_decision_retried_with_the_same_key_is_written_once(member_api, project):
    first = _post(member_api, "/api/v1/projects/churn-model/adrs", NEW_ADR, **{"Idempotency-Key": "ci-adr-7"})
    retry = _post(member_api, "/api/v1/projects/churn-model/adrs", NEW_ADR, **{"Idempotency-Key": "ci-adr-7"})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert Adr.objects.count() == 1


def test_a_read_token_cannot_write_a_decision(member, project):
    response = _post(api_client(make_token(member, scope="read")), "/api/v1/projects/churn-model/adrs", NEW_ADR)

    assert response.status_code == 403
    assert not Adr.objects.exists()


def test_an_inactive_user_cannot_be_named_decision_maker(member_api, project):
    UserFactory(username="gone", is_active=False)

    response = _post(member_api, "/api/v1/projects/churn-model/adrs", {**NEW_ADR, "decision_makers": ["gone"]})

    assert response.status_code == 422
    assert response.json()["field"] == "decision_makers"


@pytest.mark.parametrize("count", [1, 15])
def test_read_and_write_query_budget(member, member_api, project, django_assert_max_num_queries, count):
    for number in range(count):
        services.adr_create(actor=member, project=project, title=f"Decision {number}", decision_makers=[member])

    with django_assert_max_num_queries(15):
        assert member_api.get(f"/api/v1/projects/churn-model/adrs/{count}").status_code == 200
    with django_assert_max_num_queries(55):
        response = _post(member_api, "/api/v1/projects/churn-model/adrs", NEW_ADR, **{"Idempotency-Key": f"budget-{count}"})
    assert response.status_code == 201
