"""The decision-record part of the JSON API: the portfolio's records (filtered by project, team,
status, quadrant of the conscious/reckless matrix, tag or text), one record in full, and writing a new
one, which starts as proposed. The write calls the same service as the editor. Mounted by `portal/api/`."""
from datetime import date, datetime
from typing import Annotated, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from adr import selectors, services
from adr.models import Adr, Cell, Review, Status
from projects.common.api import ApiDate, Pages, Slug, Text, Username, one_of
from projects.models import Project

AdrStatus = one_of(Status)
# `stale`: proposed for longer than the review reminder allows, as on the decisions page.
StatusFilter = Literal[(*Status.values, "stale")]
Quadrant = one_of(Cell)
Name = Annotated[Text, Field(min_length=1, max_length=120)]
Point = Annotated[Text, Field(max_length=2_000)]
Markdown = Annotated[Text, Field(max_length=20_000)]
Number = Annotated[int, Field(ge=1, le=2_147_483_647)]

router = Router(tags=["decisions"])
project_router = Router(tags=["decisions"])


class OptionSchema(Schema):
    title: Annotated[Text, Field(max_length=200)]
    description: Markdown = ""
    good: list[Point] = Field(default_factory=list, max_length=50)
    neutral: list[Point] = Field(default_factory=list, max_length=50)
    bad: list[Point] = Field(default_factory=list, max_length=50)


def _usernames(users) -> list[str]:
    return [user.username for user in users]


class AdrSummaryOut(Schema):
    project: str
    number: int
    code: str
    title: str
    status: AdrStatus
    decided_on: date | None = Field(..., description="The decision's date as its author wrote it; without one, the day of its review.")
    accepted_on: date | None = Field(..., description="The day a review accepted it; null when no review did.")
    author: str
    tags: list[str]
    decision_makers: list[str] = Field(..., description="Portal users (usernames), then people outside the portal as written.")
    quadrant: Quadrant | None = Field(..., description="The current cell on the conscious/reckless matrix; null when not placed.")
    revisit_by: date | None = Field(..., description="When a conscious and reckless shortcut is to be revisited.")
    version: int
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_project(adr: Adr) -> str:
        return adr.project.slug

    @staticmethod
    def resolve_author(adr: Adr) -> str:
        return adr.author.username

    @staticmethod
    def resolve_decision_makers(adr: Adr) -> list[str]:
        return _usernames(adr.decision_makers.all()) + list(adr.decision_makers_external)

    @staticmethod
    def resolve_quadrant(adr: Adr) -> str | None:
        return adr.current_cell

    @staticmethod
    def resolve_revisit_by(adr: Adr) -> date | None:
        return adr.current_revisit_by

    @staticmethod
    def resolve_url(adr: Adr) -> str:
        return f"/projects/{adr.project.slug}/adrs/{adr.number}/"


class PlacementOut(Schema):
    cell: Quadrant
    suggested_cell: str
    reason: str
    revisit_by: date | None
    placed_by: str
    placed_at: datetime

    @staticmethod
    def resolve_placed_by(placement) -> str:
        return placement.placed_by.username


class ReviewOut(Schema):
    reviewer: str
    verdict: one_of(Review.Verdict)
    comment: str
    reviewed_at: datetime

    @staticmethod
    def resolve_reviewer(review: Review) -> str:
        return review.reviewer.username


class AdrOut(AdrSummaryOut):
    status_as_written: str
    context: str
    drivers: str
    options: list[OptionSchema]
    chosen_option: str
    outcome: str
    consequences: str
    confirmation: str
    more_information: str
    consulted: list[str]
    informed: list[str]
    supersedes: list[int] = Field(..., description="Numbers of the records of the same project this one replaces.")
    superseded_by: list[int]
    relates_to: list[int]
    placements: list[PlacementOut] = Field(..., description="Every judgement on the matrix, oldest first.")
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_consulted(adr: Adr) -> list[str]:
        return _usernames(adr.consulted.all()) + list(adr.consulted_external)

    @staticmethod
    def resolve_informed(adr: Adr) -> list[str]:
        return _usernames(adr.informed.all()) + list(adr.informed_external)

    @staticmethod
    def resolve_supersedes(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.supersedes.all())

    @staticmethod
    def resolve_superseded_by(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.superseded_by.all())

    @staticmethod
    def resolve_relates_to(adr: Adr) -> list[int]:
        return sorted(other.number for other in adr.relates_to.all())

    @staticmethod
    def resolve_placements(adr: Adr) -> list:
        return list(adr.placements.all())

    @staticmethod
    def resolve_reviews(adr: Adr) -> list:
        return list(adr.reviews.all())


class AdrFilters(Schema):
    project: Slug | None = Field(None, description="Slug of the project.")
    team: Slug | None = Field(None, description="Slug of the team that owns the project.")
    status: StatusFilter | None = Field(None, description="A status, or `stale`: proposed for too long.")
    quadrant: Quadrant | None = Field(None, description="The current cell on the conscious/reckless matrix.")
    tag: Annotated[Text, Field(max_length=40)] | None = None
    q: Annotated[Text, Field(max_length=200)] | None = Field(None, description="Full-text search, ranked by relevance.")


class AdrIn(Schema):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    decided_on: ApiDate | None = None
    context: Markdown = ""
    drivers: Markdown = ""
    options: list[OptionSchema] = Field(default_factory=list, max_length=50)
    chosen_option: Annotated[Text, Field(max_length=200)] = ""
    outcome: Markdown = ""
    consequences: Markdown = ""
    confirmation: Markdown = ""
    more_information: Markdown = ""
    tags: list[Annotated[Text, Field(max_length=40)]] = Field(default_factory=list, max_length=30)
    decision_makers: list[Username] = Field(default_factory=list, max_length=50, description="Usernames of portal users.")
    consulted: list[Username] = Field(default_factory=list, max_length=50)
    informed: list[Username] = Field(default_factory=list, max_length=50)
    decision_makers_external: list[Name] = Field(default_factory=list, max_length=50, description="People outside the portal.")
    consulted_external: list[Name] = Field(default_factory=list, max_length=50)
    informed_external: list[Name] = Field(default_factory=list, max_length=50)
    supersedes: list[Number] = Field(default_factory=list, max_length=50, description="Numbers of records of this project.")
    relates_to: list[Number] = Field(default_factory=list, max_length=50)


def _users(field: str, usernames: list[str]) -> list[User]:
    users = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
    missing = [name for name in usernames if name not in users]
    if missing:
        raise ValidationError({field: _("No active user with the username “%(name)s”.") % {"name": missing[0]}})
    return [users[name] for name in dict.fromkeys(usernames)]


def _records(field: str, project: Project, numbers: list[int]) -> list[Adr]:
    records = {adr.number: adr for adr in Adr.objects.filter(project=project, number__in=numbers)}
    missing = [number for number in numbers if number not in records]
    if missing:
        raise ValidationError({field: _("This project has no record number %(number)s.") % {"number": missing[0]}})
    return [records[number] for number in dict.fromkeys(numbers)]


def _placed(adr: Adr) -> Adr:
    """The current placement, from the placements the detail selector already loaded."""
    placements = list(adr.placements.all())
    current = max(placements, key=lambda placement: (placement.placed_at, placement.pk), default=None)
    adr.current_cell = current.cell if current else None
    adr.current_revisit_by = current.revisit_by if current else None
    return adr


def _detail(project: Project, number: int) -> Adr:
    try:
        return _placed(selectors.adr_detail(project, number))
    except Adr.DoesNotExist:
        raise Http404 from None


@router.get("", response=list[AdrSummaryOut], summary="List decision records")
@paginate(Pages)
def adr_list(request, filters: Query[AdrFilters]) -> QuerySet[Adr]:
    """Every project's records by project and number (by relevance with `q`), with their place on the matrix."""
    return selectors.decisions_placed(
        cell=filters.quadrant or "",
        **{name: getattr(filters, name) or "" for name in ("project", "team", "status", "tag", "q")},
    )


@project_router.get("/{slug}/adrs/{number}", response=AdrOut, summary="Read a decision record")
def adr_detail(request, slug: Path[Slug], number: Path[Number]) -> Adr:
    return _detail(get_object_or_404(Project.objects.select_related("team"), slug=slug), number)


@project_router.post("/{slug}/adrs", response={201: AdrOut}, summary="Write a decision record, as proposed")
def adr_create(request, slug: Path[Slug], payload: AdrIn):
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    fields = payload.dict()
    for name in ("decision_makers", "consulted", "informed"):
        fields[name] = _users(name, fields[name])
    for name in ("supersedes", "relates_to"):
        fields[name] = _records(name, project, fields[name])
    title = fields.pop("title")
    adr = services.adr_create(actor=request.auth.user, project=project, title=title, **fields)
    return HttpStatus(201, _detail(project, adr.number))
