"""The demo's history holds together: written back from the day seed_demo runs, on dates that agree with
each other, varying week to week and month to month, and left alone by a later run."""
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models.functions import TruncQuarter

from adr.models import Adr, Placement, Review, Status
from projects import clock
from projects.decommission.models import DecommissionEvent, DecommissionRequest
from projects.decommission.selectors import zombie_costs, zombie_project_ids
from projects.ledger.models import CostEntry, LedgerMonth, LedgerStatus, ValueEntry
from projects.ledger.months import add_months, month_start
from projects.models import Phase, PhaseChange, Project, Team
from toil import selectors as toil_selectors
from toil.models import TimeLog

pytestmark = pytest.mark.django_db

# The first of a month early in the morning, and the end of a month in the evening.
DAYS = ["2026-03-01T08:00", "2027-01-29T18:00"]


@pytest.fixture(params=DAYS)
def seeded(request, set_clock) -> date:
    set_clock(request.param)
    call_command("seed_demo")
    return clock.today()


def phase_day(project: Project, phase: str) -> date:
    return clock.day_of(project.phase_changes.get(to_phase=phase).changed_at)


def test_completed_decommission_happened_on_the_days_of_the_phase_history(seeded):
    legacy = Project.objects.get(slug="legacy-churn-v1")
    request = legacy.decommissions.get()
    retired_on = clock.day_of(legacy.phase_changed_at)
    assert request.state == DecommissionRequest.State.COMPLETED
    assert request.completed_at == legacy.phase_changed_at == legacy.phase_changes.get(to_phase=Phase.RETIRED).changed_at
    assert request.decided_at == legacy.phase_changes.get(to_phase=Phase.DECOMMISSIONING).changed_at
    assert request.created_at < request.decided_at < request.completed_at
    assert retired_on < seeded
    events = {event.action: event.at for event in request.timeline.all()}
    assert events[DecommissionEvent.Action.REQUESTED] == request.created_at
    assert events[DecommissionEvent.Action.APPROVED] == request.decided_at
    assert events[DecommissionEvent.Action.COMPLETED] == request.completed_at
    assert all(request.decided_at < item.done_at < request.completed_at for item in request.checklist.all())
    assert request.evidence["captured_at"] == request.created_at.isoformat()


def test_zombie_costs_are_recent_and_dated_after_the_retirement(seeded):
    legacy = Project.objects.get(slug="legacy-churn-v1")
    retired_on = clock.day_of(legacy.phase_changed_at)
    zombies = zombie_costs(legacy)
    assert len(zombies) >= 2
    assert all(retired_on < zombie.day <= seeded for zombie in zombies)
    assert all(zombie.day >= add_months(month_start(seeded), -2) for zombie in zombies)
    assert zombie_project_ids() == {legacy.pk}


def test_open_decommissions_follow_their_projects(seeded):
    batch = Project.objects.get(slug="batch-scoring-v1")
    in_progress = batch.decommissions.get()
    assert in_progress.state == DecommissionRequest.State.IN_PROGRESS
    assert in_progress.decided_at == batch.phase_changed_at
    assert in_progress.created_at < in_progress.decided_at < clock.now()
    waiting = DecommissionRequest.objects.get(project__slug="product-recommender")
    assert waiting.state == DecommissionRequest.State.PROPOSED
    assert seeded - timedelta(days=30) < clock.day_of(waiting.created_at) < seeded


def test_decisions_were_proposed_before_they_were_decided(seeded):
    for adr in Adr.objects.all():
        proposed_on = clock.day_of(adr.created_at)
        assert proposed_on < seeded, adr
        revisions = list(adr.revisions.order_by("version"))
        assert revisions[0].changed_at == adr.created_at, adr
        assert [revision.changed_at for revision in revisions] == sorted(revision.changed_at for revision in revisions), adr
        assert adr.updated_at == revisions[-1].changed_at, adr
        if adr.status == Status.PROPOSED:
            assert adr.decided_on is None, adr
        else:
            assert proposed_on <= adr.decided_on <= seeded, adr


def test_accepted_decisions_were_accepted_on_the_day_of_their_review(seeded):
    for review in Review.objects.select_related("adr"):
        adr = review.adr
        assert adr.decided_on == clock.day_of(review.reviewed_at), adr
        assert adr.created_at < review.reviewed_at, adr
        if review.verdict == Review.Verdict.ACCEPTED:
            assert adr.accepted_on == adr.decided_on, adr


def test_placements_spread_over_the_quarters_of_the_history(seeded):
    quarters = Placement.objects.annotate(quarter=TruncQuarter("placed_at")).values_list("quarter", flat=True).distinct()
    assert len(set(quarters)) >= 4
    for placement in Placement.objects.select_related("adr"):
        assert placement.adr.created_at < placement.placed_at < clock.now(), placement
        assert clock.day_of(placement.placed_at) > add_months(seeded, -18), placement


def test_weekly_toil_share_moves_around_the_cap(seeded):
    team = Team.objects.get(slug="risk-fraud")
    complete_weeks = toil_selectors.team_weekly_share([team.pk], weeks=13)[team.pk][:-1]
    shares = [week.share for week in complete_weeks]
    cap = settings.TOIL_SHARE_CAP
    assert len(set(week.percent for week in complete_weeks)) > 4
    assert 0 < sum(1 for share in shares if share >= cap) < len(shares) / 2
    assert complete_weeks[-1].level == "alert"


def test_costs_vary_from_month_to_month_over_eighteen_months(seeded):
    churn = Project.objects.get(slug="churn-prediction")
    cloud = CostEntry.objects.filter(project=churn, category=CostEntry.Category.CLOUD, source=CostEntry.Source.MANUAL)
    months = sorted(cloud.values_list("incurred_on", flat=True))
    assert months[0] < add_months(month_start(seeded), -17)
    assert months[-1] < month_start(seeded)
    assert len(set(cloud.values_list("amount", flat=True))) == cloud.count() >= 18


def test_value_is_realized_only_once_a_project_went_live(seeded):
    for project in Project.objects.filter(value_entries__isnull=False).distinct():
        went_live = phase_day(project, Phase.RUN)
        assert not project.value_entries.filter(realized_on__lt=went_live).exists(), project


def test_a_project_live_for_a_month_or_two_is_not_underwater(seeded):
    recent = Project.objects.get(slug="signal-clustering")
    assert recent.phase == Phase.RUN
    assert add_months(month_start(seeded), -3) < phase_day(recent, Phase.RUN) < month_start(seeded)
    assert CostEntry.objects.filter(project=recent, incurred_on__lt=phase_day(recent, Phase.RUN)).exists()
    assert not LedgerStatus.objects.get(project=recent).underwater


def test_a_project_underwater_for_its_whole_window_is_flagged(seeded):
    pump = Project.objects.get(slug="pump-maintenance")
    window = settings.LEDGER_UNDERWATER_WINDOW_MONTHS
    assert phase_day(pump, Phase.RUN) < add_months(month_start(seeded), -window - 1)
    last_months = LedgerMonth.objects.filter(
        project=pump, month__gte=add_months(month_start(seeded), -window), month__lt=month_start(seeded)
    )
    assert len(last_months) == window
    assert all(month.cost_total > month.value_total for month in last_months)
    assert LedgerStatus.objects.get(project=pump).underwater
    healthy = LedgerStatus.objects.filter(project__slug__in=["churn-prediction", "fraud-scoring", "demand-forecast"])
    assert not any(status.underwater for status in healthy)


def test_nothing_is_dated_after_today(seeded):
    now = clock.now()
    assert not CostEntry.objects.filter(incurred_on__gt=seeded).exists()
    assert not ValueEntry.objects.filter(realized_on__gt=seeded).exists()
    assert not TimeLog.objects.filter(logged_on__gt=seeded).exists()
    assert not PhaseChange.objects.filter(changed_at__gt=now).exists()
    assert not DecommissionEvent.objects.filter(at__gt=now).exists()
    for model in (Adr, CostEntry, ValueEntry, TimeLog, DecommissionRequest, Project):
        assert not model.objects.filter(created_at__gt=now).exists(), model


def every_row_count() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def ledger_figures() -> tuple[list, list]:
    months = list(LedgerMonth.objects.order_by("project_id", "month").values_list(
        "project_id", "month", "cost_total", "value_total", "trailing_cost", "trailing_value"
    ))
    statuses = list(LedgerStatus.objects.order_by("project_id").values_list(
        "project_id", "underwater", "underwater_since", "window_cost", "window_value"
    ))
    return months, statuses


def history() -> dict[str, list]:
    return {
        "phases": list(PhaseChange.objects.order_by("pk").values_list("project_id", "to_phase", "changed_at")),
        "costs": list(CostEntry.objects.order_by("pk").values_list("project_id", "incurred_on", "amount", "created_at")),
        "values": list(ValueEntry.objects.order_by("pk").values_list("project_id", "realized_on", "amount")),
        "decisions": list(Adr.objects.order_by("pk").values_list("pk", "status", "created_at", "decided_on")),
        "placements": list(Placement.objects.order_by("pk").values_list("adr_id", "cell", "placed_at")),
        "toil": list(TimeLog.objects.order_by("pk").values_list("item_id", "logged_on", "minutes")),
        "decommissions": list(DecommissionEvent.objects.order_by("pk").values_list("request_id", "action", "at")),
    }


def test_a_second_run_changes_nothing(set_clock):
    set_clock("2026-06-10T09:00")
    call_command("seed_demo")
    before = (every_row_count(), ledger_figures(), history())
    call_command("seed_demo")
    assert (every_row_count(), ledger_figures(), history()) == before


def test_a_run_on_a_later_day_keeps_the_history(set_clock):
    set_clock("2026-06-10T09:00")
    call_command("seed_demo")
    before = (every_row_count(), history())
    set_clock("2026-07-20T09:00")
    call_command("seed_demo")
    assert (every_row_count(), history()) == before
