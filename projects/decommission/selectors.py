"""Reads for the decommission pages, the zombie-cost watch and the value freed."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from projects import clock, permissions
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.ledger.models import CostEntry, FocusImport, FocusRow, LedgerMonth
from projects.ledger.services import add_months, month_start
from projects.models import Phase, Project


FREED_WINDOW_MONTHS = 3


def average_monthly_run_cost_before(project: Project, today: date) -> Decimal:
    """Average monthly run cost of the last complete months before the month of `today`."""
    this_month = month_start(today)
    first = add_months(this_month, -FREED_WINDOW_MONTHS)
    total = LedgerMonth.objects.filter(project=project, month__gte=first, month__lt=this_month).aggregate(
        total=Coalesce(Sum("cost_total"), Decimal("0"))
    )["total"]
    return total / FREED_WINDOW_MONTHS


def decommission_list(user: User, state: str | None = None) -> QuerySet[DecommissionRequest]:
    """Every request, the ones waiting for this user first."""
    requests = DecommissionRequest.objects.select_related("project", "project__team", "requested_by").annotate(
        open_items=Count("checklist", filter=Q(checklist__status=ChecklistItem.Status.OPEN)),
        items=Count("checklist"),
        mine=Count("checklist", filter=Q(checklist__assignee=user, checklist__status=ChecklistItem.Status.OPEN)),
    )
    if state:
        requests = requests.filter(state=state)
    waiting_for_me = Q(mine__gt=0)
    if permissions.is_manager(user):
        waiting_for_me |= Q(state=DecommissionRequest.State.PROPOSED) & ~Q(requested_by=user)
    return requests.annotate(
        waiting=Case(When(waiting_for_me, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("waiting", "-created_at")


@dataclass


class ZombieCost:
    day: date
    amount: Decimal
    currency: str
    description: str


def _live_focus_rows():
    return FocusRow.objects.filter(
        replaced_by__isnull=True, focus_import__voided_at__isnull=True, focus_import__status=FocusImport.Status.DONE
    )


def zombie_costs(project: Project) -> list[ZombieCost]:
    """Costs dated after the project was retired: something still runs, or a bill was not stopped."""
    retired_on = retirement_date(project)
    if retired_on is None:
        return []
    entries = [
        ZombieCost(entry.incurred_on, entry.amount, entry.currency, entry.description or entry.get_category_display())
        for entry in CostEntry.objects.filter(project=project, voided_at__isnull=True, incurred_on__gt=retired_on)
    ]
    rows = [
        ZombieCost(row.charge_period_start.astimezone(timezone.UTC).date(), row.effective_cost, row.currency, row.service_name or row.resource_id)
        for row in _live_focus_rows().filter(project=project).alias(day=_billing_day()).filter(day__gt=retired_on)
    ]
    return sorted(entries + rows, key=lambda cost: cost.day)


def _billing_day() -> TruncDate:
    """The day of a FOCUS row's charge: billing periods are UTC days."""
    return TruncDate("charge_period_start", tzinfo=timezone.UTC)


def retirement_date(project: Project) -> date | None:
    """The day the project was retired, in the portal's TIME_ZONE (the day costs are entered in)."""
    if project.phase != Phase.RETIRED or project.phase_changed_at is None:
        return None
    return clock.day_of(project.phase_changed_at)


def zombie_project_ids() -> set[int]:
    """Retired projects with a cost dated after their retirement, in one query."""
    retired_on = TruncDate("project__phase_changed_at", tzinfo=timezone.get_default_timezone())
    later_entry = CostEntry.objects.filter(project=OuterRef("pk"), voided_at__isnull=True).alias(retired_on=retired_on).filter(
        incurred_on__gt=F("retired_on")
    )
    later_row = _live_focus_rows().filter(project=OuterRef("pk")).alias(
        retired_on=retired_on, day=_billing_day()
    ).filter(day__gt=F("retired_on"))
    return set(
        Project.objects.filter(phase=Phase.RETIRED, phase_changed_at__isnull=False)
        .filter(Exists(later_entry) | Exists(later_row))
        .values_list("pk", flat=True)
    )


def value_freed(year: int | None = None) -> Decimal:
    """Monthly run cost removed by completed decommissions, in total or for those completed in one year."""
    completed = DecommissionRequest.objects.filter(state=DecommissionRequest.State.COMPLETED)
    if year is not None:
        completed = completed.filter(completed_at__year=year)
    return completed.aggregate(total=Coalesce(Sum("monthly_cost_freed"), Decimal("0")))["total"]
