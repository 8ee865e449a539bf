"""Portal-wide background jobs."""
from celery import shared_task
from django.core.cache import cache

from projects import clock

HEARTBEAT_KEY = "portal:worker-heartbeat"


@shared_task(soft_time_limit=20, time_limit=30, acks_late=True)
def heartbeat() -> str:
    """Beat sends this every minute; the layout warns when it has not run for a while."""
    now = clock.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task(soft_time_limit=50, time_limit=60, acks_late=True)
def idempotency_purge() -> int:
    """Forget stored API write responses after a day: a client retries within minutes, not days."""
    from portal import services

    return services.idempotency_purge()


@shared_task(soft_time_limit=240, time_limit=300, acks_late=True)
def requeue_pending_jobs() -> int:
    """Send again the jobs that could not be queued while Redis was down (projects.common.jobs)."""
    from celery import current_app

    from projects.common import jobs

    sent, _pending = jobs.requeue(lambda name, args: current_app.send_task(name, args=args))
    return sent
@shared_task(soft_time_limit=240, time_limit=300)
def weekly_digest() -> int:
    """Beat sends this on Monday morning: the portfolio alerts to every manager. Not acks_late: a
    redelivered task would mail the managers twice."""
    from portal import services

    return services.weekly_digest_send()
