"""Demo decommissions for `seed_demo`: one completed with a zombie cost, one waiting for approval,
one in progress."""
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from projects import clock
from projects.decommission import evidence, services
from projects.decommission.models import ChecklistItem, DecommissionEvent, DecommissionRequest
from projects.ledger.models import CostEntry
from projects.models import Phase, Project


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _frozen_request(project: Project, *, state: str, requester: User, manager: User, reason: str, items_done: int) -> DecommissionRequest:
    """A request that went through the workflow in the past (the demo's projects already sit in their phase)."""
    approved_at = project.phase_changed_at - timedelta(days=30) if state == DecommissionRequest.State.COMPLETED else project.phase_changed_at
    request = DecommissionRequest.objects.create(
        project=project, state=state, reason=reason, requested_by=requester, evidence=evidence.snapshot(project),
        decided_by=manager, decided_at=approved_at, decision_comment="The evidence is clear; go ahead.",
        phase_before=Phase.RUN, monthly_cost_freed=Decimal("3650.00") if state == DecommissionRequest.State.COMPLETED else Decimal("0"),
        completed_at=project.phase_changed_at if state == DecommissionRequest.State.COMPLETED else None,
    )
    DecommissionEvent.objects.create(request=request, action=DecommissionEvent.Action.REQUESTED, actor=requester, comment=reason)
    DecommissionEvent.objects.create(request=request, action=DecommissionEvent.Action.APPROVED, actor=manager)
    for index, item in enumerate(services.checklist_template()):
        done = index < items_done
        ChecklistItem.objects.create(
            request=request, position=item.position, title=item.title, description=item.description,
            assignee=requester, status=ChecklistItem.Status.DONE if done else ChecklistItem.Status.OPEN,
            done_by=requester if done else None, done_at=approved_at + timedelta(days=index + 1) if done else None,
        )
    if state == DecommissionRequest.State.COMPLETED:
        DecommissionEvent.objects.create(request=request, action=DecommissionEvent.Action.COMPLETED, actor=requester)
    return request


@transaction.atomic
def seed() -> None:
    maria, hugo = _user("maria"), _user("hugo")
    legacy = Project.objects.filter(slug="legacy-churn-v1", phase=Phase.RETIRED).first()
    if legacy is not None and not legacy.decommissions.exists():
        _frozen_request(
            legacy, state=DecommissionRequest.State.COMPLETED, requester=_user("lea"), manager=maria, items_done=7,
            reason="Replaced by **churn prediction**; it still costs 3.6 k€ a month for a few dashboards nobody opens.",
        )
        CostEntry.objects.get_or_create(
            project=legacy, incurred_on=clock.day_of(legacy.phase_changed_at) + timedelta(days=40), category=CostEntry.Category.CLOUD,
            description="Storage bucket left behind",
            defaults={"amount": Decimal("84.20"), "currency": "EUR", "created_by": maria},
        )
    batch = Project.objects.filter(slug="batch-scoring-v1", phase=Phase.DECOMMISSIONING).first()
    if batch is not None and not batch.decommissions.exists():
        _frozen_request(
            batch, state=DecommissionRequest.State.IN_PROGRESS, requester=_user("raj"), manager=hugo, items_done=3,
            reason="Real-time card fraud scoring catches the same fraud a day earlier; the nightly batch only adds cost.",
        )
    recommender = Project.objects.filter(slug="product-recommender", phase=Phase.RUN).first()
    if recommender is not None and not recommender.decommissions.exists():
        services.decommission_request(
            actor=_user("ken"), project=recommender,
            reason="Since the new shop search went live the **basket-size uplift is gone** in the last A/B tests, "
            "while the GPU serving cost keeps rising.",
        )
