"""The toil part of the JSON API: the backlog's items (list, read, create, edit, move across the board), the
toil-or-not helper, and logging time on an item. Every write calls the same service as the board, so the same
rules hold: only the project's team changes its backlog, accepting toil needs a reason, time is at least a
minute, never in the future, and only for yourself unless you lead the team. Mounted by `portal/api/`."""
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from adr.models import Adr
from projects.common.api import ApiDate, Id, Money, Pages, Slug, Text, Username, active_user, one_of, sent_fields, username_of
from projects.models import Project
from toil import selectors, services
from toil.models import TimeLog, ToilItem


ToilItemClassification = one_of(ToilItem.Classification)
ToilItemStatus = one_of(ToilItem.Status)
ToilItemFrequency = one_of(ToilItem.Frequency)
ToilItemStrategy = one_of(ToilItem.Strategy)

router = Router(tags=["toil"])


class ToilItemOut(Schema):
    id: int
    project: str
    team: str
    title: str
    description: str
    classification: ToilItemClassification
    status: ToilItemStatus
    frequency: ToilItemFrequency
    minutes_per_occurrence: int
    people: int
    hours_per_month: Money = Field(..., description="The estimate: minutes × occurrences per month × people.")
    recent_minutes: int = Field(..., description="Minutes logged in the last 30 days.")
    strategy: ToilItemStrategy
    strategy_reason: str
    owner: str | None
    automation_effort_hours: Money | None
    finished_on: date | None
    is_manual: bool
    is_repetitive: bool
    is_automatable: bool
    is_tactical: bool
    has_no_enduring_value: bool
    scales_with_service: bool
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_project(item: ToilItem) -> str:
        return item.project.slug

    @staticmethod
    def resolve_team(item: ToilItem) -> str:
        return item.project.team.slug

    @staticmethod
    def resolve_owner(item: ToilItem) -> str | None:
        return username_of(item.owner)

    @staticmethod
    def resolve_url(item: ToilItem) -> str:
        return f"/toil/items/{item.pk}/"


class ToilFilters(Schema):
    project: Slug | None = Field(None, description="Slug of the project.")
    team: Slug | None = Field(None, description="Slug of the team that owns the project.")
    status: ToilItemStatus | None = None
    classification: ToilItemClassification | None = None


class TimeLogIn(Schema):
    minutes: int = Field(..., ge=1, le=24 * 60, description="Minutes spent, 1 to 1,440.")
    logged_on: ApiDate | None = Field(None, description="The day the time was spent; today when left out; never in the future.")
    user: Username | None = Field(
        None, description="Whose time it is (a username); yourself when left out. Only a team lead logs for others."
    )
    note: Text = Field("", max_length=200)


class TimeLogOut(Schema):
    id: int
    item: int
    project: str
    user: str
    logged_on: date
    minutes: int
    note: str
    logged_by: str
    created_at: datetime

    @staticmethod
    def resolve_item(log: TimeLog) -> int:
        return log.item_id

    @staticmethod
    def resolve_project(log: TimeLog) -> str:
        return log.item.project.slug

    @staticmethod
    def resolve_user(log: TimeLog) -> str:
        return log.user.username

    @staticmethod
    def resolve_logged_by(log: TimeLog) -> str:
        return log.logged_by.username


class Criteria(Schema):
    """Google SRE's six properties of toil."""
    is_manual: bool = False
    is_repetitive: bool = False
    is_automatable: bool = False
    is_tactical: bool = False
    has_no_enduring_value: bool = False
    scales_with_service: bool = False


class ToilItemChange(Schema):
    """What a person sets on the item form; a field left out of an edit keeps its value."""
    title: Annotated[Text, Field(min_length=1, max_length=160)] | None = None
    description: Annotated[Text, Field(max_length=20_000)] | None = Field(None, description="Markdown.")
    is_manual: bool | None = None
    is_repetitive: bool | None = None
    is_automatable: bool | None = None
    is_tactical: bool | None = None
    has_no_enduring_value: bool | None = None
    scales_with_service: bool | None = None
    classification: ToilItemClassification | None = Field(
        None, description="Toil, engineering or overhead; the six properties suggest one when left out on creation."
    )
    frequency: ToilItemFrequency | None = None
    minutes_per_occurrence: int | None = Field(None, ge=1, le=24 * 60)
    people: int | None = Field(None, ge=1, le=100)
    strategy: ToilItemStrategy | None = None
    strategy_reason: Annotated[Text, Field(max_length=5_000)] | None = Field(None, description="Needed to accept toil.")
    owner: Username | None = Field(None, description="A member of the project's team (a username).")
    automation_effort_hours: Decimal | None = Field(None, ge=0, le=999_999, decimal_places=2)
    remediates: int | None = Field(
        None, ge=1, le=2_147_483_647, description="Number of the project's decision this item remediates."
    )


class ToilItemIn(ToilItemChange):
    model_config = {"json_schema_extra": {"examples": [{"project": "churn-prediction", "title": "Re-run the failed feature feed by hand", "minutes_per_occurrence": 30, "frequency": "week", "is_manual": True, "is_repetitive": True, "is_automatable": True, "is_tactical": True, "owner": "alice"}]}}

    project: Slug = Field(..., description="Slug of the project whose backlog gets the item.")
    title: Annotated[Text, Field(min_length=1, max_length=160)]
    minutes_per_occurrence: int = Field(..., ge=1, le=24 * 60)


class ToilMoveIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"status": "in_progress"}]}}

    status: ToilItemStatus = Field(..., description="The board column; accepting toil needs a strategy reason first.")


class ClassificationOut(Schema):
    classification: ToilItemClassification
    criteria: int = Field(..., description="How many of the six properties hold.")


def _fields(change: ToilItemChange, project: Project, *, creating: bool) -> dict:
    """The service's fields from the payload: on creation every field given, on an edit the fields sent
    (`classification: null` asks for the suggestion again); people by username, the remediated decision by
    number."""
    if creating:
        fields = {name: value for name, value in change.model_dump(exclude={"project"}).items() if value is not None}
    else:
        fields = sent_fields(change, nullable=("classification", "owner", "remediates", "automation_effort_hours"))
        if "classification" in fields and fields["classification"] is None:
            fields["classification"] = ""
    if "owner" in fields:
        fields["owner"] = active_user("owner", fields["owner"])
    if fields.get("remediates") is not None:
        number = fields["remediates"]
        fields["remediates"] = Adr.objects.filter(project=project, number=number).first()
        if fields["remediates"] is None:
            raise ValidationError({"remediates": _("This project has no record number %(number)s.") % {"number": number}})
    return fields


def _items() -> QuerySet[ToilItem]:
    return selectors.board_items(ToilItem.objects.all())


@router.get("/items", response=list[ToilItemOut], summary="List toil items")
@paginate(Pages)
def toil_item_list(request, filters: Query[ToilFilters]) -> QuerySet[ToilItem]:
    items = _items()
    if filters.project:
        items = items.filter(project__slug=filters.project)
    if filters.team:
        items = items.filter(project__team__slug=filters.team)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.classification:
        items = items.filter(classification=filters.classification)
    return items.order_by("project__name", "title", "pk")


@router.get("/items/{item_id}", response=ToilItemOut, summary="Read a toil item")
def toil_item_detail(request, item_id: Path[Id]) -> ToilItem:
    return get_object_or_404(_items(), pk=item_id)


@router.post("/items/{item_id}/logs", response={201: TimeLogOut}, summary="Log time spent on a toil item")
def time_log_create(request, item_id: Path[Id], payload: TimeLogIn):
    item = get_object_or_404(ToilItem.objects.select_related("project__team"), pk=item_id)
    log = services.time_log_create(
        actor=request.auth.user, item=item, minutes=payload.minutes, logged_on=payload.logged_on,
        user=active_user("user", payload.user),
        note=payload.note,
    )
    return Status(201, log)


@router.post("/items", response={201: ToilItemOut}, summary="Add a toil item to a project's backlog")
def toil_item_create(request, payload: ToilItemIn):
    project = get_object_or_404(Project.objects.select_related("team"), slug=payload.project)
    fields = _fields(payload, project, creating=True)
    item = services.toil_item_create(
        actor=request.auth.user, project=project, title=fields.pop("title"),
        minutes_per_occurrence=fields.pop("minutes_per_occurrence"), **fields,
    )
    return Status(201, get_object_or_404(_items(), pk=item.pk))


@router.patch("/items/{item_id}", response=ToilItemOut, summary="Edit a toil item")
def toil_item_update(request, item_id: Path[Id], payload: ToilItemChange) -> ToilItem:
    """Only the fields sent change; `classification: null` asks the six properties for a suggestion again."""
    item = get_object_or_404(ToilItem.objects.select_related("project__team"), pk=item_id)
    fields = _fields(payload, item.project, creating=False)
    services.toil_item_update(actor=request.auth.user, item=item, **fields)
    return get_object_or_404(_items(), pk=item.pk)


@router.post("/items/{item_id}/move", response=ToilItemOut, summary="Move a toil item to another column")
def toil_item_move(request, item_id: Path[Id], payload: ToilMoveIn) -> ToilItem:
    item = get_object_or_404(ToilItem.objects.select_related("project__team"), pk=item_id)
    services.toil_item_move(actor=request.auth.user, item=item, status=payload.status)
    return get_object_or_404(_items(), pk=item.pk)


@router.post("/classify", response=ClassificationOut, summary="Toil or not? The class the six properties suggest")
def toil_classify(request, payload: Criteria) -> dict:
    criteria = payload.model_dump()
    return {"classification": services.suggest_classification(**criteria), "criteria": sum(criteria.values())}
