"""Demo decommissions for `seed_demo`, on the days the projects' phase history gives: one completed months
ago whose storage bill still arrives, one in progress, one waiting for approval."""
import os
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from projects import clock
from projects.decommission import evidence, services
from projects.decommission.models import ChecklistItem, DecommissionEvent, DecommissionRequest
from projects.decommission.selectors import average_monthly_run_cost_before
from projects.ledger.rollup import ledger_rollup
from projects.ledger.models import CostEntry, LedgerStatus, ValueEntry
from projects.ledger.months import add_months, month_start
from projects.models import Phase, Project

State = DecommissionRequest.State
Action = DecommissionEvent.Action
REQUESTED_DAYS_BEFORE_APPROVAL = 7
WAITING_DAYS = 5  # the open request has waited that long for a manager
# What the bucket left behind cost, in the month before last and in last month.
ZOMBIE_AMOUNTS = (Decimal("84.20"), Decimal("86.90"))


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


@contextmanager
def _clock_at(moment: datetime):
    """Run the portal's clock from `moment` for a while (through the variables it reads on every call)."""
    names = (clock.ENVIRONMENT_VARIABLE, clock.STARTED_VARIABLE)
    saved = {name: os.environ.get(name) for name in names}
    os.environ[clock.ENVIRONMENT_VARIABLE] = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%dT%H:%M")
    os.environ.pop(clock.STARTED_VARIABLE, None)  # the clock starts there when it is first read
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _evidence_on(project: Project, moment: datetime) -> dict:
    """The evidence a request made at `moment` captured. The snapshot reads the database as it stands, so
    what came after that moment (entries dated later, the decommission's own phase moves) is set aside in a
    savepoint, rolled back once the snapshot is taken."""
    day = clock.day_of(moment)
    with transaction.atomic():
        CostEntry.objects.filter(project=project, incurred_on__gt=day).delete()
        ValueEntry.objects.filter(project=project, realized_on__gt=day).delete()
        project.phase_changes.filter(changed_at__gt=moment).delete()
        last = project.phase_changes.order_by("-changed_at").first()
        Project.objects.filter(pk=project.pk).update(phase=last.to_phase, phase_changed_at=last.changed_at)
        LedgerStatus.objects.filter(project=project).delete()
        ledger_rollup(project_ids=[project.pk], today=day)
        with _clock_at(moment):  # the sections count their months back from that day
            snapshot = evidence.snapshot(Project.objects.get(pk=project.pk))
        transaction.set_rollback(True)
    snapshot["captured_at"] = moment.isoformat()
    return snapshot


def _past_request(project: Project, *, requester: User, reason: str, items_done: int) -> DecommissionRequest:
    """A request that went through the workflow on the days of the project's phase history: approved when the
    project went into decommissioning, completed when it was retired."""
    approval = project.phase_changes.get(to_phase=Phase.DECOMMISSIONING)
    completion = project.phase_changes.filter(to_phase=Phase.RETIRED).first()
    approved_at = approval.changed_at
    requested_at = _at(clock.day_of(approved_at) - timedelta(days=REQUESTED_DAYS_BEFORE_APPROVAL), 9)
    completed_at = completion.changed_at if completion else None
    manager, comment = approval.changed_by, "The evidence is clear; go ahead."
    request = DecommissionRequest.objects.create(
        project=project, state=State.COMPLETED if completion else State.IN_PROGRESS, reason=reason, requested_by=requester,
        evidence=_evidence_on(project, requested_at), decided_by=manager, decided_at=approved_at, decision_comment=comment,
        phase_before=Phase.RUN, monthly_cost_freed=average_monthly_run_cost_before(project, clock.day_of(approved_at)),
        completed_at=completed_at,
    )
    template = services.checklist_template()
    # Items are ticked one after the other, on working hours of the days between the approval and the completion
    # (or now, while in progress).
    end = completed_at or clock.now()
    step = (end - approved_at) / (len(template) + 1)
    events = [(Action.REQUESTED, requester, reason, requested_at), (Action.APPROVED, manager, comment, approved_at)]
    for index, item in enumerate(template):
        done_at = _at(clock.day_of(approved_at + step * (index + 1)), 11 + index % 6) if index < items_done else None
        ChecklistItem.objects.create(
            request=request, position=item.position, title=item.title, description=item.description, assignee=requester,
            status=ChecklistItem.Status.DONE if done_at else ChecklistItem.Status.OPEN, done_by=requester if done_at else None,
            done_at=done_at,
        )
        if done_at and index == 0:
            events.append((Action.STARTED, requester, "", done_at))
        if done_at:
            events.append((Action.ITEM, requester, f"{item.title}: {ChecklistItem.Status.DONE.label}", done_at))
    if completed_at:
        events.append((Action.COMPLETED, requester, "", completed_at))
    for action, actor, text, at in events:
        event = DecommissionEvent.objects.create(request=request, action=action, actor=actor, comment=text)
        DecommissionEvent.objects.filter(pk=event.pk).update(at=at)
    DecommissionRequest.objects.filter(pk=request.pk).update(created_at=requested_at, updated_at=events[-1][3])
    return request


def _zombie_costs(project: Project, admin: User, today: date) -> None:
    """The storage bucket nobody deleted, billed at the end of each of the last months after the retirement."""
    retired_on = clock.day_of(project.phase_changed_at)
    this_month = month_start(today)
    for back, amount in zip((2, 1), ZOMBIE_AMOUNTS):
        day = add_months(this_month, -back).replace(day=28)
        if day <= retired_on:
            continue
        entry = CostEntry.objects.create(
            project=project, incurred_on=day, category=CostEntry.Category.CLOUD, description="Storage bucket left behind",
            amount=amount, currency=settings.PORTAL_BASE_CURRENCY, created_by=admin,
        )
        recorded = min(_at(day + timedelta(days=2), 12), clock.now())
        CostEntry.objects.filter(pk=entry.pk).update(created_at=recorded, updated_at=recorded)


@transaction.atomic
def seed(today: date) -> None:
    legacy = Project.objects.get(slug="legacy-churn-v1")
    _past_request(
        legacy, requester=_user("lea"), items_done=len(services.checklist_template()),
        reason="Replaced by **churn prediction**; it still costs 3.6 k€ a month for a few dashboards nobody opens.",
    )
    _zombie_costs(legacy, _user("admin"), today)
    _past_request(
        Project.objects.get(slug="batch-scoring-v1"), requester=_user("raj"), items_done=3,
        reason="Real-time card fraud scoring catches the same fraud a day earlier; the nightly batch only adds cost.",
    )
    requested_at = _at(today - timedelta(days=WAITING_DAYS), 10)
    request = services.decommission_request(
        actor=_user("ken"), project=Project.objects.get(slug="product-recommender"),
        reason="Since the new shop search went live the **basket-size uplift is gone** in the last A/B tests, "
        "while the GPU serving cost keeps rising.",
    )
    request.evidence["captured_at"] = requested_at.isoformat()
    DecommissionRequest.objects.filter(pk=request.pk).update(evidence=request.evidence, created_at=requested_at, updated_at=requested_at)
    request.timeline.update(at=requested_at)
