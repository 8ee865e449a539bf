"""The portfolio summary: the figures and flags of the portfolio page (totals, team toil shares,
alerts, projects filtered, sorted and paginated like its table), in a fixed number of queries."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from projects import clock
from projects.decommission import services as decommission_services
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.api.conftest import api_client, make_token
from tests.factories import CostEntryFactory, ProjectFactory, TimeLogFactory, ToilItemFactory, ValueEntryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def _in_phase(team, slug: str, phase: str, **fields) -> Project:
    project = ProjectFactory(team=team, name=slug.replace("-", " ").title(), slug=slug)
    Project.objects.filter(pk=project.pk).update(phase=phase, **fields)
    project.refresh_from_db()
    return project


def _last_month() -> date:
    # The rollup and the portfolio cut months in UTC.
    return (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def reader(member):
    return api_client(make_token(member, scope="read"))


@pytest.fixture
def portfolio(member, team, other_team):
    underwater = _in_phase(team, "churn-model", Phase.RUN)
    afloat = _in_phase(other_team, "fraud-model", Phase.RUN)
    CostEntryFactory(project=underwater, incurred_on=_last_month(), amount=Decimal("1000"))
    ValueEntryFactory(project=underwater, realized_on=_last_month(), amount=Decimal("250"))
    CostEntryFactory(project=afloat, incurred_on=_last_month(), amount=Decimal("100"))
    ValueEntryFactory(project=afloat, realized_on=_last_month(), amount=Decimal("900"))
    ledger_rollup()
    TimeLogFactory(item=ToilItemFactory(project=underwater), user=member, logged_on=_last_month(), minutes=90)
    request = decommission_services.decommission_request(actor=member, project=underwater, reason="Underwater.")
    return {"underwater": underwater, "afloat": afloat, "request": request}


def test_portfolio_shows_the_figures_and_flags_of_the_page(reader, portfolio):
    response = reader.get("/api/v1/portfolio")

    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    assert body["window_end"] == (clock.today().replace(day=1) - timedelta(days=1)).isoformat()
    assert body["totals"] == {
        "projects": 2, "cost": "1100.00", "value": "1150.00", "ratio": "1.045455", "value_freed": "0.00",
        "toil_percent": body["totals"]["toil_percent"],
    }
    churn, fraud = body["projects"]["items"]
    assert churn == {
        **churn, "slug": "churn-model", "team": "customer-analytics", "team_name": "Customer Analytics", "phase": "run",
        "cost": "1000.00", "value": "250.00", "ratio": "0.25", "underwater": True, "zombie": False, "toil_minutes": 90,
        "decommission_id": portfolio["request"].pk, "decommission_state": "proposed", "url": "/projects/churn-model/",
    }
    assert fraud == {**fraud, "underwater": False, "ratio": "9.00", "decommission_id": None}
    assert body["projects"]["count"] == 2
    assert [team["slug"] for team in body["teams"]] == ["customer-analytics", "risk"]
    kinds = {alert["kind"]: alert for alert in body["alerts"]}
    assert [item["label"] for item in kinds["underwater"]["items"]] == ["Churn Model"]
    assert kinds["waiting"]["items"][0]["url"] == f"/decommissions/{portfolio['request'].pk}/"


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ({"flag": "underwater"}, ["churn-model"]),
        ({"flag": "waiting"}, ["churn-model"]),
        ({"team": "risk"}, ["fraud-model"]),
        ({"phase": "build"}, []),
        ({"sort": "-ratio"}, ["fraud-model", "churn-model"]),
        ({"sort": "cost"}, ["fraud-model", "churn-model"]),
        ({"page_size": 1, "page": 2}, ["fraud-model"]),
    ],
)
def test_portfolio_projects_are_filtered_sorted_and_paginated_like_the_page(reader, portfolio, query, slugs):
    body = reader.get("/api/v1/portfolio", query).json()

    assert [item["slug"] for item in body["projects"]["items"]] == slugs
    assert body["totals"]["projects"] == 2


def test_filtered_count_counts_only_the_matching_projects(reader, portfolio):
    assert reader.get("/api/v1/portfolio", {"flag": "underwater"}).json()["projects"]["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [({"flag": "sinking"}, "flag"), ({"sort": "mood"}, "sort"), ({"phase": "space"}, "phase"), ({"page": 0}, "page")],
)
def test_portfolio_refuses_unknown_filters(reader, query, field):
    response = reader.get("/api/v1/portfolio", query)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_portfolio_flags_a_retired_project_that_still_costs(reader, team):
    retired = _in_phase(team, "old-model", Phase.RETIRED, phase_changed_at=clock.now() - timedelta(days=40))
    CostEntryFactory(project=retired, incurred_on=clock.today() - timedelta(days=2))

    body = reader.get("/api/v1/portfolio").json()

    assert body["projects"]["items"][0]["zombie"] is True
    assert [alert["kind"] for alert in body["alerts"]] == ["zombie"]


def test_portfolio_shows_a_team_over_the_toil_cap(reader, member, team):
    project = _in_phase(team, "churn-model", Phase.RUN)
    today = clock.today()
    last_monday = today - timedelta(days=today.weekday() + 7)
    item = ToilItemFactory(project=project)
    for day in range(5):
        TimeLogFactory(item=item, user=member, logged_on=last_monday + timedelta(days=day), minutes=8 * 60)

    body = reader.get("/api/v1/portfolio").json()

    team_row = body["teams"][0]
    assert team_row["toil_level"] == "alert"
    assert team_row["toil_percent"] > 50
    assert body["projects"]["items"][0]["team_toil_percent"] == team_row["toil_percent"]
    assert "overcap" in [alert["kind"] for alert in body["alerts"]]


def test_an_empty_portfolio(reader):
    body = reader.get("/api/v1/portfolio").json()

    assert body["projects"] == {"count": 0, "page": 1, "page_size": 50, "items": []}
    assert body["totals"]["cost"] == "0.00"
    assert body["totals"]["ratio"] is None
    assert body["alerts"] == []


def test_portfolio_needs_a_token(client):
    assert client.get("/api/v1/portfolio").status_code == 401


@pytest.mark.parametrize("count", [2, 20])
def test_portfolio_query_budget(reader, member, team, other_team, django_assert_max_num_queries, count):
    for number in range(count):
        project = _in_phase(team if number % 2 else other_team, f"model-{number}", Phase.RUN)
        CostEntryFactory(project=project, incurred_on=_last_month())
        TimeLogFactory(item=ToilItemFactory(project=project), user=member, logged_on=_last_month())
    ledger_rollup()

    with django_assert_max_num_queries(10):
        body = reader.get("/api/v1/portfolio", {"flag": "underwater", "sort": "-toil"}).json()

    assert body["totals"]["projects"] == count
