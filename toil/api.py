"""The toil part of the JSON API: the backlog's items, and logging time on one. Logging calls the same
service as the board, so the same rules hold: at least a minute, never in the future, and only for
yourself unless you lead the team. Mounted by `portal/api/`."""
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from projects.common.api import ApiDate, Id, Money, Pages, Slug, Text, Username, one_of, username_of
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
    person = None
    if payload.user is not None:
        person = User.objects.filter(username=payload.user, is_active=True).first()
        if person is None:
            raise ValidationError({"user": _("No active user with the username “%(name)s”.") % {"name": payload.user}})
    log = services.time_log_create(
        actor=request.auth.user, item=item, minutes=payload.minutes, logged_on=payload.logged_on, user=person,
        note=payload.note,
    )
    return Status(201, log)
