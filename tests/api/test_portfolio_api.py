"""The portfolio summary: every project's window figures and flags, each team's toil share, the totals,
in a fixed number of queries."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.decommission import services as decommission_services
from projects.ledger.services import ledger_rollup
from projects.models import Phase, Project
from tests.api.conftest import api_client, make_token
from tests.factories import CostEntryFactory, ProjectFactory, TimeLogFactory, ToilItemFactory, ValueEntryFactory

pytestmark = pytest.mark.django_db


def _in_phase(team, slug: str, phase: str, **fields) -> Project:
    project = ProjectFactory(team=team, name=slug.title(), slug=slug)
    Project.objects.filter(pk=project.pk).update(phase=phase, **fields)
    project.refresh_from_db()
    return project


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_portfolio_shows_figures_and_flags(member, team, other_team):
    underwater = _in_phase(team, "churn-model", Phase.RUN)
    afloat = _in_phase(other_team, "fraud-model", Phase.RUN)
    CostEntryFactory(project=underwater, incurred_on=_last_month(), amount=Decimal("1000"))
    ValueEntryFactory(project=underwater, realized_on=_last_month(), amount=Decimal("250"), confidence="estimated")
    CostEntryFactory(project=afloat, incurred_on=_last_month(), amount=Decimal("100"))
    ValueEntryFactory(project=afloat, realized_on=_last_month(), amount=Decimal("900"))
    ledger_rollup()
    TimeLogFactory(item=ToilItemFactory(project=underwater), user=member, logged_on=timezone.localdate(), minutes=90)
    decommission = decommission_services.decommission_request(actor=member, project=underwater, reason="Underwater.")

    response = api_client(make_token(member, scope="read")).get("/api/v1/portfolio")

    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    assert body["window_end"] == (timezone.localdate().replace(day=1) - timedelta(days=1)).isoformat()
    churn, fraud = body["projects"]
    assert churn == {
        **churn, "slug": "churn-model", "team": "customer-analytics", "phase": "run", "window_cost": "1000.00",
        "window_value": "250.00", "window_value_estimated": "250.00", "ratio": "0.25", "underwater": True,
        "lifetime_cost": "1000.00", "toil_minutes": 90,
        "zombie": False, "decommission_id": decommission.pk, "decommission_state": "proposed",
    }
    assert churn["underwater_since"] is not None
    assert fraud == {**fraud, "underwater": False, "ratio": "9.00", "decommission_id": None}
    assert body["totals"] == {
        **body["totals"], "projects": 2, "window_cost": "1100.00", "window_value": "1150.00", "underwater": 1,
        "open_decommissions": 1, "zombies": 0, "monthly_cost_freed": "0.00",
    }
    assert body["totals"]["by_phase"]["run"] == 2
    assert [team_row["slug"] for team_row in body["teams"]] == ["customer-analytics", "risk"]


def test_portfolio_flags_a_retired_project_that_still_costs(member, team):
    retired = _in_phase(team, "old-model", Phase.RETIRED, phase_changed_at=timezone.now() - timedelta(days=40))
    CostEntryFactory(project=retired, incurred_on=timezone.localdate() - timedelta(days=2))

    body = api_client(make_token(member, scope="read")).get("/api/v1/portfolio").json()

    assert body["projects"][0]["zombie"] is True
    assert body["totals"]["zombies"] == 1


def test_portfolio_shows_a_team_over_the_toil_cap(member, team):
    project = _in_phase(team, "churn-model", Phase.RUN)
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    item = ToilItemFactory(project=project)
    for day in range(5):
        TimeLogFactory(item=item, user=member, logged_on=last_monday + timedelta(days=day), minutes=8 * 60)

    body = api_client(make_token(member, scope="read")).get("/api/v1/portfolio").json()

    team_row = body["teams"][0]
    assert team_row["week"] == last_monday.isoformat()
    assert team_row["toil_level"] == "alert"
    assert Decimal(team_row["toil_share"]) > Decimal("0.5")
    assert body["totals"]["teams_over_toil_cap"] == 1


def test_an_empty_portfolio(member):
    body = api_client(make_token(member, scope="read")).get("/api/v1/portfolio").json()

    assert body["projects"] == []
    assert body["window_start"] is None
    assert body["totals"]["window_cost"] == "0.00"


def test_portfolio_needs_a_token(client):
    assert client.get("/api/v1/portfolio").status_code == 401


@pytest.mark.parametrize("count", [2, 20])
def test_portfolio_query_budget(member, team, other_team, django_assert_max_num_queries, count):
    for number in range(count):
        project = _in_phase(team if number % 2 else other_team, f"model-{number}", Phase.RUN)
        CostEntryFactory(project=project, incurred_on=_last_month())
        TimeLogFactory(item=ToilItemFactory(project=project), user=member, logged_on=timezone.localdate())
    ledger_rollup()
    client = api_client(make_token(member, scope="read"))

    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/portfolio").json()

    assert body["totals"]["projects"] == count
