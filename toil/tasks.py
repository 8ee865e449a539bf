"""Background jobs of the toil backlog: hand each project's monthly toil cost to the ledger."""
from celery import shared_task
from django.db.models import Exists, OuterRef

from projects.models import Project
from toil import services
from toil.models import TimeLog


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def sync_toil_costs(project_id: int) -> int:
    """Set every month's toil cost of one project; safe to repeat (the ledger's write is idempotent)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return services.toil_costs_sync(project=project)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def sync_all_toil_costs() -> int:
    """Nightly: one sync job per project that has toil logs."""
    project_ids = list(
        Project.objects.filter(Exists(TimeLog.objects.filter(item__project=OuterRef("pk")))).values_list("pk", flat=True)
    )
    for project_id in project_ids:
        sync_toil_costs.delay(project_id)
    return len(project_ids)
