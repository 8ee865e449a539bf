"""Ledger writes: who may make them, bad input, and proof of value before run."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services as project_services
from projects.ledger import services
from projects.ledger.rollup import ledger_rollup
from projects.ledger import reference as ledger_reference
from projects.ledger.models import CostEntry, ExchangeRate, ValueEntry
from projects.models import PhaseChange
from tests.factories import CostEntryFactory, ProjectFactory, ValueEntryFactory

pytestmark = pytest.mark.django_db


def test_member_of_other_team_cannot_add_or_void_entries(team, outsider):
    project = ProjectFactory(team=team)
    entry = CostEntryFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.cost_entry_create(
            actor=outsider, project=project, incurred_on=date(2025, 1, 1), category="cloud", amount=Decimal(1), currency="EUR"
        )
    with pytest.raises(PermissionDenied):
        services.cost_entry_void(actor=outsider, entry=entry, reason="no")
    assert CostEntry.objects.count() == 1 and not CostEntry.objects.get().is_voided


def test_value_needs_evidence_and_a_valid_currency(team, member):
    project = ProjectFactory(team=team)
    with pytest.raises(ValidationError) as error:
        services.value_entry_create(
            actor=member, project=project, realized_on=date(2025, 1, 1), kind="revenue", amount=Decimal(5),
            currency="EUR", evidence="  ", confidence="measured",
        )
    assert "evidence" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.value_entry_create(
            actor=member, project=project, realized_on=date(2025, 1, 1), kind="revenue", amount=Decimal(5),
            currency="EURO", evidence="Invoice 12", confidence="measured",
        )
    assert "currency" in error.value.message_dict
    assert not ValueEntry.objects.exists()


def test_void_needs_a_reason_and_happens_once(team, member):
    entry = CostEntryFactory(project=ProjectFactory(team=team))
    with pytest.raises(ValidationError):
        services.cost_entry_void(actor=member, entry=entry, reason=" ")
    services.cost_entry_void(actor=member, entry=entry, reason="Duplicate")
    with pytest.raises(ValidationError):
        services.cost_entry_void(actor=member, entry=entry, reason="Again")


def test_toil_entries_are_not_written_or_voided_by_hand(team, member):
    project = ProjectFactory(team=team)
    with pytest.raises(ValidationError):
        services.cost_entry_create(
            actor=member, project=project, incurred_on=date(2025, 1, 1), category="people", amount=Decimal(1),
            currency="EUR", source="toil",
        )
    toil = services.toil_cost_set(project=project, month=date(2025, 1, 1), hours=Decimal(2))
    with pytest.raises(ValidationError):
        services.cost_entry_void(actor=member, entry=toil, reason="no")


def test_only_admins_set_exchange_rates(manager, admin_user):
    with pytest.raises(PermissionDenied):
        ledger_reference.exchange_rate_set(actor=manager, currency="USD", month=date(2025, 3, 9), rate=Decimal("0.9"))
    rate = ledger_reference.exchange_rate_set(actor=admin_user, currency="usd", month=date(2025, 3, 9), rate=Decimal("0.9"))
    assert (rate.currency, rate.month) == ("USD", date(2025, 3, 1))
    ledger_reference.exchange_rate_set(actor=admin_user, currency="USD", month=date(2025, 3, 20), rate=Decimal("0.95"))
    assert ExchangeRate.objects.get().rate == Decimal("0.95")
    with pytest.raises(ValidationError):
        ledger_reference.exchange_rate_set(actor=admin_user, currency="GBP", month=date(2025, 3, 1), rate=Decimal("0"))


def test_going_live_without_proof_of_value_is_refused(team, member):
    project = ProjectFactory(team=team, phase="build")
    with pytest.raises(ValidationError) as error:
        project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Ready")
    assert "to_phase" in error.value.message_dict
    project.refresh_from_db()
    assert project.phase == "build"


def test_voided_value_is_no_proof(team, member):
    project = ProjectFactory(team=team, phase="build")
    entry = ValueEntryFactory(project=project, realized_on=date(2025, 1, 1))
    services.value_entry_void(actor=member, entry=entry, reason="Wrong")
    with pytest.raises(ValidationError):
        project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Ready")


def test_a_zero_value_is_no_proof(team, member):
    project = ProjectFactory(team=team, phase="build")
    ValueEntryFactory(project=project, realized_on=date(2025, 1, 1), amount=Decimal("0"))
    with pytest.raises(ValidationError):
        project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Ready")


def test_a_manager_outside_the_team_cannot_use_an_override_that_is_not_needed(team, manager):
    project = ProjectFactory(team=team, phase="build")
    ValueEntryFactory(project=project, realized_on=date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        project_services.project_change_phase(actor=manager, project=project, to_phase="run", reason="Go", override=True)
    project.refresh_from_db()
    assert project.phase == "build" and not PhaseChange.objects.filter(project=project).exists()


@pytest.mark.calendar
def test_going_live_is_not_underwater_until_a_full_window_of_run_months(team, member, set_clock, django_capture_on_commit_callbacks):
    """Build months carry cost and no value yet: the go-live month and those before it are not run months. The
    flag follows the phase change without waiting for the nightly rollup."""
    from projects.ledger.models import LedgerStatus

    set_clock("2026-03-10T10:00")
    project = ProjectFactory(team=team, phase="build")
    ValueEntryFactory(project=project, realized_on=date(2026, 1, 1), amount=Decimal("1"))
    CostEntryFactory(project=project, incurred_on=date(2026, 2, 1), amount=Decimal("500"), currency="EUR")
    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Pilot paid off")

    status = LedgerStatus.objects.get(project=project)
    assert (status.underwater, status.run_months, status.window_cost) == (False, 0, 0)  # not enough run history

    for month in (3, 4, 5, 6):
        CostEntryFactory(project=project, incurred_on=date(2026, month, 3), amount=Decimal("100"), currency="EUR")
    set_clock("2026-06-02T09:00")  # March (the go-live month), April, May: two run months
    ledger_rollup()
    status = LedgerStatus.objects.get(project=project)
    assert (status.underwater, status.run_months, status.window_cost) == (False, 2, 200)

    set_clock("2026-07-02T09:00")  # April, May, June: a full window of run months
    ledger_rollup()
    status = LedgerStatus.objects.get(project=project)
    assert (status.underwater, status.run_months, status.window_cost) == (True, 3, 300)
    assert status.underwater_since == date(2026, 4, 1)  # the first run month


def test_going_live_with_realized_value_and_evidence(team, member):
    project = ProjectFactory(team=team, phase="build")
    ValueEntryFactory(project=project, realized_on=date(2025, 1, 1))
    change = project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Pilot paid off")
    assert project.phase == "run" and change.override is False


def test_manager_override_is_kept_in_the_phase_history(team, manager):
    project = ProjectFactory(team=team, phase="build")
    change = project_services.project_change_phase(
        actor=manager, project=project, to_phase="run", reason="Regulatory deadline; value measured next quarter", override=True
    )
    assert project.phase == "run"
    assert PhaseChange.objects.get(pk=change.pk).override is True
    assert "Regulatory" in change.reason


def test_member_cannot_override_proof_of_value(team, member):
    project = ProjectFactory(team=team, phase="build")
    with pytest.raises(PermissionDenied):
        project_services.project_change_phase(actor=member, project=project, to_phase="run", reason="Trust me", override=True)
    project.refresh_from_db()
    assert project.phase == "build" and not PhaseChange.objects.filter(project=project).exists()


def test_other_phase_moves_are_unchanged(team, member):
    project = ProjectFactory(team=team, phase="conception")
    project_services.project_change_phase(actor=member, project=project, to_phase="build", reason="Go")
    assert project.phase == "build"
