"""Ledger benchmark (`make bench`, not part of the tests): N FOCUS cost rows over P projects.

Prints, side by side, the rollup against a bare SQL GROUP BY over the same rows (goal: at most
1.5 times slower), and the FOCUS import's rows per second against a raw COPY of the same file into
a bare table of text columns (goal: at least half as fast). The raw COPY is shown into a permanent
table, like the import's, and into a temporary one (which writes no WAL); beside them, a typed COPY
into an unindexed copy of the row table shows the least any import must spend. Everything runs in
one transaction that is rolled back.

    python bench/ledger_bench.py [--rows 2000000] [--projects 2000]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from projects.ledger import focus  # noqa: E402
from projects.ledger.rollup import ledger_rollup
from projects.ledger.models import FocusImport  # noqa: E402

HEADER = "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ServiceName,SubAccountId,Tags\n"


class Rollback(Exception):
    pass


def write_file(path: Path, rows: int, projects: int) -> None:
    services_names = ("Compute", "Storage", "Vertex AI", "BigQuery")
    with path.open("w", newline="") as out:
        out.write(HEADER)
        for index in range(rows):
            month = 1 + index % 12
            day = 1 + index % 28
            project = index % projects
            tags = f'"{{""ml-project"": ""bench-{project:05d}""}}"' if index % 10 else ""
            out.write(
                f"acct-{project % 7},2025-{month:02d}-01T00:00:00Z,2025-{month:02d}-{day:02d}T00:00:00Z,"
                f"2025-{month:02d}-{day:02d}T01:00:00Z,{(index % 997) / 100:.10f},{(index % 991) / 113:.10f},"
                f"{'USD' if index % 5 == 0 else 'EUR'},Usage,{services_names[index % 4]},sub-{project % 50},{tags}\n"
            )


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    print(f"  {label:<52} {elapsed:8.2f} s", flush=True)
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--projects", type=int, default=2_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-focus.csv"
        print(f"Writing {args.rows:,} FOCUS rows over {args.projects:,} projects ...", flush=True)
        write_file(path, args.rows, args.projects)
        print(f"  file size {path.stat().st_size / 1e6:.0f} MB")
        try:
            with transaction.atomic():
                run(path, args)
                raise Rollback
        except Rollback:
            print("Rolled back: the database is as it was.")


def run(path: Path, args) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO projects_team (name, slug, description, hourly_rate, created_at, updated_at) "
                       "VALUES ('Bench', 'bench-team', '', 80, now(), now()) RETURNING id")
        team_id = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO projects_project (team_id, name, slug, summary, description, value_hypothesis, business_owner,
                   repository_url, dashboard_url, runbook_url, tags, phase, created_at, updated_at)
               SELECT %s, 'Bench ' || n, 'bench-' || lpad(n::text, 5, '0'), '', '', '', '', '', '', '', '{}', 'run', now(), now()
               FROM generate_series(0, %s - 1) n""",
            [team_id, args.projects],
        )
        cursor.execute("SET LOCAL TimeZone = 'UTC'")

    print("Import")

    def copy_file(cursor, sql):
        with path.open("rb") as stream, cursor.cursor.copy(sql) as copy:
            while chunk := stream.read(1 << 20):
                copy.write(chunk)

    text_columns = ", ".join(f"c{index} text" for index in range(HEADER.count(",") + 1))

    def raw_copy(table: str, kind: str = ""):
        def action():
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE {kind} TABLE {table} ({text_columns})")
                copy_file(cursor, f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)")
        return action

    def typed_copy():
        # The least any import can do: the file's values typed into a table shaped like the row table,
        # without its indexes, without checking a value PostgreSQL accepts or allocating a row.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_typed (LIKE projects_focusrow INCLUDING DEFAULTS INCLUDING IDENTITY)")
            cursor.execute("ALTER TABLE bench_typed ALTER focus_import_id SET DEFAULT 0, ALTER line SET DEFAULT 0, "
                           "ALTER charge_class SET DEFAULT '', ALTER resource_id SET DEFAULT ''")
            columns = ("billing_account_id, billing_period_start, charge_period_start, charge_period_end, billed_cost, "
                       "effective_cost, currency, charge_category, service_name, sub_account_id, tags")
            copy_file(cursor, f"COPY bench_typed ({columns}) FROM STDIN (FORMAT csv, HEADER true, "
                              "FORCE_NOT_NULL (billing_account_id, charge_category, service_name, sub_account_id))")

    temp_seconds, _ = timed("raw COPY into a bare temporary table (no WAL)", raw_copy("bench_raw_temp", "TEMP"))
    raw_seconds, _ = timed("raw COPY into a bare table", raw_copy("bench_raw"))
    typed_seconds, _ = timed("typed COPY into an unindexed copy of the row table", typed_copy)

    def portal_import():
        with path.open("rb") as stream:
            focus_import = FocusImport.objects.create(file_name=path.name, sha256=focus.file_sha256(stream))
            start = time.perf_counter()
            stages = {}

            def progress(percent):
                stages.setdefault(percent, time.perf_counter() - start)

            result = focus.import_stream(focus_import=focus_import, stream=stream, progress=progress)
            focus_import.status = FocusImport.Status.DONE
            focus_import.save(update_fields=["status"])
            if os.environ.get("BENCH_STAGES"):
                print("  stages (percent: seconds):", {k: round(v, 2) for k, v in stages.items() if k >= 50})
            return result

    import_seconds, result = timed("import_focus (COPY, validate, insert, allocate)", portal_import)
    rate = lambda seconds: args.rows / seconds  # noqa: E731
    print(f"  rows/s: raw COPY {rate(raw_seconds):,.0f} (temporary table {rate(temp_seconds):,.0f}), "
          f"typed COPY {rate(typed_seconds):,.0f}, import {rate(import_seconds):,.0f}")
    print(f"  import = {100 * raw_seconds / import_seconds:.0f}% of the raw COPY "
          f"({100 * temp_seconds / import_seconds:.0f}% of the temporary one; goal >= 50%); "
          f"a typed COPY alone reaches {100 * raw_seconds / typed_seconds:.0f}% "
          f"({100 * temp_seconds / typed_seconds:.0f}%)")
    print(f"  imported {result.rows_imported:,} rows, {len(result.project_ids):,} projects")

    print("Rollup")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_focusrow")

    def bare_group_by():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT project_id, date_trunc('month', charge_period_start AT TIME ZONE 'UTC'), currency, sum(effective_cost)
                   FROM projects_focusrow WHERE project_id IS NOT NULL GROUP BY 1, 2, 3"""
            )
            return len(cursor.fetchall())

    bare_seconds, groups = timed("bare SQL GROUP BY (project, month, currency)", bare_group_by)
    rollup_seconds, _ = timed("ledger rollup (all projects, summary + underwater)", ledger_rollup.ledger_rollup)
    print(f"  {groups:,} groups; rollup / GROUP BY = {rollup_seconds / bare_seconds:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
