"""Writes for the ledger: entries and their voiding, exchange rates, the toil cost, allocation rules,
and the rollup that turns entries into the monthly summary and the underwater flag (set-based SQL)."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from projects import clock, jobs, permissions
from projects.ledger import focus
from projects.ledger.models import (
    FOCUS_MONTH_SQL, LIVE_FOCUS_ROW_SQL, MONEY, AllocationRule, CostEntry, ExchangeRate, FocusImport, FocusRow, ValueEntry, PHASE_SPANS_SQL, RUN_PHASES, month_phase_join, run_month_sql,
)
from projects.models import Project

MONEY_PLACES = Decimal(1).scaleb(-MONEY["decimal_places"])
ADVISORY_NAMESPACE = 7410  # first key of the advisory locks the ledger takes
ROLLUP_PENDING_KEY = "ledger:rollup-pending:{}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _require_ledger_edit(actor: User, project: Project) -> None:
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its ledger."))


def schedule_rollup(project_ids) -> None:
    """Enqueue one rollup per project after commit; changes made meanwhile are coalesced into it."""
    from projects.ledger import tasks

    for project_id in set(project_ids):
        def enqueue(project_id=project_id):
            try:
                first = cache.add(ROLLUP_PENDING_KEY.format(project_id), 1, timeout=600)
            except Exception:  # Redis down: record the rollup anyway (jobs.enqueue); a duplicate is harmless.
                first = True
            if first:
                jobs.enqueue(tasks.rollup_project, project_id)

        transaction.on_commit(enqueue)


@transaction.atomic
def cost_entry_create(
    *, actor: User, project: Project, incurred_on: date, category: str, amount: Decimal, currency: str,
    description: str = "", source: str = CostEntry.Source.MANUAL,
) -> CostEntry:
    if not permissions.can_record_cost(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its ledger."))
    if source == CostEntry.Source.TOIL:
        raise ValidationError({"source": _("Toil cost is written by the toil backlog only.")})
    entry = CostEntry(
        project=project, incurred_on=incurred_on, category=category, amount=amount, currency=(currency or "").upper(),
        description=description.strip(), source=source, created_by=actor,
    )
    entry.full_clean()
    entry.save()
    schedule_rollup([project.pk])
    return entry


@transaction.atomic
def value_entry_create(
    *, actor: User, project: Project, realized_on: date, kind: str, amount: Decimal, currency: str,
    evidence: str, confidence: str,
) -> ValueEntry:
    _require_ledger_edit(actor, project)
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Say how the value was measured.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("Value is not negative: void a wrong entry instead.")})
    entry = ValueEntry(
        project=project, realized_on=realized_on, kind=kind, amount=amount, currency=(currency or "").upper(),
        evidence=evidence, confidence=confidence, created_by=actor,
    )
    entry.full_clean()
    entry.save()
    schedule_rollup([project.pk])
    return entry


def _void(entry: CostEntry | ValueEntry, *, actor: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is voided.")})
    if entry.is_voided:
        raise ValidationError({"reason": _("This entry is already voided.")})
    entry.voided_at, entry.voided_by, entry.void_reason = clock.now(), actor, reason
    entry.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    schedule_rollup([entry.project_id])


@transaction.atomic
def cost_entry_void(*, actor: User, entry: CostEntry, reason: str) -> CostEntry:
    _require_ledger_edit(actor, entry.project)
    if entry.source == CostEntry.Source.TOIL:
        raise ValidationError({"reason": _("Toil cost follows the toil logs: correct the logs instead.")})
    _void(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def value_entry_void(*, actor: User, entry: ValueEntry, reason: str) -> ValueEntry:
    _require_ledger_edit(actor, entry.project)
    _void(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def toil_cost_set(*, project: Project, month: date, hours: Decimal, actor: User | None = None) -> CostEntry | None:
    """Set the people cost of a project's toil for one month, priced at the team's hourly rate.

    Called by the toil backlog whenever its logs change; calling it again with the same hours changes
    nothing. A changed figure voids the previous entry, so the audit trail keeps both.
    """
    month = month_start(month)
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    # Kept to the ledger's 14 places (money is rounded for display only), so the same hours compare equal.
    amount = (Decimal(hours) * project.team.hourly_rate).quantize(MONEY_PLACES)
    current = CostEntry.objects.filter(
        project=project, incurred_on=month, source=CostEntry.Source.TOIL, voided_at__isnull=True
    ).first()
    if current is not None and current.amount == amount and current.currency == settings.PORTAL_BASE_CURRENCY:
        return current
    if current is not None:
        current.voided_at, current.voided_by = clock.now(), actor
        current.void_reason = _("Toil hours changed: recomputed.")
        current.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    schedule_rollup([project.pk])
    if not amount:
        return None
    entry = CostEntry(
        project=project, incurred_on=month, category=CostEntry.Category.PEOPLE, source=CostEntry.Source.TOIL,
        amount=amount, currency=settings.PORTAL_BASE_CURRENCY, created_by=actor,
        description=_("Toil: %(hours)s h at %(rate)s") % {
            "hours": Decimal(hours).quantize(Decimal("0.01")), "rate": project.team.hourly_rate,
        },
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def exchange_rate_set(*, actor: User, currency: str, month: date, rate: Decimal) -> ExchangeRate:
    if not permissions.can_manage_exchange_rates(actor):
        raise PermissionDenied(_("Only admins set exchange rates."))
    currency = (currency or "").upper()
    if currency == settings.PORTAL_BASE_CURRENCY:
        raise ValidationError({"currency": _("The base currency needs no rate.")})
    if rate is not None and rate <= 0:
        raise ValidationError({"rate": _("A rate is greater than zero.")})
    existing = ExchangeRate.objects.filter(currency=currency, month=month_start(month)).first()
    exchange_rate = existing or ExchangeRate(currency=currency, month=month_start(month))
    exchange_rate.rate = rate
    exchange_rate.full_clean()
    exchange_rate.save()
    transaction.on_commit(_enqueue_rollup_all)
    return exchange_rate


def _enqueue_rollup_all() -> None:
    from projects.ledger import tasks

    jobs.enqueue(tasks.rollup_all)


@transaction.atomic
def allocation_rule_create(*, actor: User, field: str, match: str, value: str, project: Project) -> AllocationRule:
    if not permissions.can_manage_allocation(actor):
        raise PermissionDenied(_("Only managers and admins change allocation rules."))
    value = (value or "").strip()
    if AllocationRule.objects.filter(field=field, match=match, value=value).exists():
        raise ValidationError({"value": _("A rule for this value already exists.")})
    rule = AllocationRule(field=field, match=match, value=value, project=project, created_by=actor)
    rule.full_clean()
    rule.save()
    reallocate_unallocated()
    return rule


@transaction.atomic
def allocation_rule_delete(*, actor: User, rule: AllocationRule) -> None:
    if not permissions.can_manage_allocation(actor):
        raise PermissionDenied(_("Only managers and admins change allocation rules."))
    rule.delete()


def reallocate_unallocated() -> int:
    """Give the unallocated rows to projects again, under the current rules; returns rows allocated."""
    focus.lock_imports()  # an import running now would keep its rows from the new rule
    project_ids = focus.allocate_rows(where="r.project_id IS NULL")
    schedule_rollup(project_ids)
    return len(project_ids)


def _lock_for_rollup(project_ids: list[int] | None) -> None:
    with connection.cursor() as cursor:
        if project_ids is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ADVISORY_NAMESPACE])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [ADVISORY_NAMESPACE])
        for project_id in sorted(project_ids):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_NAMESPACE, project_id])


ROLLUP_SQL = """
WITH {phase_spans}, costs AS (
    SELECT c.project_id, date_trunc('month', c.incurred_on)::date AS month,
           CASE WHEN c.source = 'toil' THEN 'toil' ELSE c.category END AS bucket, c.currency,
           sum(c.amount) AS amount, count(*) AS n
    FROM projects_costentry c
    WHERE c.voided_at IS NULL {scope_c}
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT r.project_id, {focus_month}, 'cloud', r.currency, sum(r.effective_cost), count(*)
    FROM projects_focusrow r JOIN projects_focusimport i ON i.id = r.focus_import_id
    WHERE r.project_id IS NOT NULL AND {live_row} {scope_r}
    GROUP BY 1, 2, 3, 4
), cost_month AS (
    SELECT k.project_id, k.month,
           coalesce(sum(b.amount) FILTER (WHERE k.bucket = 'cloud'), 0) AS cloud,
           coalesce(sum(b.amount) FILTER (WHERE k.bucket = 'licences'), 0) AS licences,
           coalesce(sum(b.amount) FILTER (WHERE k.bucket = 'people'), 0) AS people,
           coalesce(sum(b.amount) FILTER (WHERE k.bucket = 'toil'), 0) AS toil,
           coalesce(sum(b.amount) FILTER (WHERE k.bucket = 'other'), 0) AS other,
           coalesce(sum(b.amount), 0) AS total,
           coalesce(sum(k.n) FILTER (WHERE b.amount IS NULL), 0) AS unconverted
    FROM costs k
    LEFT JOIN projects_exchangerate x ON x.currency = k.currency AND x.month = k.month
    CROSS JOIN LATERAL (SELECT CASE WHEN k.currency = %(base)s THEN k.amount ELSE k.amount * x.rate END AS amount) b
    GROUP BY 1, 2
), value_month AS (
    SELECT v.project_id, v.month,
           coalesce(sum(b.amount), 0) AS total,
           coalesce(sum(b.amount) FILTER (WHERE v.confidence = 'estimated'), 0) AS estimated,
           coalesce(sum(v.n) FILTER (WHERE b.amount IS NULL), 0) AS unconverted
    FROM (
        SELECT project_id, date_trunc('month', realized_on)::date AS month, confidence, currency,
               sum(amount) AS amount, count(*) AS n
        FROM projects_valueentry
        WHERE voided_at IS NULL {scope_v}
        GROUP BY 1, 2, 3, 4
    ) v
    LEFT JOIN projects_exchangerate x ON x.currency = v.currency AND x.month = v.month
    CROSS JOIN LATERAL (SELECT CASE WHEN v.currency = %(base)s THEN v.amount ELSE v.amount * x.rate END AS amount) b
    GROUP BY 1, 2
), merged AS (
    SELECT project_id, month,
           coalesce(c.cloud, 0) AS cloud, coalesce(c.licences, 0) AS licences, coalesce(c.people, 0) AS people,
           coalesce(c.toil, 0) AS toil, coalesce(c.other, 0) AS other, coalesce(c.total, 0) AS cost,
           coalesce(v.total, 0) AS value, coalesce(v.estimated, 0) AS estimated,
           coalesce(c.unconverted, 0) + coalesce(v.unconverted, 0) AS unconverted
    FROM cost_month c FULL JOIN value_month v USING (project_id, month)
), judged AS (
    SELECT merged.*, ps.phase, {run_month} AS run FROM merged {month_phase}
)
INSERT INTO projects_ledgermonth (
    project_id, month, cost_cloud, cost_licences, cost_people, cost_toil, cost_other, cost_total,
    value_total, value_estimated, ratio, cumulative_cost, cumulative_value, trailing_cost, trailing_value,
    unconverted_count, phase, computed_at)
SELECT project_id, month, cloud, licences, people, toil, other, cost, value, estimated,
       CASE WHEN cost > 0 THEN round(value / cost, 6) END,
       sum(cost) OVER running, sum(value) OVER running,
       coalesce(sum(cost) FILTER (WHERE run) OVER w_trail, 0), coalesce(sum(value) FILTER (WHERE run) OVER w_trail, 0),
       unconverted, coalesce(phase, ''), %(now)s
FROM judged
WINDOW running AS (PARTITION BY project_id ORDER BY month),
       w_trail AS (PARTITION BY project_id ORDER BY month
                    RANGE BETWEEN %(trailing)s::interval PRECEDING AND CURRENT ROW)
"""

# Each month since the project's first ledger month (or the window's start) is judged on the window of
# months ending with it: underwater when all of them are run months and their run cost exceeds their value
# (fewer run months: not enough run history). The flag is the judgement of the last complete month, for a
# project in run. "Underwater since" is the first run month of the current unbroken underwater stretch: of the
# unbroken series of underwater judgements ending with the last complete month, take the earliest one's
# window, and in it the first run month whose cost exceeded its value.
STATUS_SQL = """
WITH {phase_spans}, span AS (
    SELECT p.id AS project_id, p.phase,
           -- the months before the first entry count too (at zero) for the first judgements
           least(%(start)s::date, (SELECT min(m.month) FROM projects_ledgermonth m WHERE m.project_id = p.id))
               - %(preceding)s * interval '1 month' AS first
    FROM projects_project p
    WHERE true {scope_p}
), months AS (
    SELECT s.project_id, s.phase, g.month::date AS month, {run_month} AS run
    FROM span s CROSS JOIN LATERAL generate_series(s.first::date, %(last_month)s::date, interval '1 month') AS g(month)
    {month_phase}
), judged AS (
    SELECT mo.project_id, mo.phase, mo.month,
           mo.run AND coalesce(l.cost_total, 0) > coalesce(l.value_total, 0) AS sinking,
           count(*) FILTER (WHERE mo.run) OVER w AS run_months,
           coalesce(sum(l.cost_total) FILTER (WHERE mo.run) OVER w, 0) AS cost,
           coalesce(sum(l.value_total) FILTER (WHERE mo.run) OVER w, 0) AS value,
           coalesce(sum(l.value_estimated) FILTER (WHERE mo.run) OVER w, 0) AS estimated,
           coalesce(sum(l.unconverted_count) FILTER (WHERE mo.run) OVER w, 0) AS unconverted
    FROM months mo LEFT JOIN projects_ledgermonth l ON l.project_id = mo.project_id AND l.month = mo.month
    WINDOW w AS (PARTITION BY mo.project_id ORDER BY mo.month ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW)
), verdicts AS (
    SELECT judged.*, run_months = {window} AND cost > value AS under FROM judged
), afloat AS (
    SELECT project_id, coalesce(max(month) FILTER (WHERE NOT under), '-infinity'::date) AS last_afloat
    FROM verdicts GROUP BY project_id
), stretch AS (
    SELECT v.project_id, min(v.month) AS first_verdict
    FROM verdicts v JOIN afloat a ON a.project_id = v.project_id AND v.month > a.last_afloat
    GROUP BY v.project_id
), since AS (
    SELECT s.project_id, min(v.month) AS since
    FROM stretch s JOIN verdicts v ON v.project_id = s.project_id AND v.sinking
        AND v.month BETWEEN s.first_verdict - {preceding} * interval '1 month' AND s.first_verdict
    GROUP BY s.project_id
)
INSERT INTO projects_ledgerstatus (
    project_id, underwater, underwater_since, window_start, window_end, window_cost, window_value,
    window_value_estimated, window_unconverted, run_months, computed_at)
SELECT v.project_id, v.phase = 'run' AND v.under, CASE WHEN v.phase = 'run' AND v.under THEN s.since END,
       %(start)s, %(last_day)s, v.cost, v.value, v.estimated, v.unconverted, v.run_months, %(now)s
FROM verdicts v LEFT JOIN since s USING (project_id)
WHERE v.month = %(last_month)s
ON CONFLICT (project_id) DO UPDATE SET
    underwater = EXCLUDED.underwater, underwater_since = EXCLUDED.underwater_since,
    window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
    window_cost = EXCLUDED.window_cost, window_value = EXCLUDED.window_value,
    window_value_estimated = EXCLUDED.window_value_estimated,
    window_unconverted = EXCLUDED.window_unconverted, run_months = EXCLUDED.run_months, computed_at = EXCLUDED.computed_at
"""


@transaction.atomic
def ledger_rollup(*, project_ids: list[int] | None = None, today: date | None = None) -> None:
    """Recompute the monthly summary and the underwater flag, for some projects or for all.

    Deletes and re-inserts the summary rows under an advisory lock, so running it twice, or two
    workers at once, gives the same result.
    """
    today = today or clock.today()
    _lock_for_rollup(project_ids)
    window = settings.LEDGER_UNDERWATER_WINDOW_MONTHS
    end = month_start(today)
    start = add_months(end, -window)
    params = {
        "base": settings.PORTAL_BASE_CURRENCY, "now": clock.now(), "today": today, "start": start, "end": end,
        "last_day": date.fromordinal(end.toordinal() - 1), "last_month": add_months(end, -1),
        "trailing": f"{window - 1} months", "preceding": window - 1, "ids": project_ids, "tz": settings.TIME_ZONE,
        "run_phases": list(RUN_PHASES),
    }
    if project_ids is None:
        scopes = dict.fromkeys(["scope_c", "scope_r", "scope_v", "scope_m", "scope_p"], "")
        delete = "DELETE FROM projects_ledgermonth"
    else:
        scopes = {
            "scope_c": "AND c.project_id = ANY(%(ids)s)", "scope_r": "AND r.project_id = ANY(%(ids)s)",
            "scope_v": "AND project_id = ANY(%(ids)s)", "scope_m": "AND project_id = ANY(%(ids)s)",
            "scope_p": "AND p.id = ANY(%(ids)s)",
        }
        delete = "DELETE FROM projects_ledgermonth WHERE project_id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        cursor.execute(delete, params)
        shared = {
            "focus_month": FOCUS_MONTH_SQL, "live_row": LIVE_FOCUS_ROW_SQL, "phase_spans": PHASE_SPANS_SQL, "run_month": run_month_sql("ps"),
            "window": int(window), "preceding": int(window) - 1,
        }
        cursor.execute(ROLLUP_SQL.format(**scopes, **shared, month_phase=month_phase_join("ps", "merged.project_id", "merged.month")), params)
        cursor.execute(STATUS_SQL.format(**scopes, **shared, month_phase=month_phase_join("ps", "s.project_id", "g.month::date")), params)


def has_proof_of_value(project: Project) -> bool:
    return (
        ValueEntry.objects.filter(
            project=project, voided_at__isnull=True, realized_on__lte=clock.today(), amount__gt=0
        )
        .exclude(evidence="")
        .exists()
    )


PROGRESS_KEY = "ledger:focus-progress:{}"


def focus_progress(focus_import) -> int:
    if focus_import.is_finished:
        return 100
    return int(cache.get(PROGRESS_KEY.format(focus_import.pk)) or 0)


@transaction.atomic
def focus_import_start(*, actor: User, upload, currency: str = "") -> FocusImport:
    """Keep an uploaded FOCUS file and import it in the background."""
    from projects.ledger import tasks

    if not permissions.can_import_costs(actor):
        raise PermissionDenied(_("Only managers and admins import billing exports."))
    currency = (currency or "").upper()
    try:
        header = focus.read_header(upload)
        focus.check_columns(header, currency)
    except focus.FocusError as error:
        raise ValidationError({"upload": str(error)}) from None
    focus_import = FocusImport(
        file_name=upload.name[:255], sha256=focus.file_sha256(upload), currency=currency, created_by=actor
    )
    focus_import.full_clean(exclude=["upload"])
    focus_import.upload.save(f"{focus_import.sha256[:16]}.csv", upload, save=False)
    focus_import.save()
    transaction.on_commit(lambda: jobs.enqueue(tasks.import_focus, focus_import.pk))
    return focus_import


def focus_import_run(*, import_id: int, stream=None, dry_run: bool = False):
    """Run one import, all or nothing; safe to call again (a finished import is left as it is).

    Returns the focus.Result, or raises focus.FocusError after recording the refusal.
    """
    key = PROGRESS_KEY.format(import_id)

    def progress(percent: int) -> None:
        cache.set(key, percent, timeout=3600)

    try:
        with transaction.atomic():
            focus_import = FocusImport.objects.select_for_update().get(pk=import_id)
            if focus_import.is_finished or focus_import.is_voided:
                return None
            own_stream = stream is None
            source = focus_import.upload.open("rb") if own_stream else stream
            try:
                result = focus.import_stream(
                    focus_import=focus_import, stream=source, currency=focus_import.currency, progress=progress
                )
            finally:
                if own_stream:
                    source.close()
            focus_import.status = FocusImport.Status.DUPLICATE if result.duplicates_skipped else FocusImport.Status.DONE
            focus_import.rows_read, focus_import.rows_imported = result.rows_read, result.rows_imported
            focus_import.duplicates_skipped, focus_import.rows_replaced = result.duplicates_skipped, result.rows_replaced
            focus_import.summary = {"currencies": result.currencies, "replaced_imports": result.replaced_imports}
            focus_import.save()
            schedule_rollup(result.project_ids)
            if dry_run:
                transaction.set_rollback(True)
            return result
    except focus.FocusError as error:
        if not dry_run:
            FocusImport.objects.filter(pk=import_id).update(
                status=FocusImport.Status.FAILED, error=str(error), updated_at=clock.now()
            )
        raise
    finally:
        cache.delete(key)


@transaction.atomic
def focus_import_void(*, actor: User, focus_import, reason: str):
    """Void a whole import: its rows stop counting and the rows it replaced count again."""
    if not permissions.can_import_costs(actor):
        raise PermissionDenied(_("Only managers and admins void billing imports."))
    focus.lock_imports()  # an import running now may be re-issuing the same period: let it finish first
    focus_import = FocusImport.objects.select_for_update().get(pk=focus_import.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the import is voided.")})
    if focus_import.is_voided:
        raise ValidationError({"reason": _("This import is already voided.")})
    if focus_import.status != FocusImport.Status.DONE:
        raise ValidationError({"reason": _("Only a finished import can be voided.")})
    focus_import.voided_at, focus_import.voided_by, focus_import.void_reason = clock.now(), actor, reason
    focus_import.save()
    project_ids = set(
        FocusRow.objects.filter(focus_import=focus_import, project__isnull=False).values_list("project_id", flat=True).distinct()
    )
    project_ids |= set(
        FocusRow.objects.filter(replaced_by=focus_import, project__isnull=False).values_list("project_id", flat=True).distinct()
    )
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_REPLACED_SQL, {"id": focus_import.pk})
    schedule_rollup(project_ids)
    return focus_import


# The rows a voided import had replaced go to the next live import that re-issued the same billing
# account and period after it (which found them already replaced), and count again only when there is none.
RELEASE_REPLACED_SQL = """
WITH released AS (
    SELECT DISTINCT billing_account_id, billing_period_start FROM projects_focusrow WHERE replaced_by_id = %(id)s
), successor AS (
    SELECT r.billing_account_id, r.billing_period_start, (
        SELECT min(i.id) FROM projects_focusimport i
        WHERE i.id > %(id)s AND i.status = 'done' AND i.voided_at IS NULL AND EXISTS (
            SELECT 1 FROM projects_focusrow n
            WHERE n.focus_import_id = i.id AND n.billing_account_id = r.billing_account_id
              AND n.billing_period_start = r.billing_period_start AND n.charge_class <> 'Correction')
    ) AS import_id
    FROM released r
)
UPDATE projects_focusrow t SET replaced_by_id = successor.import_id
FROM successor
WHERE t.replaced_by_id = %(id)s AND t.billing_account_id = successor.billing_account_id
  AND t.billing_period_start = successor.billing_period_start
"""
