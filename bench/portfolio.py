"""Benchmark of the portfolio page (`make bench-portfolio`; not part of the test suite).

Builds, in a database of its own (`<DATABASE_URL's name>_bench`), an organisation of N projects with
M cost rows over twelve months, runs the ledger rollup, then times `/portfolio/` and the Django admin
changelist of projects in-process (server time, no network) and prints median, p95 and query counts.

    .venv/bin/python bench/portfolio.py [--projects 2000] [--rows 2000000] [--runs 30] [--rebuild]

bench/ had no ledger benchmark with a generator to reuse when this was written: the generator is here.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL (the benchmark uses a database named after it, with the suffix _bench).")
    base, name = url.rsplit("/", 1)
    name = name.split("?")[0] + "_bench"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


GENERATE_SQL = [
    # Triggers off for the bulk load: the audit trail of two million generated rows is not what we measure.
    "SET session_replication_role = replica",
    """INSERT INTO projects_team (name, slug, description, hourly_rate, created_at, updated_at)
       SELECT 'Bench team ' || t, 'bench-team-' || t, '', 90, now(), now() FROM generate_series(1, %(teams)s) t""",
    """INSERT INTO auth_user (username, password, first_name, last_name, email, is_staff, is_superuser, is_active, date_joined)
       SELECT 'bench-user-' || u, '!', 'Bench', 'User ' || u, 'bench' || u || '@example.com', false, false, true, now()
       FROM generate_series(1, %(teams)s * 6) u""",
    """INSERT INTO projects_membership (team_id, user_id, role, weekly_hours, joined_on, created_at, updated_at)
       SELECT team.id, usr.id, 'member', 35, DATE '2024-01-01', now(), now()
       FROM auth_user usr JOIN projects_team team
         ON team.slug = 'bench-team-' || ((substring(usr.username from 12)::int - 1) %% %(teams)s + 1)
       WHERE usr.username LIKE 'bench-user-%%'""",
    """INSERT INTO projects_project (team_id, name, slug, summary, description, value_hypothesis, business_owner,
            repository_url, dashboard_url, runbook_url, tags, start_date, phase, phase_changed_at, created_at, updated_at)
       SELECT (SELECT id FROM projects_team WHERE slug = 'bench-team-' || (p %% %(teams)s + 1)),
              'Bench project ' || lpad(p::text, 5, '0'), 'bench-project-' || p, 'Generated', '', '', '', '', '', '', '{}',
              DATE '2024-01-01',
              (ARRAY['run', 'run', 'run', 'build', 'conception', 'retired', 'decommissioning'])[p %% 7 + 1],
              now() - interval '200 days', now(), now()
       FROM generate_series(1, %(projects)s) p""",
    # M cost rows spread evenly over the projects and the last twelve complete months.
    """INSERT INTO projects_costentry (project_id, incurred_on, category, amount, currency, source, description,
            created_by_id, created_at, updated_at, voided_at, voided_by_id, void_reason)
       SELECT project.id,
              (date_trunc('month', now()) - interval '1 month' * (1 + (n %% 12)))::date + (n %% 27),
              (ARRAY['cloud', 'licences', 'people', 'other'])[n %% 4 + 1],
              round((random() * 40 * (1 + project.id %% 5))::numeric, 2), 'EUR', 'manual', 'generated',
              NULL, now(), now(), NULL, NULL, ''
       FROM (SELECT n, (n %% %(projects)s) AS slot FROM generate_series(0, %(rows)s - 1) n) g
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot FROM projects_project) project USING (slot)""",
    """INSERT INTO projects_valueentry (project_id, realized_on, kind, amount, currency, evidence, confidence,
            created_by_id, created_at, updated_at, voided_at, voided_by_id, void_reason)
       SELECT project.id, (date_trunc('month', now()) - interval '1 month' * m)::date + 14, 'cost_saved',
              round((random() * 20 * %(rows)s / %(projects)s / 12 * (project.id %% 3))::numeric, 2), 'EUR',
              'Generated', 'measured', NULL, now(), now(), NULL, NULL, ''
       FROM projects_project project CROSS JOIN generate_series(1, 12) m""",
    """INSERT INTO toil_toilitem (project_id, title, description, is_manual, is_repetitive, is_automatable, is_tactical,
            has_no_enduring_value, scales_with_service, classification, frequency, minutes_per_occurrence, people,
            strategy, strategy_reason, status, owner_id, automation_effort_hours, finished_on, created_at, updated_at)
       SELECT id, 'Generated toil', '', true, true, true, true, true, true, 'toil', 'week', 30, 1, 'automate', '',
              'identified', NULL, NULL, NULL, now(), now()
       FROM projects_project WHERE id %% 2 = 0""",
    """INSERT INTO toil_timelog (item_id, user_id, logged_on, minutes, note, logged_by_id, created_at)
       SELECT item.id, member.user_id, current_date - d, 30 + item.id %% 90, '', member.user_id, now()
       FROM toil_toilitem item
       JOIN projects_project project ON project.id = item.project_id
       JOIN LATERAL (SELECT min(user_id) AS user_id FROM projects_membership WHERE team_id = project.team_id) member ON true
       CROSS JOIN generate_series(1, 90, 3) d""",
    """INSERT INTO projects_healthcheck (project_id, item, status, note, checked_by_id, checked_at)
       SELECT project.id, item, (ARRAY['yes', 'partly', 'no', 'not_relevant'])[(project.id + k) %% 4 + 1], '',
              (SELECT min(id) FROM auth_user), now()
       FROM projects_project project
       CROSS JOIN unnest(ARRAY['value-metric-agreed', 'data-available', 'experiments-traced', 'monitoring-alerting'])
            WITH ORDINALITY AS items(item, k)""",
    "SET session_replication_role = DEFAULT",
]


def generate(projects: int, rows: int) -> None:
    from django.db import connection, transaction

    from projects.ledger.rollup import ledger_rollup

    teams = max(5, projects // 100)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in GENERATE_SQL:
            cursor.execute(statement, {"teams": teams, "projects": projects, "rows": rows})
    print(f"generated {projects} projects, {rows} cost rows in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    ledger_rollup()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"rollup and analyze in {time.perf_counter() - started:.1f} s", flush=True)


def measure(client, path: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warmup in range(3):
        assert client.get(path).status_code == 200, path
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return statistics.median(timings), p95, len(queries.captured_queries)


def register_project_admin() -> None:
    """main has no admin page for projects: the comparison uses a plain, typical changelist of them
    (team and phase shown and filterable, team joined), registered here before the URLs load."""
    from django.contrib import admin

    from projects.models import Project

    if Project in admin.site._registry:
        return

    class ProjectAdmin(admin.ModelAdmin):
        list_display = ["name", "team", "phase", "phase_changed_at"]
        list_filter = ["phase", "team"]
        list_select_related = ["team"]
        search_fields = ["name", "slug"]

    admin.site.register(Project, ProjectAdmin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="drop the generated data and generate again")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = bench_database_url()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from projects.models import Project

    register_project_admin()
    call_command("migrate", verbosity=0)
    if args.rebuild:
        call_command("flush", interactive=False, verbosity=0)
    if not Project.objects.exists():
        generate(args.projects, args.rows)
    from projects.ledger.models import CostEntry

    print(f"data: {Project.objects.count()} projects, {CostEntry.objects.count()} cost rows", flush=True)
    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    for label, path in (
        ("/portfolio/", "/portfolio/"),
        ("/portfolio/?flag=underwater&sort=-cost", "/portfolio/?flag=underwater&sort=-cost"),
        ("/admin/projects/project/ (changelist)", "/admin/projects/project/"),
    ):
        median, p95, queries = measure(client, path, args.runs)
        print(f"{label:<40} {median:>10.1f} {p95:>10.1f} {queries:>8}", flush=True)


if __name__ == "__main__":
    main()
