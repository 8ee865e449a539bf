"""The decommission part of the JSON API: requests with their state, and one request with its frozen
evidence, checklist and timeline. Reads only: deciding and working the checklist stay in the browser,
where a manager sees the evidence. Mounted by `portal/api/`."""
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from projects.common.api import Id, Money, Pages, one_of, username_of
from projects.decommission import selectors
from projects.decommission.models import ChecklistItem, DecommissionEvent, DecommissionRequest

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


class DecommissionFilters(Schema):
    state: DecommissionRequestState | None = None


@router.get("", response=list[DecommissionListOut], summary="List decommission requests")
@paginate(Pages)
def decommission_list(request, filters: Query[DecommissionFilters]) -> QuerySet[DecommissionRequest]:
    """Every request, the ones waiting for you first, then the newest."""
    return selectors.decommission_list(request.auth.user, filters.state).select_related("decided_by")


@router.get("/{decommission_id}", response=DecommissionDetailOut, summary="Read a decommission request")
def decommission_detail(request, decommission_id: Path[Id]) -> DecommissionRequest:
    decommission = get_object_or_404(
        selectors.decommission_list(request.auth.user).select_related("decided_by"), pk=decommission_id
    )
    decommission.timeline_events = list(decommission.timeline.select_related("actor"))
    decommission.checklist_items = list(decommission.checklist.select_related("assignee", "done_by"))
    completed = decommission.state == DecommissionRequest.State.COMPLETED
    decommission.zombies = selectors.zombie_costs(decommission.project) if completed else []
    return decommission
