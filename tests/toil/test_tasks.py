"""People cost: the toil hours of each month, priced at the team's rate, reach the ledger."""
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import TimeLogFactory, ToilItemFactory
from toil import services, tasks

pytestmark = pytest.mark.django_db


def test_sync_hands_every_month_to_the_ledger(project, ledger_calls):
    item = ToilItemFactory(project=project)
    TimeLogFactory(item=item, logged_on=date(2025, 2, 27), minutes=90)
    TimeLogFactory(item=item, logged_on=date(2025, 3, 3), minutes=60)

    assert tasks.sync_toil_costs.delay(project.pk).get() == 2

    assert ledger_calls == [("churn", date(2025, 2, 1), 90), ("churn", date(2025, 3, 1), 60)]


def test_sync_twice_hands_the_same_figures(project, ledger_calls):
    TimeLogFactory(item=ToilItemFactory(project=project), logged_on=date(2025, 3, 3), minutes=60)
    tasks.sync_toil_costs(project.pk)
    tasks.sync_toil_costs(project.pk)
    assert ledger_calls[0] == ledger_calls[1]


def test_a_new_log_syncs_after_commit(member, project, ledger_calls, django_capture_on_commit_callbacks):
    item = ToilItemFactory(project=project)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.time_log_create(actor=member, item=item, minutes=30, logged_on=date(2025, 3, 3))
    assert callbacks  # the sync waits for the commit
    assert ledger_calls == [("churn", date(2025, 3, 1), 30)]


def test_nightly_job_syncs_each_project_with_logs(project, ledger_calls):
    TimeLogFactory(item=ToilItemFactory(project=project), logged_on=date(2025, 3, 3), minutes=60)
    ToilItemFactory()  # a project with no logs has nothing to sync
    assert tasks.sync_all_toil_costs() == 1
    assert [call[0] for call in ledger_calls] == ["churn"]


def test_sync_of_a_deleted_project_does_nothing(ledger_calls):
    assert tasks.sync_toil_costs(987654) == 0
    assert ledger_calls == []



def test_people_cost_of_toil_reaches_the_ledger(project):
    from projects.ledger.models import CostEntry, LedgerMonth
    from projects.ledger.rollup import ledger_rollup

    item = ToilItemFactory(project=project)
    TimeLogFactory(item=item, logged_on=date(2025, 3, 3), minutes=90)
    tasks.sync_toil_costs(project.pk)
    tasks.sync_toil_costs(project.pk)
    entries = CostEntry.objects.filter(project=project, source=CostEntry.Source.TOIL, voided_at__isnull=True)
    assert [(entry.incurred_on, entry.amount) for entry in entries] == [(date(2025, 3, 1), Decimal("120"))]

    TimeLogFactory(item=item, logged_on=date(2025, 3, 4), minutes=30)
    tasks.sync_toil_costs(project.pk)
    ledger_rollup(project_ids=[project.pk], today=date(2025, 5, 1))
    assert LedgerMonth.objects.get(project=project, month=date(2025, 3, 1)).cost_toil == Decimal("160.00")
    assert CostEntry.objects.filter(project=project, source=CostEntry.Source.TOIL, voided_at__isnull=False).count() == 1


def test_toil_cost_is_kept_unrounded_in_the_ledger(project):
    """50 minutes at 80 an hour is 66.666…: the ledger keeps its 14 places, pages round it for display."""
    from projects.ledger.models import CostEntry

    TimeLogFactory(item=ToilItemFactory(project=project), logged_on=date(2025, 3, 3), minutes=50)
    tasks.sync_toil_costs(project.pk)
    tasks.sync_toil_costs(project.pk)

    entries = CostEntry.objects.filter(project=project, source=CostEntry.Source.TOIL)
    assert [(entry.amount, entry.voided_at) for entry in entries] == [(Decimal("66.66666666666667"), None)]
    assert entries.get().description == "Toil: 0.83 h at 80.00"
