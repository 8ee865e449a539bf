"""Background jobs that must not be lost when the broker is down.

`enqueue(task, *args)` sends a Celery task; when Redis does not answer, the job is written to the
`PendingJob` table instead, and `requeue_pending_jobs` (a beat task of the portal, every ten
minutes) sends it again once the broker is back. Every task sent this way is idempotent, so a job
recorded twice, or sent again after all, does no harm.
"""
import logging

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects import clock

logger = logging.getLogger(__name__)


class PendingJob(models.Model):
    """A task that could not be queued; sent again by `requeue_pending_jobs`."""

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = clock.DateTimeField(_("recorded at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        app_label = "projects"
        ordering = ["created_at", "pk"]
        verbose_name = _("pending background job")
        verbose_name_plural = _("pending background jobs")
        constraints = [models.UniqueConstraint(fields=["task_name", "args"], name="pendingjob_one_per_call")]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


def enqueue(task, *args) -> bool:
    """Send `task(*args)` to the broker; record it when that fails. True when it was sent."""
    try:
        task.delay(*args)
        return True
    except Exception as error:  # kombu's OperationalError, redis' ConnectionError, OSError: the broker is away
        logger.warning("Broker unavailable, %s%s recorded for later: %s", task.name, args, error)
        record(task.name, list(args), error)
        return False


def record(task_name: str, args: list, error: Exception) -> PendingJob:
    job, created = PendingJob.objects.get_or_create(
        task_name=task_name, args=args, defaults={"last_error": str(error)[:1000]}
    )
    if not created:
        _count_failure(job.pk, error)
    return job


def _count_failure(job_id: int, error: Exception) -> None:
    PendingJob.objects.filter(pk=job_id).update(attempts=models.F("attempts") + 1, last_error=str(error)[:1000])


def requeue(send) -> tuple[int, int]:
    """Send every pending job with `send(task_name, args)`; a job leaves the table once sent.

    Returns (sent, still pending). Stops at the first failure: the broker is still away.
    """
    from django.db import transaction

    sent = 0
    for job in PendingJob.objects.order_by("created_at", "pk"):
        with transaction.atomic():
            locked = PendingJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
            if locked is None:
                continue
            try:
                send(locked.task_name, locked.args)
            except Exception as error:  # the broker is still away: keep the job for the next run
                _count_failure(locked.pk, error)
                break
            locked.delete()
            sent += 1
    return sent, PendingJob.objects.count()
