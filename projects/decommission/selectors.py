"""Reads for the decommission pages, the zombie-cost watch and the value freed; and the decommission figures
other pages compose: each project's open request and zombie flag (with_open_request)."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from projects import clock, permissions
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.ledger.models import CostEntry, FocusRow
from projects.ledger.selectors import run_cost_by_month
from projects.ledger.months import add_months, month_start
from projects.models import Phase, Project


FREED_WINDOW_MONTHS = 3


def average_monthly_run_cost_before(project: Project, today: date) -> Decimal:
    """The value freed by retiring `project` on `today`: its average monthly run cost over the run months among
    the last complete months before the month of `today` (0 without any)."""
    this_month = month_start(today)
    costs = run_cost_by_month(project, add_months(this_month, -FREED_WINDOW_MONTHS), this_month)
    return sum(costs.values(), Decimal(0)) / len(costs) if costs else Decimal(0)


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


def _costs_after(project, retired_on) -> tuple[QuerySet[CostEntry], QuerySet[FocusRow]]:
    """Zombie costs: the live cost entries and live FOCUS rows of `project` dated after `retired_on` (FOCUS
    rows by their UTC billing day). Both may be a value or an expression of an outer query."""
    entries = CostEntry.objects.filter(project=project, voided_at__isnull=True, incurred_on__gt=retired_on)
    rows = FocusRow.objects.live().filter(project=project).with_billing_day().filter(billing_day__gt=retired_on)
    return entries, rows


def zombie_costs(project: Project) -> list[ZombieCost]:
    """Costs dated after the project was retired: something still runs, or a bill was not stopped."""
    retired_on = retirement_date(project)
    if retired_on is None:
        return []
    entries, rows = _costs_after(project, retired_on)
    costs = [
        ZombieCost(entry.incurred_on, entry.amount, entry.currency, entry.description or entry.get_category_display())
        for entry in entries
    ] + [
        ZombieCost(row.billing_day, row.effective_cost, row.currency, row.service_name or row.resource_id)
        for row in rows
    ]
    return sorted(costs, key=lambda cost: cost.day)


def retirement_date(project: Project) -> date | None:
    """The day the project was retired, in the portal's TIME_ZONE (the day costs are entered in)."""
    if project.phase != Phase.RETIRED or project.phase_changed_at is None:
        return None
    return clock.day_of(project.phase_changed_at)


def has_zombie_costs() -> Case:
    """Per project, as an annotation: retired, with a zombie cost (as zombie_costs lists them)."""
    entries, rows = _costs_after(OuterRef("pk"), clock.day_of_expression(OuterRef("phase_changed_at")))
    # CASE keeps PostgreSQL from probing the costs of projects that are not retired.
    return Case(
        When(Q(phase=Phase.RETIRED, phase_changed_at__isnull=False),
             then=ExpressionWrapper(Exists(entries) | Exists(rows), output_field=BooleanField())),
        default=Value(False), output_field=BooleanField(),
    )


def with_open_request(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project's open decommission request (`decommission_id`, `decommission_state`, none without one) and
    whether it has zombie costs (`zombie`)."""
    open_request = DecommissionRequest.objects.filter(project=OuterRef("pk"), state__in=DecommissionRequest.OPEN_STATES)
    return projects.annotate(
        zombie=has_zombie_costs(),
        decommission_id=Subquery(open_request.values("pk")[:1]),
        decommission_state=Subquery(open_request.values("state")[:1]),
    )


def zombie_project_ids() -> set[int]:
    """Retired projects with a zombie cost, in one query."""
    return set(Project.objects.alias(zombie=has_zombie_costs()).filter(zombie=True).values_list("pk", flat=True))


def value_freed(year: int | None = None) -> Decimal:
    """Monthly run cost removed by completed decommissions, in total or for those completed in one year."""
    completed = DecommissionRequest.objects.filter(state=DecommissionRequest.State.COMPLETED)
    if year is not None:
        completed = completed.filter(completed_at__year=year)
    return completed.aggregate(total=Coalesce(Sum("monthly_cost_freed"), Decimal("0")))["total"]
