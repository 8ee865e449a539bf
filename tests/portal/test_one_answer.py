"""One rule, one answer: an organisation with the hard cases of each definition, and every surface that shows
the fact (portfolio page and CSV, project page, API, decommission evidence, digest) giving the same figure.

The hard cases: reckless decisions that are superseded, deprecated or rejected (not in force); a FOCUS billing
period re-issued by a later import and a voided import (not live); a cost dated after a retirement (zombie); a
project that went live this month after costly build months (not a run month: not underwater)."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from adr.models import Cell, Placement
from projects import clock
from projects.decommission import selectors as decommission_selectors
from projects.decommission import services as decommission_services
from projects.ledger.rollup import ledger_rollup
from projects.ledger import imports as ledger_imports
from projects.ledger.models import FocusImport, LedgerStatus
from projects.models import Phase, PhaseChange, Project
from portal import portfolio
from tests.api.conftest import api_client, make_token
from tests.factories import AdrFactory, CostEntryFactory, ProjectFactory, ToilItemFactory, ValueEntryFactory
from tests.ledger.focus_files import row, tag, write
from tests.portal.test_portfolio import client_for

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _history(project: Project, *moves: tuple[str, datetime], actor) -> Project:
    """The project's phase history, oldest first; the project ends in the last phase."""
    previous = ""
    for phase, when in moves:
        PhaseChange.objects.create(project=project, from_phase=previous, to_phase=phase, reason="History.", changed_by=actor, changed_at=when)
        previous = phase
    Project.objects.filter(pk=project.pk).update(phase=previous, phase_changed_at=moves[-1][1])
    project.refresh_from_db()
    return project


def _import(tmp_path, name: str, rows: list[dict]) -> FocusImport:
    call_command("import_focus", str(write(tmp_path / name, rows)), "--json")
    return FocusImport.objects.latest("pk")


def _place(adr, actor, *, revisit_by: date) -> None:
    Placement.objects.create(adr=adr, cell=Cell.CONSCIOUS_RECKLESS, placed_by=actor, revisit_by=revisit_by)


@pytest.fixture
def org(set_clock, team, member, manager, tmp_path, capsys, settings):
    settings.TIME_ZONE = "Europe/Paris"
    set_clock("2026-11-18T10:00")
    at = lambda *day: datetime(*day, 9, tzinfo=PARIS)  # noqa: E731

    recommender = _history(ProjectFactory(team=team, name="Recommender", slug="recommender"),
                           (Phase.BUILD, at(2025, 1, 10)), (Phase.RUN, at(2026, 3, 15)), actor=member)
    # In force: proposed and accepted. ADR-1 is overdue without remediation; ADR-5 has a ticket and time left.
    overdue = AdrFactory(project=recommender, status="accepted", title="Skip the feature store")
    _place(overdue, member, revisit_by=date(2026, 1, 1))
    for status in ("superseded", "deprecated", "rejected"):
        _place(AdrFactory(project=recommender, status=status, title=f"A {status} shortcut"), member, revisit_by=date(2026, 1, 1))
    remediated = AdrFactory(project=recommender, status="proposed", title="Hand-rolled serving")
    _place(remediated, member, revisit_by=date(2027, 6, 1))
    ToilItemFactory(project=recommender, remediates=remediated, status="in_progress")

    # Costs: August and September by hand; October billed twice (the second import re-issues the period) and a
    # September bill voided. Value: 300 a month.
    for month in (8, 9, 10):
        ValueEntryFactory(project=recommender, realized_on=date(2026, month, 20), amount=Decimal("300"))
    CostEntryFactory(project=recommender, incurred_on=date(2026, 8, 5), amount=Decimal("800"))
    CostEntryFactory(project=recommender, incurred_on=date(2026, 9, 5), amount=Decimal("900"))
    october = {"BillingPeriodStart": "2026-10-01T00:00:00Z", "BillingPeriodEnd": "2026-11-01T00:00:00Z",
               "ChargePeriodStart": "2026-10-12T00:00:00Z", "ChargePeriodEnd": "2026-10-13T00:00:00Z", "Tags": tag("recommender")}
    _import(tmp_path, "october.csv", [row(**october, EffectiveCost="1000")])
    _import(tmp_path, "october-reissued.csv", [row(**october, EffectiveCost="1200")])
    voided = _import(tmp_path, "september.csv", [row(
        BillingAccountId="acct-2", BillingPeriodStart="2026-09-01T00:00:00Z", BillingPeriodEnd="2026-10-01T00:00:00Z",
        ChargePeriodStart="2026-09-12T00:00:00Z", ChargePeriodEnd="2026-09-13T00:00:00Z", Tags=tag("recommender"),
        EffectiveCost="500",
    )])
    ledger_imports.focus_import_void(actor=manager, focus_import=voided, reason="Billed to the wrong account")

    archive = _history(ProjectFactory(team=team, name="Archive search", slug="archive-search"),
                       (Phase.RUN, at(2025, 2, 1)), (Phase.DECOMMISSIONING, at(2026, 9, 1)), (Phase.RETIRED, at(2026, 9, 20)),
                       actor=member)
    CostEntryFactory(project=archive, incurred_on=date(2026, 9, 10), amount=Decimal("70"))  # before: not a zombie
    CostEntryFactory(project=archive, incurred_on=date(2026, 10, 5), amount=Decimal("40"))  # after: a zombie cost

    new = _history(ProjectFactory(team=team, name="New search", slug="new-search"),
                   (Phase.BUILD, at(2025, 10, 1)), (Phase.RUN, at(2026, 11, 3)), actor=member)
    for month in (8, 9, 10):
        CostEntryFactory(project=new, incurred_on=date(2026, month, 2), amount=Decimal("1000"))  # build months

    ledger_rollup()
    capsys.readouterr()
    return {"recommender": recommender, "archive": archive, "new": new, "overdue": overdue}


def _page_rows(user) -> dict[str, object]:
    return {project.slug: project for project in client_for(user).get("/portfolio/").context["page"].object_list}


def _csv_rows(user) -> dict[str, dict]:
    response = client_for(user).get("/portfolio/export.csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = lines[0]
    return {line[-1].rstrip("/").rsplit("/", 1)[-1]: dict(zip(header, line)) for line in lines[1:]}


def _api_rows(user) -> dict[str, dict]:
    body = api_client(make_token(user, scope="read")).get("/api/v1/portfolio").json()
    return {project["slug"]: project for project in body["projects"]["items"]}


def _evidence(project, user) -> dict[str, dict]:
    request = decommission_services.decommission_request(actor=user, project=project, reason="Costs more than it brings")
    return {section["key"]: dict(section["facts"]) for section in request.evidence["sections"]}


def _digest() -> str:
    overview = portfolio.portfolio_overview()
    return portfolio.digest_text(overview["alerts"], overview["totals"], "https://portal.example.com")


def test_decisions_in_force_overdue_and_without_remediation_agree_everywhere(org, member):
    recommender = org["recommender"]
    expected = {"open_decisions": 2, "overdue_decisions": 1, "unremediated_decisions": 1}

    page = _page_rows(member)["recommender"]
    assert {key: getattr(page, key) for key in expected} == expected
    line = _csv_rows(member)["recommender"]
    assert (line["Open conscious+reckless decisions"], line["Overdue decisions"], line["Decisions without remediation"]) == ("2", "1", "1")
    api = _api_rows(member)["recommender"]
    assert {key: api[key] for key in expected} == expected
    project_page = client_for(member).get(recommender.get_absolute_url()).context
    assert {value: count for value, _label, count in project_page["cells"]}[Cell.CONSCIOUS_RECKLESS] == 2
    matrix = client_for(member).get("/decisions/matrix/", {"project": "recommender"}).context
    assert {cell["value"]: cell["count"] for cell in matrix["cells"]}[Cell.CONSCIOUS_RECKLESS] == 2
    assert [adr.pk for adr in matrix["overdue"]] == [org["overdue"].pk]
    decisions = _evidence(recommender, member)["decisions"]
    assert (decisions["Conscious and reckless decisions in force"], decisions["Of which overdue"]) == ("2", "1")
    assert "Recommender: 1 reckless decision past its revisit date" in _digest()
    detail = client_for(member).get(org["overdue"].get_absolute_url()).context
    assert (detail["overdue"], detail["no_remediation"]) == (True, True)
    for status in ("superseded", "deprecated", "rejected"):
        context = client_for(member).get(recommender.adrs.get(status=status).get_absolute_url()).context
        assert (context["overdue"], context["no_remediation"]) == (False, False)


def test_only_live_focus_rows_and_run_months_make_the_window_figures_everywhere(org, member):
    # August 800 + September 900 + October's re-issued bill 1,200 (not the first 1,000, not the voided 500).
    status = LedgerStatus.objects.get(project=org["recommender"])
    assert (status.window_cost, status.window_value, status.run_months) == (2900, 900, 3)
    assert _page_rows(member)["recommender"].cost == 2900
    assert _csv_rows(member)["recommender"]["Run cost (window)"] == "2900.00"
    api = _api_rows(member)["recommender"]
    assert (api["cost"], api["value"], api["underwater"], api["run_months"]) == ("2900.00", "900.00", True, 3)
    ledger = _evidence(org["recommender"], member)["ledger"]
    assert (ledger["Run cost in the window"], ledger["Value in the window"]) == ("€2,900.00", "€900.00")
    assert ledger["Run cost, last 12 months"] == "€2,900.00"
    page = client_for(member).get("/projects/recommender/ledger/")
    assert "€2,900.00" in page.content.decode()


def test_underwater_since_is_the_month_the_stretch_began_everywhere(org, member):
    # Run since April (the go-live month, March, is not a run month); August was the first month whose cost
    # exceeded its value, and every window since has been underwater.
    assert LedgerStatus.objects.get(project=org["recommender"]).underwater_since == date(2026, 8, 1)
    assert _api_rows(member)["recommender"]["underwater_since"] == "2026-08-01"
    assert _evidence(org["recommender"], member)["ledger"]["Underwater"] == "underwater since 2026-08"
    page = client_for(member).get("/projects/recommender/ledger/").content.decode()
    assert "Underwater since August 2026" in page
    project_page = client_for(member).get("/projects/recommender/").content.decode()
    assert "Underwater since August 2026" in project_page
    assert "Recommender: cost €2,900, value €900 over the trailing window" in _digest()


def test_a_project_gone_live_this_month_is_not_underwater_anywhere(org, member):
    new = org["new"]
    status = LedgerStatus.objects.get(project=new)
    assert (status.underwater, status.run_months, status.window_cost) == (False, 0, 0)
    assert not _page_rows(member)["new-search"].underwater
    assert _csv_rows(member)["new-search"]["Underwater"] == "no"
    assert _api_rows(member)["new-search"]["underwater"] is False
    assert "New search" not in _digest()
    ledger_page = client_for(member).get("/projects/new-search/ledger/").content.decode()
    assert "Not enough run history: 0 run months of the 3 the rule looks at." in ledger_page
    assert ledger_page.count('data-testid="month-phase">Build<') == 3  # August to October, marked as build
    ledger = _evidence(new, member)["ledger"]
    assert ledger["Underwater"] == "not enough run history (0 of 3 run months)"
    assert ledger["Run cost, last 12 months"] == "€0.00"
    # Retiring it would free no run cost: its months so far were build months.
    assert decommission_selectors.average_monthly_run_cost_before(new, clock.today()) == 0
    assert decommission_selectors.average_monthly_run_cost_before(org["recommender"], clock.today()) == Decimal("2900") / 3


def test_zombie_costs_are_the_same_everywhere(org, member):
    archive = org["archive"]
    assert [(cost.day, cost.amount) for cost in decommission_selectors.zombie_costs(archive)] == [(date(2026, 10, 5), 40)]
    assert decommission_selectors.zombie_project_ids() == {archive.pk}
    assert [slug for slug, project in _page_rows(member).items() if project.zombie] == ["archive-search"]
    assert [slug for slug, line in _csv_rows(member).items() if line["Zombie costs"] == "yes"] == ["archive-search"]
    assert [slug for slug, project in _api_rows(member).items() if project["zombie"]] == ["archive-search"]
    assert "Archive search: retired, yet costs keep arriving" in _digest()


def test_the_api_months_say_which_are_run_months(org, member):
    months = api_client(make_token(member, scope="read")).get("/api/v1/projects/new-search/months").json()["items"]
    assert [(month["month"], month["run_month"]) for month in months] == [
        ("2026-08-01", False), ("2026-09-01", False), ("2026-10-01", False),
    ]
