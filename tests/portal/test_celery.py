"""Background jobs: the heartbeat runs, eagerly and through a real Redis broker and worker."""
import pytest
from django.core.cache import cache

from portal import tasks
from portal.celery import app
from portal.context_processors import background_delayed


def test_heartbeat_records_when_the_worker_last_ran():
    cache.delete(tasks.HEARTBEAT_KEY)
    tasks.heartbeat.delay()
    assert cache.get(tasks.HEARTBEAT_KEY) is not None
    assert background_delayed() is False


def test_an_old_heartbeat_means_background_work_is_delayed():
    cache.set(tasks.HEARTBEAT_KEY, "2020-01-01T00:00:00+00:00")
    assert background_delayed() is True
    cache.delete(tasks.HEARTBEAT_KEY)


def test_beat_schedules_the_heartbeat(settings):
    assert any(entry["task"] == "portal.tasks.heartbeat" for entry in settings.CELERY_BEAT_SCHEDULE.values())


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_real_worker(settings):
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    try:
        cache.delete(tasks.HEARTBEAT_KEY)
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            result = tasks.heartbeat.delay()
            stamp = result.get(timeout=30)
        assert cache.get(tasks.HEARTBEAT_KEY) == stamp
        assert app.conf.broker_url.startswith("redis://")
    finally:
        app.conf.task_always_eager = True
