"""The ledger endpoints: months of a project, cost and value entries listed, recorded and voided;
rights, bad input, missing objects, idempotent retries and query budgets."""
from datetime import date
from decimal import Decimal

import pytest

from projects.ledger.models import CostEntry, LedgerMonth, ValueEntry
from projects.ledger.rollup import ledger_rollup
from tests.api.conftest import api_client, make_token
from tests.factories import CostEntryFactory, ProjectFactory, ValueEntryFactory, make_manager

pytestmark = pytest.mark.django_db

COST = {"incurred_on": "2026-10-31", "category": "cloud", "amount": "1840.00", "currency": "EUR", "description": "GPU inference"}
VALUE = {
    "realized_on": "2026-10-15", "kind": "cost_saved", "amount": "5200.50", "currency": "EUR",
    "confidence": "measured", "evidence": "Call-centre minutes before and after, from the telephony export.",
}


def _post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def test_member_records_a_cost(member, member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/costs", COST)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body, "project": "churn-model", "incurred_on": "2026-10-31", "category": "cloud", "amount": "1840.00",
        "currency": "EUR", "source": "manual", "description": "GPU inference", "created_by": "member", "voided_at": None,
    }
    entry = CostEntry.objects.get()
    assert entry.pk == body["id"]
    assert entry.amount == Decimal("1840.00")
    assert entry.created_by == member
    assert entry.events.get().pgh_context.metadata["user"] == member.pk


def test_a_recorded_cost_reaches_the_months(member_api, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(member_api, "/api/v1/projects/churn-model/costs", {**COST, "amount": 12.5})

    months = member_api.get("/api/v1/projects/churn-model/months").json()

    assert months["count"] == 1
    month = months["items"][0]
    assert month["month"] == "2026-10-01"
    assert month["cost_cloud"] == month["cost_total"] == "12.50"
    assert month["value_total"] == "0.00"
    assert month["ratio"] == "0.00"
    assert month["currency"] == "EUR"


def test_a_lowercase_currency_is_stored_uppercase(member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/costs", {**COST, "currency": "usd"})

    assert response.status_code == 201
    assert CostEntry.objects.get().currency == "USD"


def test_recording_a_cost_on_another_teams_project_is_forbidden(member_api, other_project):
    response = _post(member_api, "/api/v1/projects/fraud-model/costs", COST)

    assert response.status_code == 403
    assert response.json()["message"]
    assert not CostEntry.objects.exists()


def test_a_manager_records_a_cost_on_a_retired_project_but_its_team_no_longer_can(member_api, team):
    ProjectFactory(team=team, slug="old-model", phase="retired")
    manager_api = api_client(make_token(make_manager(username="boss")))

    refused = _post(member_api, "/api/v1/projects/old-model/costs", COST)
    accepted = _post(manager_api, "/api/v1/projects/old-model/costs", COST)

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert CostEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "12,50"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e40"}, "amount"),
        ({"amount": "1.123456789012345"}, "amount"),
        ({"amount": "12345678901234567"}, "amount"),
        ({"category": "snacks"}, "category"),
        ({"currency": "EURO"}, "currency"),
        ({"incurred_on": "2026-13-01"}, "incurred_on"),
        ({"incurred_on": "1789-07-14"}, "incurred_on"),
        ({"description": "x" * 241}, "description"),
        ({"description": "nul\x00"}, "description"),
    ],
)
def test_a_cost_with_bad_input_names_the_field(member_api, project, change, field):
    response = _post(member_api, "/api/v1/projects/churn-model/costs", {**COST, **change})

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not CostEntry.objects.exists()


def test_a_cost_without_an_amount_names_the_field(member_api, project):
    payload = {key: value for key, value in COST.items() if key != "amount"}

    response = _post(member_api, "/api/v1/projects/churn-model/costs", payload)

    assert response.status_code == 422
    assert response.json()["field"] == "amount"


def test_a_cost_for_a_missing_project_is_a_404(member_api):
    response = _post(member_api, "/api/v1/projects/no-such-model/costs", COST)

    assert response.status_code == 404
    assert not CostEntry.objects.exists()


def test_a_cost_retried_with_the_same_key_is_recorded_once(member_api, project):
    first = _post(member_api, "/api/v1/projects/churn-model/costs", COST, **{"Idempotency-Key": "billing-2026-10"})
    retry = _post(member_api, "/api/v1/projects/churn-model/costs", COST, **{"Idempotency-Key": "billing-2026-10"})

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert CostEntry.objects.count() == 1


def test_a_read_token_cannot_record_a_cost(member, project):
    response = _post(api_client(make_token(member, scope="read")), "/api/v1/projects/churn-model/costs", COST)

    assert response.status_code == 403
    assert not CostEntry.objects.exists()


def test_member_records_value(member_api, project):
    response = _post(member_api, "/api/v1/projects/churn-model/values", VALUE)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {**body, "kind": "cost_saved", "amount": "5200.50", "confidence": "measured", "realized_on": "2026-10-15"}
    assert ValueEntry.objects.get().evidence == VALUE["evidence"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"evidence": "   "}, "evidence"),
        ({"evidence": None}, "evidence"),
        ({"confidence": "guessed"}, "confidence"),
        ({"kind": "vibes"}, "kind"),
    ],
)
def test_value_with_bad_input_names_the_field(member_api, project, change, field):
    response = _post(member_api, "/api/v1/projects/churn-model/values", {**VALUE, **change})

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not ValueEntry.objects.exists()


def test_recording_value_on_another_teams_project_is_forbidden(member_api, other_project):
    response = _post(member_api, "/api/v1/projects/fraud-model/values", VALUE)

    assert response.status_code == 403
    assert not ValueEntry.objects.exists()


def test_value_retried_with_the_same_key_is_recorded_once(member_api, project):
    for _attempt in range(2):
        response = _post(member_api, "/api/v1/projects/churn-model/values", VALUE, **{"Idempotency-Key": "value-q3"})
        assert response.status_code == 201

    assert ValueEntry.objects.count() == 1


def test_member_voids_a_cost_with_a_reason(member, member_api, project):
    entry = CostEntryFactory(project=project)

    response = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "Billed twice."})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["voided_by"] == "member"
    assert body["void_reason"] == "Billed twice."
    entry.refresh_from_db()
    assert entry.is_voided
    assert entry.voided_by == member


def test_member_voids_a_value_entry(member_api, project):
    entry = ValueEntryFactory(project=project)

    response = _post(member_api, f"/api/v1/projects/churn-model/values/{entry.pk}/void", {"reason": "Not measured."})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.void_reason == "Not measured."


def test_voiding_needs_a_reason(member_api, project):
    entry = CostEntryFactory(project=project)

    blank = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "  "})
    missing = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {})

    assert blank.status_code == missing.status_code == 422
    assert blank.json()["field"] == missing.json()["field"] == "reason"
    entry.refresh_from_db()
    assert not entry.is_voided


def test_voiding_twice_is_refused_and_keeps_the_first_reason(member_api, project):
    entry = CostEntryFactory(project=project)
    _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "First."})

    again = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "Second."})

    assert again.status_code == 422
    assert again.json()["field"] == "reason"
    entry.refresh_from_db()
    assert entry.void_reason == "First."


def test_the_toil_cost_cannot_be_voided_by_hand(member_api, project):
    entry = CostEntryFactory(project=project, source="toil", category="people")

    response = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "Too high."})

    assert response.status_code == 422
    entry.refresh_from_db()
    assert not entry.is_voided


def test_voiding_on_another_teams_project_is_forbidden(member_api, other_project):
    entry = CostEntryFactory(project=other_project)
    value = ValueEntryFactory(project=other_project)

    cost_response = _post(member_api, f"/api/v1/projects/fraud-model/costs/{entry.pk}/void", {"reason": "Mine now."})
    value_response = _post(member_api, f"/api/v1/projects/fraud-model/values/{value.pk}/void", {"reason": "Mine now."})

    assert cost_response.status_code == value_response.status_code == 403
    assert not CostEntry.objects.filter(voided_at__isnull=False).exists()
    assert not ValueEntry.objects.filter(voided_at__isnull=False).exists()


def test_voiding_an_entry_through_another_project_is_a_404(member_api, project, other_project):
    entry = CostEntryFactory(project=other_project)

    response = _post(member_api, f"/api/v1/projects/churn-model/costs/{entry.pk}/void", {"reason": "Sneaky."})

    assert response.status_code == 404
    entry.refresh_from_db()
    assert not entry.is_voided


def test_voiding_a_missing_entry_is_a_404(member_api, project):
    assert _post(member_api, "/api/v1/projects/churn-model/costs/999999/void", {"reason": "x"}).status_code == 404
    assert _post(member_api, "/api/v1/projects/churn-model/values/999999/void", {"reason": "x"}).status_code == 404


def test_a_void_retried_with_the_same_key_answers_as_the_first_time(member_api, project):
    entry = CostEntryFactory(project=project)
    path = f"/api/v1/projects/churn-model/costs/{entry.pk}/void"

    first = _post(member_api, path, {"reason": "Billed twice."}, **{"Idempotency-Key": "void-1"})
    retry = _post(member_api, path, {"reason": "Billed twice."}, **{"Idempotency-Key": "void-1"})

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert entry.events.count() == 2


def test_cost_list_hides_voided_entries_unless_asked(member_api, project):
    CostEntryFactory(project=project, description="live")
    CostEntryFactory(project=project, description="gone", voided_at="2026-01-01T00:00:00Z", void_reason="x")

    default = member_api.get("/api/v1/projects/churn-model/costs").json()
    everything = member_api.get("/api/v1/projects/churn-model/costs", {"include_voided": "true"}).json()

    assert [item["description"] for item in default["items"]] == ["live"]
    assert everything["count"] == 2


def test_cost_list_filters_by_category_and_dates(member_api, project):
    CostEntryFactory(project=project, category="cloud", incurred_on=date(2026, 9, 1))
    CostEntryFactory(project=project, category="licences", incurred_on=date(2026, 10, 1))

    body = member_api.get(
        "/api/v1/projects/churn-model/costs", {"category": "licences", "date_from": "2026-09-15", "date_to": "2026-10-31"}
    ).json()

    assert [item["category"] for item in body["items"]] == ["licences"]


def test_value_list(member_api, project):
    ValueEntryFactory(project=project)

    body = member_api.get("/api/v1/projects/churn-model/values").json()

    assert body["count"] == 1
    assert body["items"][0]["amount"] == "500.00"


def test_another_teams_ledger_is_readable(member_api, other_project):
    CostEntryFactory(project=other_project)

    assert member_api.get("/api/v1/projects/fraud-model/costs").json()["count"] == 1


def test_months_of_a_missing_project_are_a_404(member_api):
    assert member_api.get("/api/v1/projects/no-such-model/months").status_code == 404


def test_months_are_oldest_first_and_paginated(member_api, project):
    for month in (1, 2, 3):
        CostEntryFactory(project=project, incurred_on=date(2026, month, 5), amount=Decimal("10"))
    ledger_rollup(project_ids=[project.pk], today=date(2026, 4, 2))

    body = member_api.get("/api/v1/projects/churn-model/months", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [item["month"] for item in body["items"]] == ["2026-01-01", "2026-02-01"]
    assert body["items"][1]["cumulative_cost"] == "20.00"


@pytest.mark.parametrize("count", [2, 24])
def test_ledger_reads_query_budget(member_api, project, django_assert_max_num_queries, count):
    for number in range(count):
        CostEntryFactory(project=project, incurred_on=date(2024 + number // 12, number % 12 + 1, 3))
        ValueEntryFactory(project=project, realized_on=date(2024 + number // 12, number % 12 + 1, 9))
    ledger_rollup(project_ids=[project.pk], today=date(2026, 6, 1))
    assert LedgerMonth.objects.count() == count

    for path in ("months", "costs", "values"):
        with django_assert_max_num_queries(6):
            assert member_api.get(f"/api/v1/projects/churn-model/{path}").status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_record_a_cost_query_budget(member_api, project, django_assert_max_num_queries, count):
    for _number in range(count):
        CostEntryFactory(project=project)

    with django_assert_max_num_queries(20):
        response = _post(member_api, "/api/v1/projects/churn-model/costs", COST, **{"Idempotency-Key": f"budget-{count}"})

    assert response.status_code == 201
