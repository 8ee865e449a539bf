"""The toil endpoints: items listed with filters and pages, one item read, time logged with the
board's rules (no negative minutes, no future day, only for yourself unless you lead the team)."""
from datetime import date, timedelta

import pytest

from projects import clock
from projects.ledger.models import CostEntry
from tests.api.conftest import api_client, make_token
from tests.factories import MembershipFactory, ProjectFactory, TimeLogFactory, ToilItemFactory, UserFactory
from toil.models import TimeLog

pytestmark = pytest.mark.django_db


def _post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


@pytest.fixture
def item(project):
    return ToilItemFactory(project=project, title="Restart the nightly scoring")


@pytest.fixture
def other_item(other_project):
    return ToilItemFactory(project=other_project, title="Rotate the fraud keys")


def yesterday() -> str:
    return (clock.today() - timedelta(days=1)).isoformat()


def _log(item) -> str:
    return f"/api/v1/toil/items/{item.pk}/logs"


def test_list_toil_items_with_their_figures(member_api, item):
    TimeLogFactory(item=item, logged_on=clock.today(), minutes=45)

    body = member_api.get("/api/v1/toil/items").json()

    assert body["count"] == 1
    listed = body["items"][0]
    assert listed == {
        **listed, "id": item.pk, "project": "churn-model", "team": "customer-analytics", "title": "Restart the nightly scoring",
        "classification": "toil", "status": "identified", "recent_minutes": 45, "hours_per_month": "2.20",
        "url": f"/toil/items/{item.pk}/",
    }


def test_list_filters_by_project_team_and_status(member_api, project, item, other_item):
    ToilItemFactory(project=project, title="Clean the feature store", status="automated")

    by_project = member_api.get("/api/v1/toil/items", {"project": "churn-model"}).json()
    by_team = member_api.get("/api/v1/toil/items", {"team": "risk"}).json()
    by_status = member_api.get("/api/v1/toil/items", {"project": "churn-model", "status": "automated"}).json()

    assert by_project["count"] == 2
    assert [listed["title"] for listed in by_team["items"]] == ["Rotate the fraud keys"]
    assert [listed["title"] for listed in by_status["items"]] == ["Clean the feature store"]


def test_list_is_paginated(member_api, project):
    for number in range(5):
        ToilItemFactory(project=project, title=f"Chore {number}")

    body = member_api.get("/api/v1/toil/items", {"page_size": 2, "page": 3}).json()

    assert body["count"] == 5
    assert [listed["title"] for listed in body["items"]] == ["Chore 4"]


def test_list_refuses_an_unknown_status(member_api):
    response = member_api.get("/api/v1/toil/items", {"status": "forgotten"})

    assert response.status_code == 422
    assert response.json()["field"] == "status"


@pytest.mark.parametrize("count", [2, 25])
def test_list_query_budget(member_api, project, django_assert_max_num_queries, count):
    owner = MembershipFactory(team=project.team).user
    for number in range(count):
        TimeLogFactory(item=ToilItemFactory(project=project, owner=owner), logged_on=clock.today())

    with django_assert_max_num_queries(5):
        response = member_api.get("/api/v1/toil/items")

    assert response.json()["count"] == count


def test_read_one_item(member_api, item):
    response = member_api.get(f"/api/v1/toil/items/{item.pk}")

    assert response.status_code == 200
    assert response.json()["title"] == "Restart the nightly scoring"


def test_read_a_missing_item_is_a_404(member_api):
    assert member_api.get("/api/v1/toil/items/987654").status_code == 404


@pytest.mark.calendar
def test_member_logs_time_for_themself(member, member_api, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(member_api, _log(item), {"minutes": 45, "logged_on": yesterday(), "note": "Manual retrain"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body, "item": item.pk, "project": "churn-model", "user": "member", "logged_by": "member", "minutes": 45,
        "logged_on": yesterday(), "note": "Manual retrain",
    }
    log = TimeLog.objects.get()
    assert (log.user, log.logged_by, log.minutes) == (member, member, 45)
    assert log.events.get().pgh_context.metadata["user"] == member.pk
    toil_cost = CostEntry.objects.get(source="toil")
    assert toil_cost.incurred_on == date.fromisoformat(yesterday()).replace(day=1)
    assert toil_cost.amount == 60


@pytest.mark.calendar
def test_a_log_without_a_day_is_for_today(member_api, item):
    response = _post(member_api, _log(item), {"minutes": 15})

    assert response.status_code == 201
    assert response.json()["logged_on"] == clock.today().isoformat()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"minutes": -30}, "minutes"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": "lots"}, "minutes"),
        ({}, "minutes"),
        ({"minutes": 30, "logged_on": "2026-02-30"}, "logged_on"),
        ({"minutes": 30, "note": "x" * 201}, "note"),
        ({"minutes": 30, "user": "no such user!"}, "user"),
        ({"minutes": 30, "user": "nobody"}, "user"),
    ],
)
def test_a_log_with_bad_input_names_the_field(member_api, item, payload, field):
    response = _post(member_api, _log(item), payload)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not TimeLog.objects.exists()


def test_a_log_in_the_future_is_refused(member_api, item):
    tomorrow = clock.today() + timedelta(days=1)

    response = _post(member_api, _log(item), {"minutes": 30, "logged_on": tomorrow.isoformat()})

    assert response.status_code == 422
    assert response.json() == {**response.json(), "field": "logged_on", "message": "A log cannot be in the future."}
    assert not TimeLog.objects.exists()


def test_a_member_cannot_log_for_a_colleague(member_api, team, item):
    colleague = MembershipFactory(team=team, user=UserFactory(username="colleague")).user

    response = _post(member_api, _log(item), {"minutes": 30, "user": colleague.username})

    assert response.status_code == 422
    assert response.json()["field"] == "user"
    assert not TimeLog.objects.exists()


def test_a_lead_logs_for_a_member_of_the_team(lead, member, item):
    response = _post(api_client(make_token(lead)), _log(item), {"minutes": 30, "user": "member"})

    assert response.status_code == 201
    log = TimeLog.objects.get()
    assert (log.user, log.logged_by) == (member, lead)


def test_a_lead_cannot_log_for_someone_outside_the_team(lead, outsider, item):
    response = _post(api_client(make_token(lead)), _log(item), {"minutes": 30, "user": outsider.username})

    assert response.status_code == 422
    assert response.json()["field"] == "user"
    assert not TimeLog.objects.exists()


def test_logging_on_another_teams_item_is_forbidden(member_api, other_item):
    response = _post(member_api, _log(other_item), {"minutes": 30})

    assert response.status_code == 403
    assert not TimeLog.objects.exists()
    assert not CostEntry.objects.exists()


def test_logging_on_a_retired_project_is_forbidden(member_api, team):
    retired = ToilItemFactory(project=ProjectFactory(team=team, slug="old", phase="retired"))

    assert _post(member_api, _log(retired), {"minutes": 30}).status_code == 403
    assert not TimeLog.objects.exists()


def test_logging_on_a_missing_item_is_a_404(member_api):
    assert _post(member_api, "/api/v1/toil/items/987654/logs", {"minutes": 30}).status_code == 404


def test_a_read_token_cannot_log(member, item):
    response = _post(api_client(make_token(member, scope="read")), _log(item), {"minutes": 30})

    assert response.status_code == 403
    assert not TimeLog.objects.exists()


def test_a_log_retried_with_the_same_key_is_written_once(member_api, item):
    payload = {"minutes": 45, "logged_on": yesterday(), "note": "Manual retrain"}

    first = _post(member_api, _log(item), payload, **{"Idempotency-Key": "retrain-yesterday"})
    retry = _post(member_api, _log(item), payload, **{"Idempotency-Key": "retrain-yesterday"})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert TimeLog.objects.count() == 1


@pytest.mark.parametrize("count", [1, 20])
def test_log_query_budget(member_api, item, django_assert_max_num_queries, count):
    for _number in range(count):
        TimeLogFactory(item=item, logged_on=date(2026, 1, 5))

    with django_assert_max_num_queries(20):
        response = _post(member_api, _log(item), {"minutes": 30}, **{"Idempotency-Key": f"budget-{count}"})

    assert response.status_code == 201
