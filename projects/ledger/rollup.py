"""The rollup: the set-based SQL that turns live entries into the monthly summary (LedgerMonth) and the
underwater verdict (LedgerStatus), the advisory locks that let it run twice or in two workers at once, and its
scheduling after each change (coalesced per project, on commit)."""
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from projects import clock
from projects.common import jobs
from projects.ledger.models import (
    FOCUS_MONTH_SQL, LIVE_FOCUS_ROW_SQL, PHASE_SPANS_SQL, RUN_PHASES, month_phase_join, run_month_sql,
)
from projects.ledger.months import add_months, trailing_window

ADVISORY_NAMESPACE = 7410  # first key of the advisory locks the ledger takes
ROLLUP_PENDING_KEY = "ledger:rollup-pending:{}"


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


def schedule_rollup_all() -> None:
    """Enqueue a rollup of every project (an exchange rate changes every month it applies to)."""
    from projects.ledger import tasks

    jobs.enqueue(tasks.rollup_all)


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
    start, end = trailing_window(today)
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
