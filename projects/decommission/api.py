"""The decommission part of the JSON API: requests with their state, one request with its frozen evidence,
checklist and timeline, and every step of the workflow: request, approve or reject (a manager other than the
requester, who reads the same evidence here), cancel, tick and assign checklist items, complete. Each write
calls the same service as the page. Mounted by `portal/api/`."""
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from ninja.pagination import paginate

from projects.common.api import Id, Money, Pages, Slug, Text, Username, active_user, one_of, username_of
from projects.decommission import selectors, services
from projects.decommission.models import ChecklistItem, DecommissionEvent, DecommissionRequest
from projects.models import Project

DecommissionRequestState = one_of(DecommissionRequest.State)
ChecklistItemStatus = one_of(ChecklistItem.Status)
DecommissionEventAction = one_of(DecommissionEvent.Action)

router = Router(tags=["decommissions"])


class DecommissionOut(Schema):
    id: int
    project: str
    project_name: str
    team: str
    state: DecommissionRequestState
    reason: str
    requested_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    phase_before: str
    monthly_cost_freed: Money = Field(..., description="Average monthly run cost before approval, in the base currency.")
    completed_at: datetime | None
    items: int = Field(..., description="Checklist items.")
    open_items: int = Field(..., description="Checklist items still to do.")
    url: str

    @staticmethod
    def resolve_project(request: DecommissionRequest) -> str:
        return request.project.slug

    @staticmethod
    def resolve_project_name(request: DecommissionRequest) -> str:
        return request.project.name

    @staticmethod
    def resolve_team(request: DecommissionRequest) -> str:
        return request.project.team.slug

    @staticmethod
    def resolve_requested_by(request: DecommissionRequest) -> str:
        return request.requested_by.username

    @staticmethod
    def resolve_decided_by(request: DecommissionRequest) -> str | None:
        return username_of(request.decided_by)

    @staticmethod
    def resolve_url(request: DecommissionRequest) -> str:
        return f"/decommissions/{request.pk}/"


class DecommissionListOut(DecommissionOut):
    waiting_for_me: bool = Field(..., description="Waiting for you: your checklist items, or your decision as a manager.")

    @staticmethod
    def resolve_waiting_for_me(request: DecommissionRequest) -> bool:
        return request.waiting == 0


class ChecklistItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    status: ChecklistItemStatus
    assignee: str | None
    note: str
    done_by: str | None
    done_at: datetime | None

    @staticmethod
    def resolve_assignee(item: ChecklistItem) -> str | None:
        return username_of(item.assignee)

    @staticmethod
    def resolve_done_by(item: ChecklistItem) -> str | None:
        return username_of(item.done_by)


class EventOut(Schema):
    action: DecommissionEventAction
    actor: str | None
    at: datetime
    comment: str

    @staticmethod
    def resolve_actor(event: DecommissionEvent) -> str | None:
        return username_of(event.actor)


class ZombieCostOut(Schema):
    day: date
    amount: Money
    currency: str
    description: str


class DecommissionDetailOut(DecommissionOut):
    evidence: dict[str, Any] = Field(
        ..., description="The snapshot taken at the request, unchanged since: "
        '{"captured_at", "sections": [{"key", "title", "facts": [[label, value]], "table": {"columns", "rows"} | null}]}.',
    )
    checklist: list[ChecklistItemOut]
    timeline: list[EventOut]
    zombie_costs: list[ZombieCostOut] = Field(..., description="Costs dated after the project was retired (completed requests).")

    @staticmethod
    def resolve_checklist(request: DecommissionRequest) -> list[ChecklistItem]:
        return request.checklist_items

    @staticmethod
    def resolve_timeline(request: DecommissionRequest) -> list[DecommissionEvent]:
        return request.timeline_events

    @staticmethod
    def resolve_zombie_costs(request: DecommissionRequest) -> list:
        return request.zombies


Why = Annotated[Text, Field(min_length=1, max_length=5_000)]


class DecommissionIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"project": "churn-prediction", "reason": "It has cost more than it brought for three months."}]}}

    project: Slug = Field(..., description="Slug of the project to decommission.")
    reason: Why = Field(..., description="Why it should go; the evidence is captured with the request.")


class DecisionIn(Schema):
    comment: Annotated[Text, Field(max_length=5_000)] = Field("", description="The manager's words; a rejection needs them.")


class CancelIn(Schema):
    reason: Why


class ChecklistTickIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"status": "done", "note": "Endpoint switched off."}]}}

    status: ChecklistItemStatus
    note: Annotated[Text, Field(max_length=2_000)] = ""


class ChecklistAssignIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"assignee": "alice"}]}}

    assignee: Username | None = Field(..., description="A member of the project's team (a username); null to unassign.")


class DecommissionFilters(Schema):
    state: DecommissionRequestState | None = None


@router.get("", response=list[DecommissionListOut], summary="List decommission requests")
@paginate(Pages)
def decommission_list(request, filters: Query[DecommissionFilters]) -> QuerySet[DecommissionRequest]:
    """Every request, the ones waiting for you first, then the newest."""
    return selectors.decommission_list(request.auth.user, filters.state).select_related("decided_by")


@router.get("/{decommission_id}", response=DecommissionDetailOut, summary="Read a decommission request")
def decommission_detail(request, decommission_id: Path[Id]) -> DecommissionRequest:
    return _detail(request.auth.user, decommission_id)


def _detail(user, decommission_id: int) -> DecommissionRequest:
    decommission = get_object_or_404(selectors.decommission_list(user).select_related("decided_by"), pk=decommission_id)
    decommission.timeline_events = list(decommission.timeline.select_related("actor"))
    decommission.checklist_items = list(decommission.checklist.select_related("assignee", "done_by"))
    completed = decommission.state == DecommissionRequest.State.COMPLETED
    decommission.zombies = selectors.zombie_costs(decommission.project) if completed else []
    return decommission


def _request(decommission_id: int) -> DecommissionRequest:
    """The request a write acts on (the services check who may)."""
    return get_object_or_404(DecommissionRequest.objects.select_related("project__team"), pk=decommission_id)


def _item(decommission_id: int, item_id: int) -> ChecklistItem:
    return get_object_or_404(
        ChecklistItem.objects.select_related("request__project__team"), pk=item_id, request_id=decommission_id
    )


@router.post("", response={201: DecommissionDetailOut}, summary="Request a decommission")
def decommission_create(request, payload: DecommissionIn):
    """The project's team or a manager asks; the evidence (ledger, decisions, toil) is captured now and frozen."""
    project = get_object_or_404(Project.objects.select_related("team"), slug=payload.project)
    created = services.decommission_request(actor=request.auth.user, project=project, reason=payload.reason)
    return Status(201, _detail(request.auth.user, created.pk))


@router.post("/{decommission_id}/approve", response=DecommissionDetailOut, summary="Approve a decommission request")
def decommission_approve(request, decommission_id: Path[Id], payload: DecisionIn) -> DecommissionRequest:
    """A manager other than the requester; the project moves to decommissioning and the checklist opens."""
    services.decommission_approve(actor=request.auth.user, request=_request(decommission_id), comment=payload.comment)
    return _detail(request.auth.user, decommission_id)


@router.post("/{decommission_id}/reject", response=DecommissionDetailOut, summary="Reject a decommission request")
def decommission_reject(request, decommission_id: Path[Id], payload: DecisionIn) -> DecommissionRequest:
    services.decommission_reject(actor=request.auth.user, request=_request(decommission_id), comment=payload.comment)
    return _detail(request.auth.user, decommission_id)


@router.post("/{decommission_id}/cancel", response=DecommissionDetailOut, summary="Cancel an open decommission request")
def decommission_cancel(request, decommission_id: Path[Id], payload: CancelIn) -> DecommissionRequest:
    services.decommission_cancel(actor=request.auth.user, request=_request(decommission_id), reason=payload.reason)
    return _detail(request.auth.user, decommission_id)


@router.post("/{decommission_id}/complete", response=DecommissionDetailOut, summary="Complete a decommission")
def decommission_complete(request, decommission_id: Path[Id]) -> DecommissionRequest:
    """Once every checklist item is done or not relevant: the project is retired."""
    services.decommission_complete(actor=request.auth.user, request=_request(decommission_id))
    return _detail(request.auth.user, decommission_id)


@router.post("/{decommission_id}/checklist/{item_id}", response=ChecklistItemOut, summary="Tick a checklist item")
def checklist_item_update(request, decommission_id: Path[Id], item_id: Path[Id], payload: ChecklistTickIn) -> ChecklistItem:
    services.checklist_item_update(
        actor=request.auth.user, item=_item(decommission_id, item_id), status=payload.status, note=payload.note,
    )
    return _item(decommission_id, item_id)


@router.post("/{decommission_id}/checklist/{item_id}/assign", response=ChecklistItemOut, summary="Assign a checklist item")
def checklist_item_assign(request, decommission_id: Path[Id], item_id: Path[Id], payload: ChecklistAssignIn) -> ChecklistItem:
    services.checklist_item_assign(
        actor=request.auth.user, item=_item(decommission_id, item_id), assignee=active_user("assignee", payload.assignee),
    )
    return _item(decommission_id, item_id)
