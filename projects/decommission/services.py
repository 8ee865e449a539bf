"""Writes of the decommission workflow. Each move checks who acts, is refused when the state machine
does not allow it, is recorded on the timeline and in the audit trail, and notifies the people concerned."""
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from projects import clock, permissions
from projects.common import jobs, notifications
from projects.decommission import evidence
from projects.decommission.models import (
    DEFAULT_CHECKLIST,
    ChecklistItem,
    ChecklistTemplateItem,
    DecommissionEvent,
    DecommissionRequest,
)
from projects.decommission.selectors import average_monthly_run_cost_before
from projects.decommission.tasks import notify_decommission_event
from projects.models import Phase, Project
from projects.services import project_change_phase

State = DecommissionRequest.State


def _record(request: DecommissionRequest, action: str, actor: User | None, comment: str = "") -> DecommissionEvent:
    event = DecommissionEvent.objects.create(request=request, action=action, actor=actor, comment=comment)
    if not notifications.are_muted():
        transaction.on_commit(lambda: jobs.enqueue(notify_decommission_event, event.pk))
    return event


def _move(request: DecommissionRequest, name: str) -> None:
    try:
        getattr(request, name)()
    except TransitionNotAllowed:
        raise ValidationError(
            _("A request that is %(state)s cannot be %(move)s.") % {"state": request.get_state_display().lower(), "move": name.replace("_", " ") + "d"}
        ) from None


def _locked(request: DecommissionRequest) -> DecommissionRequest:
    return DecommissionRequest.objects.select_for_update().select_related("project", "project__team").get(pk=request.pk)


def checklist_template() -> list[ChecklistTemplateItem]:
    """The active template items. An empty template (a fresh database) starts from the default
    checklist; admins edit it afterwards in the admin."""
    if not ChecklistTemplateItem.objects.exists():
        ChecklistTemplateItem.objects.bulk_create(
            ChecklistTemplateItem(position=index, title=title, description=description)
            for index, (title, description) in enumerate(DEFAULT_CHECKLIST, start=1)
        )
    return list(ChecklistTemplateItem.objects.filter(active=True))


@transaction.atomic
def decommission_request(*, actor: User, project: Project, reason: str) -> DecommissionRequest:
    if not permissions.can_request_decommission(actor, project):
        raise PermissionDenied(_("Only the project's team or a manager can ask to decommission it."))
    if project.phase not in (Phase.RUN, Phase.BUILD):
        raise ValidationError(_("Only a project in build or run is decommissioned; this one is in %(phase)s.") % {"phase": project.get_phase_display()})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the project should be switched off.")})
    if project.decommissions.filter(state__in=DecommissionRequest.OPEN_STATES).exists():
        raise ValidationError(_("This project already has an open decommission request."))
    request = DecommissionRequest(project=project, reason=reason.strip(), requested_by=actor, evidence=evidence.snapshot(project))
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError(_("This project already has an open decommission request.")) from None
    ChecklistItem.objects.bulk_create(
        ChecklistItem(request=request, position=item.position, title=item.title, description=item.description)
        for item in checklist_template()
    )
    _record(request, DecommissionEvent.Action.REQUESTED, actor, reason.strip())
    return request


def _require_decider(actor: User, request: DecommissionRequest) -> None:
    if not permissions.is_manager(actor):
        raise PermissionDenied(_("Only a manager approves or rejects a decommission."))
    if actor.pk == request.requested_by_id:
        raise PermissionDenied(_("The person who asked cannot approve or reject their own request."))


@transaction.atomic
def decommission_approve(*, actor: User, request: DecommissionRequest, comment: str = "") -> DecommissionRequest:
    request = _locked(request)
    _require_decider(actor, request)
    _move(request, "approve")
    project = request.project
    request.phase_before = project.phase
    request.monthly_cost_freed = average_monthly_run_cost_before(project, clock.today())
    request.decided_by, request.decided_at, request.decision_comment = actor, clock.now(), comment.strip()
    request.save()
    project_change_phase(
        actor=actor, project=project, to_phase=Phase.DECOMMISSIONING, workflow="decommission",
        reason=_("Decommission approved by %(who)s.") % {"who": actor.get_full_name() or actor.username},
    )
    _record(request, DecommissionEvent.Action.APPROVED, actor, comment.strip())
    return request


@transaction.atomic
def decommission_reject(*, actor: User, request: DecommissionRequest, comment: str) -> DecommissionRequest:
    request = _locked(request)
    _require_decider(actor, request)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    _move(request, "reject")
    request.decided_by, request.decided_at, request.decision_comment = actor, clock.now(), comment.strip()
    request.save()
    _record(request, DecommissionEvent.Action.REJECTED, actor, comment.strip())
    return request


@transaction.atomic
def checklist_item_update(*, actor: User, item: ChecklistItem, status: str, note: str = "") -> ChecklistItem:
    request = _locked(item.request)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if not permissions.can_work_decommission_item(actor, request.project):
        raise PermissionDenied(_("Only the project's team ticks its checklist."))
    if request.state not in (State.APPROVED, State.IN_PROGRESS):
        raise ValidationError(_("The checklist is worked on once the request is approved, until it is completed."))
    note = (note or "").strip()
    if status == ChecklistItem.Status.NOT_RELEVANT and not note:
        raise ValidationError({"note": _("Say why this step is not relevant.")})
    item.status, item.note = status, note
    item.done_by, item.done_at = (None, None) if status == ChecklistItem.Status.OPEN else (actor, clock.now())
    item.full_clean()
    item.save()
    if request.state == State.APPROVED:
        _move(request, "start")
        request.save()
        _record(request, DecommissionEvent.Action.STARTED, actor)
    _record(request, DecommissionEvent.Action.ITEM, actor, f"{item.title}: {item.get_status_display()}" + (f" — {note}" if note else ""))
    return item


@transaction.atomic
def checklist_item_assign(*, actor: User, item: ChecklistItem, assignee: User | None) -> ChecklistItem:
    request = _locked(item.request)
    if not permissions.can_steer_decommission(actor, request.project):
        raise PermissionDenied(_("Only the project's team or a manager assigns checklist items."))
    if not request.is_open:
        raise ValidationError(_("This request is closed."))
    if assignee is not None and not permissions.is_member(assignee, request.project.team_id):
        raise ValidationError({"assignee": _("Assign the item to a member of the project's team.")})
    item.assignee = assignee
    item.save(update_fields=["assignee"])
    return item


@transaction.atomic
def decommission_complete(*, actor: User, request: DecommissionRequest) -> DecommissionRequest:
    request = _locked(request)
    if not permissions.can_work_decommission_item(actor, request.project):
        raise PermissionDenied(_("Only the project's team completes its decommission."))
    left = request.checklist.filter(status=ChecklistItem.Status.OPEN).count()
    if left:
        raise ValidationError(
            _("%(count)d checklist item is still to do.") % {"count": left} if left == 1
            else _("%(count)d checklist items are still to do.") % {"count": left}
        )
    _move(request, "complete")
    request.completed_at = clock.now()
    request.save()
    project_change_phase(
        actor=actor, project=request.project, to_phase=Phase.RETIRED, workflow="decommission",
        reason=_("Decommission completed: every checklist item is done or not relevant."),
    )
    _record(request, DecommissionEvent.Action.COMPLETED, actor)
    return request


@transaction.atomic
def decommission_cancel(*, actor: User, request: DecommissionRequest, reason: str) -> DecommissionRequest:
    request = _locked(request)
    if not permissions.can_steer_decommission(actor, request.project):
        raise PermissionDenied(_("Only the project's team or a manager can cancel this request."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is cancelled.")})
    was_approved = request.state in (State.APPROVED, State.IN_PROGRESS)
    _move(request, "cancel")
    request.save()
    if was_approved:
        project_change_phase(
            actor=actor, project=request.project, to_phase=request.phase_before or Phase.RUN, workflow="decommission",
            reason=_("Decommission cancelled: %(reason)s") % {"reason": reason.strip()},
        )
    _record(request, DecommissionEvent.Action.CANCELLED, actor, reason.strip())
    return request
