"""FOCUS (FinOps Open Cost and Usage Specification, 1.0 to 1.2) CSV import.

The file is streamed with COPY into a temporary staging table of text columns, validated with a few
set-based queries, then inserted as typed rows and allocated to projects in SQL. The caller holds
the transaction: the whole file is imported, or nothing.
"""
import codecs
import csv
import hashlib
import re
from dataclasses import dataclass
from typing import BinaryIO, Callable

import psycopg.errors
from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils.translation import gettext as _

from projects.ledger.models import AllocationRule, FocusImport
from projects.common.money import exact_decimal

REQUIRED = ("EffectiveCost", "BilledCost", "ChargePeriodStart", "BillingCurrency")
OPTIONAL = (
    "ChargePeriodEnd", "BillingAccountId", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "Tags",
    "SubAccountId", "ResourceId", "ServiceName",
)
CHARGE_CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
TIMESTAMPS = ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart")
CHUNK = 1 << 20
IMPORT_LOCK_NAMESPACE = 7411  # advisory lock that serialises imports (the rollup's are under 7410)
BOM = codecs.BOM_UTF8

NUMBER_RE = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$"  # an exponent PostgreSQL can hold
TIMESTAMP_RE = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
CURRENCY_RE = r"^[A-Z]{3}$"
MAX_AMOUNT = "1e16"  # numeric(30, 14): 16 digits before the point


class FocusError(Exception):
    """A refused file: the message names the column, the line and the value."""


@dataclass
class Result:
    rows_read: int
    rows_imported: int
    duplicates_skipped: int
    rows_replaced: int
    replaced_imports: list[int]
    currencies: dict[str, dict[str, str]]
    project_ids: list[int]


def file_sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def read_header(stream: BinaryIO) -> list[str]:
    stream.seek(0)
    first = stream.readline(1 << 16)
    if first.startswith(BOM):
        first = first[len(BOM):]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise FocusError(_("Line 1: the file is not UTF-8 text.")) from None
    header = next(csv.reader([text.strip("\r\n")]), [])
    header = [name.strip() for name in header]
    if not any(header):
        raise FocusError(_("The file is empty: no header line."))
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise FocusError(_("Line 1: column %(columns)s appears twice.") % {"columns": ", ".join(duplicates)})
    return header


def check_columns(header: list[str], currency: str) -> None:
    missing = [name for name in REQUIRED if name not in header and not (name == "BillingCurrency" and currency)]
    if missing:
        raise FocusError(
            _("Missing mandatory column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            + ("" if "BillingCurrency" not in missing else " " + _("Give the file's currency if it has no BillingCurrency column."))
        )


def _norm(column: str) -> str:
    # Exports write a null as an empty field, `null` or `NULL`.
    return f"NULLIF(NULLIF(NULLIF(btrim({column}), ''), 'null'), 'NULL')"


def _copy(stream: BinaryIO, columns: list[str], progress: Callable[[int], None]) -> int:
    stream.seek(0, 2)
    size = stream.tell() or 1
    stream.seek(0)
    sent = 0
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY focus_staging ({column_list}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
            first = True
            while chunk := stream.read(CHUNK):
                if first and chunk.startswith(BOM):
                    chunk = chunk[len(BOM):]
                first = False
                copy.write(chunk)
                sent += len(chunk)
                progress(5 + int(45 * sent / size))
        return raw.rowcount


def _copy_explanations() -> list[tuple[str, str]]:
    """PostgreSQL's words for a broken CSV line, and what they mean to the person who sent the file."""
    return [
        ("extra data after last expected column",
         _("more fields than the header has columns; an unquoted comma, such as a thousands separator?")),
        ("missing data for column", _("fewer fields than the header has columns")),
        ("unterminated CSV quoted field", _("a quoted field is never closed")),
    ]


def _copy_error_line(error: Exception) -> str:
    """The file's line from COPY's context, `COPY focus_staging, line 37, column c3: "…"` (the header is line 1)."""
    context = getattr(getattr(error, "diag", None), "context", None) or ""
    found = re.search(r"\bline (\d+)", context)
    return found.group(1) if found else "?"


def lock_imports() -> None:
    """Wait for the import that is running, and keep others out until this transaction ends: imports, voids
    and rule changes all move rows between projects and periods."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [IMPORT_LOCK_NAMESPACE])


def import_stream(
    *, focus_import: FocusImport, stream: BinaryIO, currency: str = "", progress: Callable[[int], None] = lambda pct: None
) -> Result:
    """Load, validate, insert and allocate one file for `focus_import`. Raises FocusError, changing nothing."""
    # One import at a time: a file and its twin, or two exports of the same billing period, cannot both
    # miss each other.
    lock_imports()
    duplicate = (
        FocusImport.objects.filter(sha256=focus_import.sha256, status=FocusImport.Status.DONE, voided_at__isnull=True)
        .exclude(pk=focus_import.pk)
        .first()
    )
    if duplicate is not None:
        # The same bytes were imported already: report that import's figures without reading the file again.
        progress(100)
        return Result(duplicate.rows_read, 0, duplicate.rows_read, 0, [], _currency_totals(duplicate.pk), [])
    header = read_header(stream)
    currency = (currency or "").upper()
    check_columns(header, currency)
    staging = [f"c{index}" for index in range(len(header))]
    col = {name: staging[header.index(name)] for name in header if name in REQUIRED + OPTIONAL}

    with connection.cursor() as cursor:
        # One staging table per session; a second import in the same transaction starts afresh.
        cursor.execute("DROP TABLE IF EXISTS focus_staging")
        cursor.execute(
            "CREATE TEMP TABLE focus_staging (n bigserial, "
            + ", ".join(f"{name} text" for name in staging)
            + ") ON COMMIT DROP"
        )
    sid = transaction.savepoint_create()
    try:
        staged = _copy(stream, staging, progress)
    except (psycopg.errors.DataError, psycopg.errors.BadCopyFileFormat, psycopg.errors.CharacterNotInRepertoire) as error:
        transaction.savepoint_rollback(sid)
        message = str(error).splitlines()[0]
        if "encoding" in message or "byte sequence" in message:
            raise FocusError(_("Line %(line)s: the file is not UTF-8 text.") % {"line": _copy_error_line(error)}) from None
        for known, explanation in _copy_explanations():
            if message.startswith(known):
                message = explanation
                break
        raise FocusError(_("Line %(line)s: malformed CSV (%(message)s).") % {"line": _copy_error_line(error), "message": message}) from None
    except Exception:
        transaction.savepoint_rollback(sid)
        raise
    transaction.savepoint_commit(sid)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE focus_staging")
    progress(55)
    checks = _checks(col, currency)

    def value(name: str, default: str = "NULL") -> str:
        return _norm(col[name]) if name in col else default

    currency_expr = value("BillingCurrency") if "BillingCurrency" in col else "%(currency)s"
    text = lambda name: f"coalesce({value(name)}, '')"  # noqa: E731
    # The project tag allocates most rows while they are inserted; rules handle the rest afterwards.
    project, project_join = "NULL", ""
    if "Tags" in col:
        project = "tagged.id"
        project_join = (
            "LEFT JOIN (SELECT id, slug FROM projects_project) tagged "
            f"ON tagged.slug = ({value('Tags')}::jsonb ->> %(tag_key)s)"
        )
    insert = f"""
        INSERT INTO projects_focusrow (
            focus_import_id, line, charge_period_start, charge_period_end, effective_cost, billed_cost, currency,
            billing_account_id, billing_period_start, charge_category, charge_class, tags, sub_account_id,
            resource_id, service_name, project_id, replaced_by_id)
        SELECT %(import_id)s, n + 1, {value('ChargePeriodStart')}::timestamptz, {value('ChargePeriodEnd')}::timestamptz,
            {value('EffectiveCost')}::numeric, {value('BilledCost')}::numeric, {currency_expr},
            {text('BillingAccountId')}, {value('BillingPeriodStart')}::timestamptz, {text('ChargeCategory')},
            {text('ChargeClass')}, {value('Tags')}::jsonb, {text('SubAccountId')}, {text('ResourceId')},
            {text('ServiceName')}, {project}, NULL
        FROM focus_staging
        {project_join}
        WHERE {" AND ".join(f"coalesce({condition}, false)" for name, condition in checks if name not in TIMESTAMPS)}
    """
    params = {"import_id": focus_import.pk, "currency": currency, "tag_key": settings.LEDGER_FOCUS_TAG_KEY}
    sid = transaction.savepoint_create()
    try:
        with connection.cursor() as cursor:
            # A bill repeats a few timestamps on millions of lines: check each distinct one, not every line.
            for name, condition in checks:
                if name in TIMESTAMPS:
                    cursor.execute(
                        f"SELECT 1 FROM (SELECT DISTINCT {col[name]} FROM focus_staging) d WHERE NOT coalesce({condition}, false) LIMIT 1"
                    )
                    if cursor.fetchone():
                        raise DataError(f"{name} failed its check")
            cursor.execute(insert, params)
            rows_read = cursor.rowcount
        if rows_read != staged:
            raise DataError("a row failed the quick checks")
    except (DataError, psycopg.errors.DataError) as error:
        # Find and name the first bad line: slower, exact checks, only on the way out.
        transaction.savepoint_rollback(sid)
        _find_bad_row(header, staging, checks, cast_check=False)
        _find_bad_row(header, staging, checks, cast_check=True)
        raise FocusError(_("The file could not be read: %(error)s") % {"error": str(error).splitlines()[0]}) from None
    transaction.savepoint_commit(sid)
    progress(75)

    rows_replaced, replaced_imports = 0, []
    if "BillingAccountId" in col and "BillingPeriodStart" in col:
        rows_replaced, replaced_imports = _replace_earlier(focus_import.pk)
    progress(85)
    if AllocationRule.objects.exists():
        allocate_rows(where="r.focus_import_id = %(import_id)s AND r.project_id IS NULL", params={"import_id": focus_import.pk})
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT project_id FROM projects_focusrow
               WHERE (focus_import_id = %(id)s OR replaced_by_id = %(id)s) AND project_id IS NOT NULL""",
            {"id": focus_import.pk},
        )
        project_ids = sorted(row[0] for row in cursor.fetchall())
    progress(95)
    return Result(rows_read, rows_read, 0, rows_replaced, replaced_imports, _currency_totals(focus_import.pk), project_ids)


NULL_RE = r"|\s*|\s*null\s*|\s*NULL\s*"


def _required(pattern: str) -> str:
    return r"^\s*(" + pattern.strip("^$") + r")\s*$"


def _optional(pattern: str) -> str:
    return r"^(" + NULL_RE + r"|\s*(" + pattern.strip("^$") + r")\s*)$"


def _checks(col: dict[str, str], currency: str) -> list[tuple[str, str]]:
    """(column, SQL condition true when the raw text is acceptable), in the file's reading order.

    One anchored regular expression per column on the raw text keeps this a single cheap scan.
    """
    categories = "|".join(CHARGE_CATEGORIES)
    patterns = [
        ("EffectiveCost", _required(NUMBER_RE)),
        ("BilledCost", _required(NUMBER_RE)),
        ("ChargePeriodStart", _required(TIMESTAMP_RE)),
        ("BillingCurrency", _required(CURRENCY_RE)),
        ("ChargePeriodEnd", _optional(TIMESTAMP_RE)),
        ("BillingPeriodStart", _optional(TIMESTAMP_RE)),
        ("ChargeCategory", _optional(categories)),
        ("ChargeClass", _optional("Correction")),
        ("Tags", _optional(r"\{.*")),
    ]
    return [
        (name, f"{col[name]} ~ '{pattern}'" if pattern.startswith(r"^\s*(") else f"({col[name]} IS NULL OR {col[name]} ~ '{pattern}')")
        for name, pattern in patterns
        if name in col
    ]


def _cast_checks(col_checks: list[tuple[str, str]], header: list[str], staging: list[str]) -> list[tuple[str, str]]:
    """The checks a pattern cannot make (impossible dates, JSON, amounts too large), run once a cast failed, to name the line."""
    casts = []
    for name, _condition in col_checks:
        column = _norm(staging[header.index(name)])
        if name in TIMESTAMPS:
            casts.append((name, f"({column} IS NULL OR ledger_is_timestamptz({column}))"))
        elif name == "Tags":
            casts.append((name, f"({column} IS NULL OR ledger_is_jsonb_object({column}))"))
        elif name in ("EffectiveCost", "BilledCost"):
            # The pattern passed, so the cast cannot fail; the row table keeps 16 digits before the point.
            casts.append((name, f"abs({column}::numeric) < {MAX_AMOUNT}"))
    return casts


def _find_bad_row(header: list[str], staging: list[str], checks: list[tuple[str, str]], *, cast_check: bool) -> None:
    if cast_check:
        checks = _cast_checks(checks, header, staging)
    if not checks:
        return
    failing = "NOT (" + " AND ".join(f"coalesce({condition}, false)" for _name, condition in checks) + ")"
    which = " ".join(f"WHEN NOT coalesce({condition}, false) THEN {index}" for index, (_name, condition) in enumerate(checks))
    sql = f"SELECT n + 1, CASE {which} END, {', '.join(staging)} FROM focus_staging WHERE {failing} ORDER BY n LIMIT 1"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    except DataError:
        return  # the search for the line failed too: the caller refuses the file with PostgreSQL's words
    if row is None:
        return
    line, index, values = row[0], row[1], row[2:]
    name = checks[index][0]
    raw = values[header.index(name)]
    if raw is None or raw.strip() in ("", "null", "NULL"):
        raise FocusError(_("Line %(line)s: %(column)s is empty.") % {"line": line, "column": name})
    raise FocusError(
        _("Line %(line)s: %(column)s has an invalid value “%(value)s”.") % {"line": line, "column": name, "value": raw[:80]}
    )


def _replace_earlier(import_id: int) -> tuple[int, list[int]]:
    """A re-issued export replaces the rows of the billing accounts and periods it covers (corrections stay)."""
    sql = """
        WITH covered AS (
            SELECT DISTINCT billing_account_id, billing_period_start FROM projects_focusrow
            WHERE focus_import_id = %(id)s AND charge_class <> 'Correction'
              AND billing_account_id <> '' AND billing_period_start IS NOT NULL
        ), replaced AS (
            UPDATE projects_focusrow r SET replaced_by_id = %(id)s
            FROM covered c, projects_focusimport i
            WHERE r.billing_account_id = c.billing_account_id AND r.billing_period_start = c.billing_period_start
              AND r.focus_import_id <> %(id)s AND r.replaced_by_id IS NULL AND r.charge_class <> 'Correction'
              AND i.id = r.focus_import_id AND i.voided_at IS NULL
            RETURNING r.focus_import_id
        )
        SELECT focus_import_id, count(*) FROM replaced GROUP BY focus_import_id ORDER BY focus_import_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"id": import_id})
        rows = cursor.fetchall()
    return sum(count for _id, count in rows), [import_id for import_id, _count in rows]


def allocate_rows(*, where: str, params: dict | None = None) -> list[int]:
    """Give rows to projects: the project tag first, then rules on SubAccountId, ResourceId, ServiceName
    (exact before pattern, longest pattern first). Returns the projects that received rows."""
    sql = f"""
        WITH target AS (
            SELECT r.id, coalesce(p.id, rule.project_id) AS project_id
            FROM projects_focusrow r
            LEFT JOIN projects_project p ON p.slug = r.tags ->> %(tag_key)s
            LEFT JOIN LATERAL (
                SELECT a.project_id FROM projects_allocationrule a
                WHERE p.id IS NULL AND CASE a.field
                    WHEN 'sub_account_id' THEN r.sub_account_id
                    WHEN 'resource_id' THEN r.resource_id
                    ELSE r.service_name END
                    LIKE CASE a.match WHEN 'exact'
                        THEN replace(replace(replace(a.value, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_')
                        ELSE replace(replace(replace(replace(a.value, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_'), '*', '%%') END
                ORDER BY CASE a.field WHEN 'sub_account_id' THEN 1 WHEN 'resource_id' THEN 2 ELSE 3 END,
                         a.match = 'pattern', length(a.value) DESC, a.id
                LIMIT 1
            ) rule ON true
            WHERE {where}
        ), updated AS (
            UPDATE projects_focusrow r SET project_id = target.project_id
            FROM target WHERE r.id = target.id AND target.project_id IS NOT NULL
              AND r.project_id IS DISTINCT FROM target.project_id
            RETURNING r.project_id
        )
        SELECT DISTINCT project_id FROM updated
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tag_key": settings.LEDGER_FOCUS_TAG_KEY, **(params or {})})
        return [row[0] for row in cursor.fetchall()]


def _currency_totals(import_id: int) -> dict[str, dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT currency, sum(effective_cost), sum(billed_cost),
                   coalesce(sum(effective_cost) FILTER (WHERE project_id IS NOT NULL), 0),
                   coalesce(sum(effective_cost) FILTER (WHERE project_id IS NULL), 0)
            FROM projects_focusrow WHERE focus_import_id = %s GROUP BY currency ORDER BY currency
            """,
            [import_id],
        )
        return {
            code: {
                "effective_cost": exact_decimal(effective), "billed_cost": exact_decimal(billed),
                "allocated_effective_cost": exact_decimal(allocated), "unallocated_effective_cost": exact_decimal(unallocated),
            }
            for code, effective, billed, allocated, unallocated in cursor.fetchall()
        }
