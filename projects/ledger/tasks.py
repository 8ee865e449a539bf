"""Background jobs of the ledger: thin, idempotent, and safe to deliver twice."""
from celery import shared_task
from django.core.cache import cache

from projects.ledger import focus, imports, rollup


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def rollup_project(project_id: int) -> None:
    # Clear the pending mark first: a change made while this runs enqueues another rollup.
    cache.delete(rollup.ROLLUP_PENDING_KEY.format(project_id))
    rollup.ledger_rollup(project_ids=[project_id])


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=22 * 60)
def rollup_all() -> None:
    rollup.ledger_rollup()


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=22 * 60)
def import_focus(import_id: int) -> None:
    try:
        imports.focus_import_run(import_id=import_id)
    except focus.FocusError:
        pass  # recorded on the import, which the page shows
