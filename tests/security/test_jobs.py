"""Redis down: pages still render and say background work is delayed; a job that could not be
queued is recorded (projects.common.jobs.PendingJob) and sent again by the beat task once Redis is back."""
from datetime import date
from decimal import Decimal

import pytest
from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError

from portal import tasks as portal_tasks
from projects.common import jobs
from projects.common.jobs import PendingJob
from projects.ledger import services as ledger_services
from projects.ledger import tasks as ledger_tasks
from projects.ledger.models import LedgerMonth
from tests.conftest import client_for
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(monkeypatch):
    """The broker and the cache both refuse connections, as when Redis is stopped."""
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in current_app.tasks.values():
        monkeypatch.setattr(task, "delay", refuse, raising=False)
    monkeypatch.setattr("django.core.cache.cache.get", refuse)
    monkeypatch.setattr("django.core.cache.cache.add", refuse)
    monkeypatch.setattr("django.core.cache.cache.set", refuse)
    monkeypatch.setattr("django.core.cache.cache.delete", refuse)


def test_pages_render_and_say_background_work_is_delayed(redis_down, member, team):
    project = ProjectFactory(team=team, slug="churn")
    client = client_for(member)
    for url in ("/", "/projects/", "/projects/churn/", "/projects/churn/ledger/", "/ledger/", "/toil/", "/decommissions/",
                "/decisions/", "/decisions/matrix/", "/projects/churn/adrs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Background work is delayed" in response.content.decode(), url
    assert project.pk


def test_a_job_that_could_not_be_queued_is_recorded_once(redis_down):
    assert jobs.enqueue(ledger_tasks.rollup_project, 7) is False
    assert jobs.enqueue(ledger_tasks.rollup_project, 7) is False
    job = PendingJob.objects.get()
    assert (job.task_name, job.args, job.attempts) == ("projects.ledger.tasks.rollup_project", [7], 2)
    assert "Connection refused" in job.last_error


def test_a_cost_recorded_while_redis_is_down_is_rolled_up_once_it_is_back(
    redis_down, member, team, django_capture_on_commit_callbacks, monkeypatch
):
    project = ProjectFactory(team=team, slug="churn")
    with django_capture_on_commit_callbacks(execute=True):
        ledger_services.cost_entry_create(
            actor=member, project=project, incurred_on=date(2025, 3, 3), category="cloud",
            amount=Decimal("42.00"), currency="EUR", description="GPU",
        )
    assert list(PendingJob.objects.values_list("task_name", "args")) == [("projects.ledger.tasks.rollup_project", [project.pk])]
    assert not LedgerMonth.objects.exists()

    monkeypatch.undo()  # Redis is back
    sent = []

    def run_now(name, args):
        sent.append(name)
        current_app.tasks[name].apply(args=args).get()

    assert jobs.requeue(run_now) == (1, 0)
    assert sent == ["projects.ledger.tasks.rollup_project"]
    assert LedgerMonth.objects.get(project=project, month=date(2025, 3, 1)).cost_total == Decimal("42.00")


def test_requeue_keeps_the_jobs_while_the_broker_is_still_away():
    jobs.record("projects.ledger.tasks.rollup_all", [], OSError("down"))
    jobs.record("projects.ledger.tasks.rollup_project", [3], OSError("down"))

    def refuse(name, args):
        raise OperationalError("still down")

    assert jobs.requeue(refuse) == (0, 2)
    assert PendingJob.objects.order_by("pk").first().attempts == 2


def test_the_beat_task_sends_pending_jobs(monkeypatch):
    jobs.record("projects.ledger.tasks.rollup_all", [], OSError("down"))
    calls = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: calls.append((name, args)))
    assert portal_tasks.requeue_pending_jobs() == 1
    assert calls == [("projects.ledger.tasks.rollup_all", [])]
    assert not PendingJob.objects.exists()
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-pending-jobs"]
    assert entry["task"] == "portal.tasks.requeue_pending_jobs"


def test_ledger_tasks_survive_a_lost_worker():
    """Late acknowledgement and a visibility timeout longer than any task: a job whose worker died
    is delivered again, and never while its first delivery could still be running."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    for name in ("rollup_project", "rollup_all", "import_focus"):
        task = getattr(ledger_tasks, name)
        assert task.acks_late is True, name
        assert task.time_limit < timeout, name
    assert settings.CELERY_TASK_TIME_LIMIT < timeout


def test_a_worker_knows_every_task():
    """A fresh process, as a worker starts: every @shared_task of the code is registered by autodiscovery."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    expected = set()
    for path in root.glob("*/**/tasks.py"):
        if ".venv" in path.parts:
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for name in re.findall(r"@shared_task[^\n]*\n(?:@[^\n]*\n)*def (\w+)", path.read_text()):
            expected.add(f"{module}.{name}")
    script = (
        "import django; django.setup(); from portal.celery import app; app.loader.import_default_modules();"
        "print('\\n'.join(sorted(app.tasks)))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    registered = set(result.stdout.split())
    assert "projects.ledger.tasks.import_focus" in expected
    assert expected <= registered, sorted(expected - registered)
