"""Ledger maths against hand-computed figures: categories, currencies, voids, windows, underwater."""
from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.ledger import services
from projects.ledger.rollup import ledger_rollup
from projects.ledger.models import CostEntry, ExchangeRate, LedgerMonth, LedgerStatus, ValueEntry
from projects.models import PhaseChange, Project
from tests.factories import CostEntryFactory, ProjectFactory, UserFactory, ValueEntryFactory

pytestmark = pytest.mark.django_db
TODAY = date(2025, 7, 15)  # complete months before it: April, May, June


def month(project, day: date) -> LedgerMonth:
    return LedgerMonth.objects.get(project=project, month=day)


def test_costs_are_summed_by_category_and_month(team):
    project = ProjectFactory(team=team)
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 1), category="cloud", amount=Decimal("100.25"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 31), category="cloud", amount=Decimal("0.0000000001"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 5), category="licences", amount=Decimal("40"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 6), category="people", amount=Decimal("10"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 7), category="other", amount=Decimal("5"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 1), category="people", source="toil", amount=Decimal("80"))
    CostEntryFactory(project=project, incurred_on=date(2025, 4, 1), category="cloud", amount=Decimal("7"))
    ValueEntryFactory(project=project, realized_on=date(2025, 3, 20), amount=Decimal("470.50"))

    ledger_rollup(today=TODAY)

    march = month(project, date(2025, 3, 1))
    assert march.cost_cloud == Decimal("100.2500000001")
    assert (march.cost_licences, march.cost_people, march.cost_toil, march.cost_other) == (40, 10, 80, 5)
    assert march.cost_total == Decimal("235.2500000001")
    assert march.value_total == Decimal("470.50")
    assert march.ratio == Decimal("2.000000")
    april = month(project, date(2025, 4, 1))
    assert april.cost_total == 7 and april.value_total == 0 and april.ratio == Decimal("0.000000")
    assert april.cumulative_cost == Decimal("242.2500000001")
    assert april.cumulative_value == Decimal("470.50")


def test_other_currencies_use_the_monthly_rate_and_missing_rates_are_shown_unconverted(team):
    project = ProjectFactory(team=team)
    ExchangeRate.objects.create(currency="USD", month=date(2025, 3, 1), rate=Decimal("0.9"))
    ExchangeRate.objects.create(currency="USD", month=date(2025, 4, 1), rate=Decimal("0.8"))
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 2), amount=Decimal("100"), currency="USD")
    CostEntryFactory(project=project, incurred_on=date(2025, 4, 2), amount=Decimal("100"), currency="USD")
    CostEntryFactory(project=project, incurred_on=date(2025, 4, 3), amount=Decimal("55"), currency="GBP")
    ValueEntryFactory(project=project, realized_on=date(2025, 4, 9), amount=Decimal("10"), currency="CHF")

    ledger_rollup(today=TODAY)

    assert month(project, date(2025, 3, 1)).cost_total == Decimal("90")
    april = month(project, date(2025, 4, 1))
    assert april.cost_total == Decimal("80")
    assert april.value_total == 0
    assert april.unconverted_count == 2


def test_voided_entries_do_not_count(team, member):
    project = ProjectFactory(team=team)
    kept = CostEntryFactory(project=project, amount=Decimal("30"))
    voided = CostEntryFactory(project=project, amount=Decimal("1000"))
    value = ValueEntryFactory(project=project, amount=Decimal("99"))
    services.cost_entry_void(actor=member, entry=voided, reason="Entered twice")
    services.value_entry_void(actor=member, entry=value, reason="Not measured yet")

    ledger_rollup(today=TODAY)

    march = month(project, kept.incurred_on.replace(day=1))
    assert march.cost_total == 30 and march.value_total == 0
    assert CostEntry.objects.filter(pk=voided.pk).exists()


def test_trailing_window_covers_three_months_even_with_gaps(team):
    project = ProjectFactory(team=team, phase="run")
    for day, amount in [(date(2025, 1, 5), 1), (date(2025, 2, 5), 10), (date(2025, 3, 5), 100), (date(2025, 5, 5), 1000)]:
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal(amount))

    ledger_rollup(today=TODAY)

    assert month(project, date(2025, 3, 1)).trailing_cost == 111
    assert month(project, date(2025, 5, 1)).trailing_cost == 1100  # March and May; April had nothing


def test_rollup_twice_gives_the_same_result(team):
    project = ProjectFactory(team=team)
    CostEntryFactory(project=project)
    ValueEntryFactory(project=project)
    ledger_rollup(today=TODAY)
    first = list(LedgerMonth.objects.values_list("month", "cost_total", "value_total", "cumulative_cost"))
    ledger_rollup(today=TODAY)
    ledger_rollup(project_ids=[project.pk], today=TODAY)
    assert list(LedgerMonth.objects.values_list("month", "cost_total", "value_total", "cumulative_cost")) == first


def _run_project(team):
    project = ProjectFactory(team=team, phase="run")
    for day in (date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10)):
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal("100"))
    return project


def test_run_project_whose_cost_exceeds_value_over_the_window_is_underwater(team):
    project = _run_project(team)
    ValueEntryFactory(project=project, realized_on=date(2025, 5, 2), amount=Decimal("200"), confidence="estimated")
    ValueEntryFactory(project=project, realized_on=date(2025, 6, 2), amount=Decimal("50"))
    ValueEntryFactory(project=project, realized_on=date(2025, 7, 2), amount=Decimal("5000"))  # current month: outside
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 31), amount=Decimal("9999"))  # before the window

    ledger_rollup(today=TODAY)

    status = LedgerStatus.objects.get(project=project)
    assert status.underwater is True
    assert status.underwater_since == date(2025, 3, 1)  # the stretch began with March's cost, not on the day computed
    assert status.run_months == 3
    assert (status.window_start, status.window_end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert (status.window_cost, status.window_value) == (300, 250)
    assert status.estimated_share == Decimal("0.8")


def test_underwater_since_is_the_first_month_of_the_stretch_whenever_computed_and_cleared_when_afloat(team):
    project = _run_project(team)
    ledger_rollup(today=TODAY)
    assert LedgerStatus.objects.get(project=project).underwater_since == date(2025, 4, 1)
    ledger_rollup(today=date(2025, 8, 20))  # July: no cost, May and June still sink the window
    assert LedgerStatus.objects.get(project=project).underwater_since == date(2025, 4, 1)

    ValueEntryFactory(project=project, realized_on=date(2025, 6, 1), amount=Decimal("301"))
    ledger_rollup(today=date(2025, 7, 21))
    status = LedgerStatus.objects.get(project=project)
    assert status.underwater is False and status.underwater_since is None


def test_projects_not_in_run_are_never_underwater(team):
    project = ProjectFactory(team=team, phase="build")
    CostEntryFactory(project=project, incurred_on=date(2025, 5, 1), amount=Decimal("500"))
    ledger_rollup(today=TODAY)
    assert LedgerStatus.objects.get(project=project).underwater is False


def test_unconverted_entries_do_not_count_toward_the_underwater_rule(team):
    project = _run_project(team)
    ValueEntryFactory(project=project, realized_on=date(2025, 5, 2), amount=Decimal("1000"), currency="JPY")
    ledger_rollup(today=TODAY)
    status = LedgerStatus.objects.get(project=project)
    assert status.underwater is True and status.window_unconverted == 1


def test_toil_cost_is_set_idempotently_at_the_team_rate(team):
    project = ProjectFactory(team=team)  # team rate 80.00 from the factory
    first = services.toil_cost_set(project=project, month=date(2025, 3, 17), hours=Decimal("10"))
    again = services.toil_cost_set(project=project, month=date(2025, 3, 1), hours=Decimal("10"))
    assert first.pk == again.pk and first.amount == Decimal("800.00") and first.incurred_on == date(2025, 3, 1)

    changed = services.toil_cost_set(project=project, month=date(2025, 3, 1), hours=Decimal("12.5"))
    live = CostEntry.objects.filter(project=project, source="toil", voided_at__isnull=True)
    assert list(live) == [changed] and changed.amount == Decimal("1000.00")
    assert CostEntry.objects.filter(project=project, source="toil").count() == 2

    assert services.toil_cost_set(project=project, month=date(2025, 3, 1), hours=Decimal("0")) is None
    assert not CostEntry.objects.filter(project=project, source="toil", voided_at__isnull=True).exists()


def test_rollup_command_for_one_project(team, capsys):
    project = ProjectFactory(team=team, slug="churn")
    other = ProjectFactory(team=team)
    CostEntryFactory(project=project)
    CostEntryFactory(project=other)
    call_command("rollup", "--project", "churn")
    assert LedgerMonth.objects.filter(project=project).exists()
    assert not LedgerMonth.objects.filter(project=other).exists()
    call_command("rollup")
    assert LedgerMonth.objects.filter(project=other).exists()


def test_value_entries_are_tracked_in_the_audit_trail(team, member):
    entry = ValueEntryFactory(project=ProjectFactory(team=team))
    services.value_entry_void(actor=member, entry=entry, reason="Wrong month")
    assert entry.events.count() == 2
    assert ValueEntry.objects.get(pk=entry.pk).void_reason == "Wrong month"


def test_worker_registers_the_ledger_tasks_and_beat_runs_the_nightly_rollup(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    assert {"projects.ledger.tasks.rollup_project", "projects.ledger.tasks.rollup_all", "projects.ledger.tasks.import_focus"} <= set(app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE["ledger-rollup-nightly"]["task"] == "projects.ledger.tasks.rollup_all"


def test_a_change_enqueues_one_rollup_for_its_project_after_commit(team, member, django_capture_on_commit_callbacks):
    project = ProjectFactory(team=team)
    with django_capture_on_commit_callbacks(execute=True):
        services.cost_entry_create(
            actor=member, project=project, incurred_on=date(2025, 2, 3), category="cloud", amount=Decimal("12"), currency="EUR"
        )
    assert LedgerMonth.objects.get(project=project).cost_total == 12


def _move(project, from_phase: str, to_phase: str, when: datetime) -> None:
    PhaseChange.objects.create(project=project, from_phase=from_phase, to_phase=to_phase, reason="Moved.",
                               changed_by=UserFactory(), changed_at=when)
    Project.objects.filter(pk=project.pk).update(phase=to_phase, phase_changed_at=when)


def test_a_history_that_begins_with_a_move_keeps_the_months_before_it_in_the_phase_it_left(team):
    """Projects older than their recorded history: the months before the first move were in the phase it left."""
    project = ProjectFactory(team=team, phase="run")
    for day in (date(2025, 3, 10), date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10)):
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal("100"))
    _move(project, "run", "decommissioning", datetime(2025, 6, 20, 9, tzinfo=dt_timezone.utc))
    ledger_rollup(today=TODAY)
    assert [(m.month.month, m.run_month) for m in LedgerMonth.objects.filter(project=project).order_by("month")] == [
        (3, True), (4, True), (5, True), (6, True),
    ]
    assert LedgerStatus.objects.get(project=project).run_months == 3


def test_months_after_the_retirement_are_marked_retired_not_run(team):
    project = ProjectFactory(team=team, phase="run")
    _move(project, "", "run", datetime(2024, 1, 1, 9, tzinfo=dt_timezone.utc))
    _move(project, "run", "decommissioning", datetime(2025, 4, 20, 9, tzinfo=dt_timezone.utc))
    _move(project, "decommissioning", "retired", datetime(2025, 5, 12, 9, tzinfo=dt_timezone.utc))
    for day in (date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10)):
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal("100"))
    ledger_rollup(today=TODAY)
    assert [(m.month.month, m.phase, m.run_month) for m in LedgerMonth.objects.filter(project=project).order_by("month")] == [
        (4, "run", True), (5, "decommissioning", True), (6, "retired", False),
    ]
