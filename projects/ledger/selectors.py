"""Reads for the ledger pages: the monthly summary, entries with filters, imports and their progress, the
unallocated bucket, run months, and whether a project has proof of value; and the ledger figures other pages
compose: each project's trailing-window cost, value, ratio and underwater flag (with_window_figures), their
portfolio totals (window_totals), the last months' cost and value (monthly_lines) and their sum over every project
(portfolio_trend)."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce

from projects import clock
from projects.ledger.months import add_months, month_start
from projects.ledger.models import (
    FOCUS_MONTH_SQL, LIVE_FOCUS_ROW_SQL, PHASE_SPANS_SQL, RUN_PHASES, AllocationRule, CostEntry, ExchangeRate, FocusImport,
    FocusRow, LedgerMonth, LedgerStatus, ValueEntry, month_phase_join, run_month_sql,
)
from projects.models import Project


def ledger_month_rows(project: Project) -> QuerySet[LedgerMonth]:
    return LedgerMonth.objects.filter(project=project).order_by("month")


def ledger_months(project: Project) -> list[LedgerMonth]:
    return list(ledger_month_rows(project))


def ledger_status(project: Project) -> LedgerStatus | None:
    status = LedgerStatus.objects.filter(project=project).first()
    if status is not None:
        status.project = project  # its verdict reads the phase
    return status


def chart_data(months: list[LedgerMonth], *, today: date | None = None) -> dict:
    """The ledger chart's series; `partial` is the index of the running month (drawn as "so far"), or None."""
    def money(value: Decimal) -> float:
        return float(round(value, 2))

    running = month_start(today or clock.today())
    return {
        "partial": next((index for index, month in enumerate(months) if month.month >= running), None),
        "labels": [month.month.strftime("%Y-%m") for month in months],
        "cloud": [money(month.cost_cloud) for month in months],
        "licences": [money(month.cost_licences) for month in months],
        "people": [money(month.cost_people) for month in months],
        "toil": [money(month.cost_toil) for month in months],
        "other": [money(month.cost_other) for month in months],
        "value": [money(month.value_total) for month in months],
    }


def _rate_exists(model, date_field: str):
    return Exists(
        ExchangeRate.objects.filter(currency=OuterRef("currency"), month__year=OuterRef(f"{date_field}__year"), month__month=OuterRef(f"{date_field}__month"))
    )


def cost_entries(project: Project, filters: dict | None = None) -> QuerySet[CostEntry]:
    filters = filters or {}
    entries = CostEntry.objects.filter(project=project).select_related("created_by", "voided_by")
    if filters.get("category"):
        entries = entries.filter(category=filters["category"])
        if filters["category"] == CostEntry.Category.PEOPLE:
            entries = entries.exclude(source=CostEntry.Source.TOIL)  # "people (not toil)"; toil has its own source
    if filters.get("source"):
        entries = entries.filter(source=filters["source"])
    if filters.get("date_from"):
        entries = entries.filter(incurred_on__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(incurred_on__lte=filters["date_to"])
    if not filters.get("include_voided"):
        entries = entries.filter(voided_at__isnull=True)
    return entries.annotate(has_rate=Q(currency=settings.PORTAL_BASE_CURRENCY) | _rate_exists(CostEntry, "incurred_on"))


def value_entries(project: Project, filters: dict | None = None) -> QuerySet[ValueEntry]:
    filters = filters or {}
    entries = ValueEntry.objects.filter(project=project).select_related("created_by", "voided_by")
    if filters.get("date_from"):
        entries = entries.filter(realized_on__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(realized_on__lte=filters["date_to"])
    if not filters.get("include_voided"):
        entries = entries.filter(voided_at__isnull=True)
    return entries.annotate(has_rate=Q(currency=settings.PORTAL_BASE_CURRENCY) | _rate_exists(ValueEntry, "realized_on"))


UNCONVERTED_SQL = """
SELECT kind, currency, count(*), sum(amount) FROM (
    SELECT 'cost' AS kind, c.currency, c.amount, date_trunc('month', c.incurred_on)::date AS month
    FROM projects_costentry c WHERE c.project_id = %(project)s AND c.voided_at IS NULL AND c.currency <> %(base)s
    UNION ALL
    SELECT 'cost', r.currency, r.effective_cost, {focus_month}
    FROM projects_focusrow r JOIN projects_focusimport i ON i.id = r.focus_import_id
    WHERE r.project_id = %(project)s AND {live_row}
      AND r.currency <> %(base)s
    UNION ALL
    SELECT 'value', v.currency, v.amount, date_trunc('month', v.realized_on)::date
    FROM projects_valueentry v WHERE v.project_id = %(project)s AND v.voided_at IS NULL AND v.currency <> %(base)s
) e
WHERE NOT EXISTS (SELECT 1 FROM projects_exchangerate x WHERE x.currency = e.currency AND x.month = e.month)
GROUP BY kind, currency ORDER BY kind, currency
""".format(focus_month=FOCUS_MONTH_SQL, live_row=LIVE_FOCUS_ROW_SQL)


def unconverted(project: Project) -> list[dict]:
    """Entries with no exchange rate for their month: never dropped, shown with their own currency."""
    with connection.cursor() as cursor:
        cursor.execute(UNCONVERTED_SQL, {"project": project.pk, "base": settings.PORTAL_BASE_CURRENCY})
        return [{"kind": kind, "currency": code, "count": count, "amount": amount} for kind, code, count, amount in cursor.fetchall()]


PROGRESS_KEY = "ledger:focus-progress:{}"  # the running import's percent, written by projects.ledger.imports


def focus_progress(focus_import) -> int:
    if focus_import.is_finished:
        return 100
    return int(cache.get(PROGRESS_KEY.format(focus_import.pk)) or 0)


def has_proof_of_value(project: Project) -> bool:
    return (
        ValueEntry.objects.filter(
            project=project, voided_at__isnull=True, realized_on__lte=clock.today(), amount__gt=0
        )
        .exclude(evidence="")
        .exists()
    )


def run_months(project: Project, start: date, end: date) -> list[date]:
    """The run months of `project` from the month of `start` up to the month before `end`'s (PHASE_SPANS_SQL)."""
    sql = f"""
        WITH {PHASE_SPANS_SQL}
        SELECT g.month::date FROM generate_series(%(start)s::date, %(end)s::date - interval '1 month', interval '1 month') AS g(month)
        {month_phase_join("ps", "%(project)s", "g.month::date")}
        WHERE {run_month_sql("ps")} ORDER BY 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start.replace(day=1), "end": end.replace(day=1), "project": project.pk, "tz": settings.TIME_ZONE,
                             "run_phases": list(RUN_PHASES)})
        return [month for (month,) in cursor.fetchall()]


def run_cost_by_month(project: Project, start: date, end: date) -> dict[date, Decimal]:
    """The cost of each run month from `start`'s month up to `end`'s (excluded); a run month without entries costs 0."""
    months = run_months(project, start, end)
    costs = dict(LedgerMonth.objects.filter(project=project, month__in=months).values_list("month", "cost_total"))
    return {month: costs.get(month, Decimal(0)) for month in months}


def unallocated_totals() -> list[dict]:
    """The unallocated bucket: live FOCUS rows that no rule gave to a project, per currency."""
    return list(
        FocusRow.objects.live().filter(project__isnull=True)
        .values("currency")
        .annotate(rows=Count("id"), effective_cost=Sum("effective_cost"), billed_cost=Sum("billed_cost"))
        .order_by("currency")
    )


def unallocated_groups(limit: int = 20) -> list[dict]:
    """Where the unallocated cost comes from, largest first: what to write rules for."""
    return list(
        FocusRow.objects.live().filter(project__isnull=True)
        .values("sub_account_id", "service_name", "currency")
        .annotate(rows=Count("id"), effective_cost=Sum("effective_cost"))
        .order_by("-effective_cost")[:limit]
    )


def focus_imports(limit: int = 50) -> QuerySet[FocusImport]:
    return FocusImport.objects.select_related("created_by", "voided_by").order_by("-created_at", "-pk")[:limit]


def allocation_rules() -> QuerySet[AllocationRule]:
    return AllocationRule.objects.select_related("project").order_by("field", "match", "value")


def exchange_rates(limit: int = 60) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("-month", "currency")[:limit]


def project_totals(project: Project) -> dict:
    """Lifetime totals for the project panel, from the summary table."""
    return LedgerMonth.objects.filter(project=project).aggregate(cost=Sum("cost_total"), value=Sum("value_total"))


_AMOUNT = DecimalField(max_digits=30, decimal_places=14)
_ZERO = Value(Decimal("0"), output_field=_AMOUNT)


def with_window_figures(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project's figures over the trailing window, from the ledger summary the rollup keeps: `cost`,
    `value`, `ratio` (value ÷ cost, none without cost), `underwater`, `underwater_since` and `run_months`."""
    return projects.annotate(
        cost=Coalesce(F("ledger_status__window_cost"), _ZERO),
        value=Coalesce(F("ledger_status__window_value"), _ZERO),
    ).annotate(
        ratio=Case(When(ledger_status__window_cost__gt=0, then=F("value") / F("cost")), default=None, output_field=_AMOUNT),
        underwater=Coalesce(F("ledger_status__underwater"), Value(False)),
        underwater_since=F("ledger_status__underwater_since"),
        run_months=Coalesce(F("ledger_status__run_months"), Value(0)),
    )


def window_totals() -> dict:
    """The trailing-window cost and value of every project of a query together (`total_cost`, `total_value`),
    on each of its rows: one query gives the rows and their totals."""
    return {
        "total_cost": Window(Sum("ledger_status__window_cost")),
        "total_value": Window(Sum("ledger_status__window_value")),
    }


def monthly_lines(project_ids: list[int], *, months: int, today: date | None = None) -> dict[int, dict]:
    """The last complete months of cost and value per project (the running month would always dip), oldest
    first, zeros for months without entries, in one query."""
    end = month_start(today or clock.today())
    firsts = [add_months(end, -back) for back in range(months, 0, -1)]
    index = {month: position for position, month in enumerate(firsts)}
    lines = {pk: {"cost": [0.0] * months, "value": [0.0] * months} for pk in project_ids}
    rows = LedgerMonth.objects.filter(project_id__in=project_ids, month__gte=firsts[0], month__lte=firsts[-1]).values_list(
        "project_id", "month", "cost_total", "value_total"
    )
    for project_id, month, cost, value in rows:
        lines[project_id]["cost"][index[month]] = float(round(cost, 2))
        lines[project_id]["value"][index[month]] = float(round(value, 2))
    return lines


def portfolio_trend(*, months: int, today: date | None = None) -> dict:
    """Every project's cost and value added up per month: the last `months` complete months, oldest first,
    then the running month, marked as partial ("so far"): it has not finished, so it is not a fall. One query."""
    running = month_start(today or clock.today())
    firsts = [add_months(running, -back) for back in range(months, -1, -1)]
    totals = {
        row["month"]: row for row in LedgerMonth.objects.filter(month__gte=firsts[0], month__lte=running)
        .values("month").annotate(cost=Sum("cost_total"), value=Sum("value_total"))
    }
    empty = {"cost": Decimal(0), "value": Decimal(0)}
    return {
        "labels": [month.strftime("%Y-%m") for month in firsts],
        "cost": [float(round(totals.get(month, empty)["cost"], 2)) for month in firsts],
        "value": [float(round(totals.get(month, empty)["value"], 2)) for month in firsts],
        "partial_from": len(firsts) - 1,  # index of the running month
        "currency": settings.PORTAL_BASE_CURRENCY,
    }
