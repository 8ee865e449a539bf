"""The projects endpoints: list with filters and pages, read, create, move phase; rights, bad input, idempotency."""
import pytest

from projects.models import PhaseChange, Project
from tests.api.conftest import api_client, make_token
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NEW_PROJECT = {
    "team": "customer-analytics",
    "name": "Demand forecast",
    "slug": "demand-forecast",
    "summary": "Forecasts weekly demand per store.",
    "tags": ["forecasting", "retail"],
    "start_date": "2026-02-01",
}


def _post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def test_list_projects_is_paginated(member_api, team):
    for number in range(3):
        ProjectFactory(team=team, name=f"Model {number}", slug=f"model-{number}")

    response = member_api.get("/api/v1/projects/", {"page_size": 2, "page": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["slug"] for item in body["items"]] == ["model-2"]


def test_list_projects_filters_by_team_and_phase(member_api, team, other_team):
    ProjectFactory(team=team, slug="in-build", name="In build", phase="build")
    ProjectFactory(team=team, slug="in-conception", name="In conception")
    ProjectFactory(team=other_team, slug="risk-build", name="Risk build", phase="build")

    by_team = member_api.get("/api/v1/projects/", {"team": "customer-analytics"}).json()
    by_both = member_api.get("/api/v1/projects/", {"team": "customer-analytics", "phase": "build"}).json()

    assert {item["slug"] for item in by_team["items"]} == {"in-build", "in-conception"}
    assert [item["slug"] for item in by_both["items"]] == ["in-build"]
    assert by_both["items"][0]["team"] == "customer-analytics"


def test_list_projects_refuses_an_unknown_phase(member_api):
    response = member_api.get("/api/v1/projects/", {"phase": "flying"})

    assert response.status_code == 422
    assert response.json()["field"] == "phase"


@pytest.mark.parametrize("count", [2, 20])
def test_list_projects_query_budget(member_api, team, django_assert_max_num_queries, count):
    for number in range(count):
        ProjectFactory(team=team, slug=f"p-{number}", name=f"P {number}")

    with django_assert_max_num_queries(5):
        assert member_api.get("/api/v1/projects/").status_code == 200


def test_read_a_project(member_api, project):
    response = member_api.get("/api/v1/projects/churn-model")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Churn model"
    assert body["team_name"] == "Customer Analytics"
    assert body["phase"] == "conception"
    assert body["url"] == "/projects/churn-model/"


def test_read_a_missing_project_is_a_json_404(member_api):
    response = member_api.get("/api/v1/projects/no-such-project")

    assert response.status_code == 404
    assert response.json()["message"]


def test_member_creates_a_project_for_their_team(member, member_api):
    response = _post(member_api, "/api/v1/projects/", NEW_PROJECT)

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "demand-forecast"
    project = Project.objects.get(slug="demand-forecast")
    assert project.tags == ["forecasting", "retail"]
    assert project.phase_changes.get().changed_by == member
    assert project.events.get().pgh_context.metadata["user"] == member.pk


def test_creating_a_project_for_another_team_is_forbidden(outsider, team):
    response = _post(api_client(make_token(outsider)), "/api/v1/projects/", NEW_PROJECT)

    assert response.status_code == 403
    assert "your own teams" in response.json()["message"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"slug": "not a slug!"}, "slug"),
        ({"team": "no-such-team"}, "team"),
        ({"repository_url": "not a url"}, "repository_url"),
        ({"summary": "x" * 241}, "summary"),
        ({"name": "nul\x00byte"}, "name"),
        ({"start_date": "yesterday"}, "start_date"),
    ],
)
def test_creating_a_project_with_bad_input_names_the_field(member_api, team, change, field):
    response = _post(member_api, "/api/v1/projects/", {**NEW_PROJECT, **change})

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == field
    assert body["message"]
    assert not Project.objects.exists()


def test_creating_a_project_with_a_taken_slug_names_the_slug(member_api, project):
    response = _post(member_api, "/api/v1/projects/", {**NEW_PROJECT, "slug": "churn-model"})

    assert response.status_code == 422
    assert response.json()["field"] == "slug"
    assert Project.objects.count() == 1


def test_a_body_that_is_not_json_is_a_400(member_api):
    response = member_api.post("/api/v1/projects/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"]


def test_member_moves_a_project_to_build(member, member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/phase", {"to_phase": "build", "reason": "Data is ready."})

    assert response.status_code == 201, response.content
    assert response.json() == {**response.json(), "from_phase": "conception", "to_phase": "build", "changed_by": "member"}
    project.refresh_from_db()
    assert project.phase == "build"


def test_moving_another_teams_project_is_forbidden(member_api, other_project):
    response = _post(member_api, "/api/v1/projects/fraud-model/phase", {"to_phase": "build", "reason": "Because."})

    assert response.status_code == 403
    other_project.refresh_from_db()
    assert other_project.phase == "conception"
    assert not PhaseChange.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_phase": "run", "reason": "Skip build."}, "to_phase"),
        ({"to_phase": "build", "reason": "   "}, "reason"),
        ({"to_phase": "space", "reason": "Why not."}, "to_phase"),
        ({"to_phase": "build"}, "reason"),
    ],
)
def test_moving_phase_with_bad_input_names_the_field(member_api, project, payload, field):
    response = _post(member_api, "/api/v1/projects/churn-model/phase", payload)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    project.refresh_from_db()
    assert project.phase == "conception"


def test_moving_a_missing_project_is_a_404(member_api):
    response = _post(member_api, "/api/v1/projects/nothing-here/phase", {"to_phase": "build", "reason": "x"})

    assert response.status_code == 404


def test_same_idempotency_key_twice_creates_one_project(member_api, team):
    first = _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "run-42"})
    retry = _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "run-42"})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Project.objects.count() == 1
    assert PhaseChange.objects.count() == 1


def test_idempotency_key_reused_for_another_request_is_refused(member_api, team):
    _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "run-43"})

    response = _post(member_api, "/api/v1/projects/", {**NEW_PROJECT, "slug": "other"}, **{"Idempotency-Key": "run-43"})

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert Project.objects.count() == 1


def test_a_refused_write_keeps_no_idempotency_record_so_a_fixed_retry_works(member_api, team):
    refused = _post(member_api, "/api/v1/projects/", {**NEW_PROJECT, "name": ""}, **{"Idempotency-Key": "run-44"})
    fixed = _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "run-44"})

    assert refused.status_code == 422
    assert fixed.status_code == 201
    assert Project.objects.count() == 1


def test_idempotency_keys_are_per_user(member_api, team):
    colleague = MembershipFactory(team=team).user
    _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "shared"})

    response = _post(
        api_client(make_token(colleague)), "/api/v1/projects/", {**NEW_PROJECT, "slug": "second"}, **{"Idempotency-Key": "shared"}
    )

    assert response.status_code == 201
    assert Project.objects.count() == 2


def test_a_malformed_idempotency_key_is_refused(member_api, team):
    response = _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": "x" * 256})

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert not Project.objects.exists()


def test_phase_move_retried_with_the_same_key_moves_once(member_api, project):
    payload = {"to_phase": "build", "reason": "Data is ready."}
    first = _post(member_api, "/api/v1/projects/churn-model/phase", payload, **{"Idempotency-Key": "move-1"})
    retry = _post(member_api, "/api/v1/projects/churn-model/phase", payload, **{"Idempotency-Key": "move-1"})

    assert first.status_code == retry.status_code == 201
    assert PhaseChange.objects.filter(project=project).count() == 1


def test_admin_token_may_write_for_any_team(admin_user, team):
    response = _post(api_client(make_token(admin_user)), "/api/v1/projects/", NEW_PROJECT)

    assert response.status_code == 201


def test_openapi_documents_errors_and_the_idempotency_header(member_api):
    schema = member_api.get("/api/v1/openapi.json").json()

    create = schema["paths"]["/api/v1/projects/"]["post"]
    assert {"201", "401", "403", "422"} <= set(create["responses"])
    assert any(parameter["name"] == "Idempotency-Key" for parameter in create["parameters"])
    assert "Idempotency-Key" not in str(schema["paths"]["/api/v1/projects/"]["get"])


@pytest.mark.parametrize("count", [1, 15])
def test_create_project_query_budget(member_api, team, django_assert_max_num_queries, count):
    for number in range(count):
        ProjectFactory(team=team, slug=f"p-{number}", name=f"P {number}")

    with django_assert_max_num_queries(18):
        response = _post(member_api, "/api/v1/projects/", NEW_PROJECT, **{"Idempotency-Key": f"budget-{count}"})

    assert response.status_code == 201
