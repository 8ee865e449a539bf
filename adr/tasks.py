"""Background jobs for decisions: the weekly reminder about proposals waiting for review."""
from celery import shared_task

from adr import services


@shared_task(soft_time_limit=240, time_limit=300, acks_late=True)
def send_stale_adr_reminders() -> int:
    """Safe to run twice: a person gets one reminder a week."""
    return services.stale_reminders_send()
