"""Decisions on the portfolio and the home page, read from the ADR app's matrix: open conscious and
reckless decisions, the overdue ones, those without remediation, stale proposals, reviews waiting."""
from datetime import timedelta

import pytest

from adr.models import Cell, Placement, Status
from portal.portfolio import csv_rows, portfolio_queryset
from projects.selectors import with_health
from toil.selectors import team_shares, toil_minutes_by_project
from projects import clock
from projects.models import Team
from tests.conftest import client_for
from tests.factories import AdrFactory, ProjectFactory, ToilItemFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def place(adr, user, cell=Cell.CONSCIOUS_RECKLESS, revisit_in_days: int | None = 30):
    revisit = None if revisit_in_days is None else clock.today() + timedelta(days=revisit_in_days)
    Placement.objects.create(adr=adr, cell=cell, placed_by=user, reason="Deadline", revisit_by=revisit)
    return adr


@pytest.fixture
def decisions(team, other_team, member):
    late = ProjectFactory(team=team, name="Late shortcut", slug="late-shortcut")
    on_time = ProjectFactory(team=team, name="Shortcut on time", slug="shortcut-on-time")
    prudent = ProjectFactory(team=other_team, name="Prudent", slug="prudent")
    waiting = ProjectFactory(team=other_team, name="Waiting ADR", slug="waiting-adr")
    overdue_adr = place(AdrFactory(project=late, status=Status.ACCEPTED), member, revisit_in_days=-3)
    ToilItemFactory(project=late, remediates=overdue_adr, owner=member, title="Pay back the shortcut")
    on_time_adr = place(AdrFactory(project=on_time, status=Status.ACCEPTED), member, revisit_in_days=20)
    ToilItemFactory(project=on_time, remediates=on_time_adr, title="Pay back later")
    # Once reckless, re-judged prudent: the latest placement counts.
    rejudged = place(AdrFactory(project=prudent, status=Status.ACCEPTED), member, revisit_in_days=-10)
    later = Placement.objects.create(adr=rejudged, cell=Cell.CONSCIOUS_PRUDENT, placed_by=member, reason="Hindsight")
    Placement.objects.filter(pk=later.pk).update(placed_at=clock.now() + timedelta(seconds=1))
    place(AdrFactory(project=prudent, status=Status.REJECTED), member, revisit_in_days=-10)
    stale = AdrFactory(project=waiting, status=Status.PROPOSED)
    type(stale).objects.filter(pk=stale.pk).update(created_at=clock.now() - timedelta(days=30))
    AdrFactory(project=waiting, status=Status.PROPOSED)  # fresh: not stale yet
    return {"late": late, "on_time": on_time, "prudent": prudent, "waiting": waiting, "overdue_adr": overdue_adr}


def alert(response, kind):
    return next((alert for alert in response.context["alerts"] if alert.kind == kind), None)


def test_overdue_alert_names_only_the_project_past_its_revisit_date(decisions, member):
    response = client_for(member).get("/portfolio/")
    overdue = alert(response, "overdue")
    assert [item.label for item in overdue.items] == ["Late shortcut"]
    assert overdue.items[0].url == "/decisions/matrix/?project=late-shortcut"


def test_stale_alert_names_only_the_project_with_an_old_proposal(decisions, member):
    stale = alert(client_for(member).get("/portfolio/"), "stale")
    assert [item.label for item in stale.items] == ["Waiting ADR"]
    assert stale.items[0].url == "/decisions/?project=waiting-adr&status=stale"
    assert "1 ADR proposed long ago" in stale.items[0].detail


def test_decision_columns_count_from_the_latest_placement(decisions, member):
    rows = {row.slug: row for row in client_for(member).get("/portfolio/").context["page"]}
    assert (rows["late-shortcut"].open_decisions, rows["late-shortcut"].overdue_decisions) == (1, 1)
    assert (rows["shortcut-on-time"].open_decisions, rows["shortcut-on-time"].overdue_decisions) == (1, 0)
    assert (rows["prudent"].open_decisions, rows["prudent"].overdue_decisions) == (0, 0)
    assert rows["waiting-adr"].stale_adrs == 1 and rows["late-shortcut"].stale_adrs == 0


def test_flag_filters_for_decisions(decisions, member):
    client = client_for(member)
    assert [row.slug for row in client.get("/portfolio/?flag=overdue").context["page"]] == ["late-shortcut"]
    assert [row.slug for row in client.get("/portfolio/?flag=stale").context["page"]] == ["waiting-adr"]
    assert [row.slug for row in client.get("/portfolio/?sort=-decisions").context["page"]][:2] == ["late-shortcut", "shortcut-on-time"]


def test_reckless_decision_without_remediation_is_flagged(team, member):
    project = ProjectFactory(team=team, name="Unpaid", slug="unpaid")
    place(AdrFactory(project=project, status=Status.ACCEPTED), member)
    client = client_for(member)
    assert [row.slug for row in client.get("/portfolio/?flag=unremediated").context["page"]] == ["unpaid"]
    assert "1 without remediation" in client.get("/portfolio/").content.decode()


def test_csv_carries_the_decision_counts(decisions):
    teams = list(Team.objects.all())
    rows = list(csv_rows(with_health(portfolio_queryset().filter(slug="late-shortcut")), team_shares(teams), toil_minutes_by_project(), "http://x"))
    line = dict(zip(rows[0], rows[1]))
    assert line["Open conscious+reckless decisions"] == "1" and line["Overdue decisions"] == "1"


def test_home_lists_decisions_waiting_for_my_review_only(team, member, lead):
    project = ProjectFactory(team=team)
    mine = AdrFactory(project=project, status=Status.PROPOSED, title="Pick a feature store")
    mine.decision_makers.add(member)
    authored = AdrFactory(project=project, status=Status.PROPOSED, author=member, title="My own proposal")
    authored.decision_makers.add(member)
    accepted = AdrFactory(project=project, status=Status.ACCEPTED, title="Already decided")
    accepted.decision_makers.add(member)
    AdrFactory(project=project, status=Status.PROPOSED, title="Not mine").decision_makers.add(lead)
    response = client_for(member).get("/")
    assert [adr.title for adr in response.context["adrs_to_review"]] == ["Pick a feature store"]
    assert "Pick a feature store" in response.content.decode()


def test_home_lists_my_overdue_remediation_tickets_only(decisions, member, outsider):
    response = client_for(member).get("/")
    assert [item.title for item in response.context["overdue_tickets"]] == ["Pay back the shortcut"]
    assert "Pay back the shortcut" in response.content.decode()
    assert list(client_for(outsider).get("/").context["overdue_tickets"]) == []
    ToilItemFactory(project=decisions["late"], remediates=decisions["overdue_adr"], owner=UserFactory(), title="Someone else")
    assert [item.title for item in client_for(member).get("/").context["overdue_tickets"]] == ["Pay back the shortcut"]


def test_finished_ticket_is_no_longer_overdue(decisions, member):
    decisions["overdue_adr"].remediation_tickets.update(status="done")
    response = client_for(member).get("/")
    assert list(response.context["overdue_tickets"]) == []
    assert alert(client_for(member).get("/portfolio/"), "overdue") is None
