"""The projects part of the JSON API: list, read, create, and move a project to another phase; and the
input and output types every app's router shares (slugs, ids, dates, amounts, choices, pages).

Every write calls the same service as the pages, so every rule holds here too. Mounted by `portal/api.py`.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, TextChoices
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from pydantic import AfterValidator, PlainSerializer

from projects import services
from projects.models import Phase, Project, Team
from projects.common.money import exact_money, exact_ratio

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,60}$"
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1  # BigAutoField: a larger id can only be missing, never a database error


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL characters and lone surrogates; refuse them here as bad input, not as a crash.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


Text = Annotated[str, AfterValidator(_storable)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Username = Annotated[str, Field(pattern=r"^[\w.@+-]{1,150}$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Dates a script may send: wide enough for any real record, narrow enough to keep month arithmetic sane.
ApiDate = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2100, 12, 31))]


def username_of(user) -> str | None:
    """A person in an answer: their username, or null when there is nobody (an unassigned item, say)."""
    return user.username if user is not None else None


Money = Annotated[Decimal, PlainSerializer(exact_money, return_type=str)]
# A quotient (value ÷ cost) to six decimals, as the ledger stores it.
Ratio = Annotated[Decimal, PlainSerializer(exact_ratio, return_type=str)]


def one_of(choices: type[TextChoices]):
    """The values of a model's choices, inline in the OpenAPI document: many apps have a `Status`, and
    named enum schemas of the same name would overwrite each other there."""
    return Literal[tuple(choices.values)]

router = Router(tags=["projects"])


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=200)


class ProjectOut(Schema):
    slug: str
    name: str
    team: str = Field(..., alias="team.slug")
    team_name: str = Field(..., alias="team.name")
    phase: Phase
    summary: str
    description: str
    value_hypothesis: str
    business_owner: str
    repository_url: str
    dashboard_url: str
    runbook_url: str
    tags: list[str]
    start_date: date | None
    phase_changed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_url(project: Project) -> str:
        # The page address is a stable contract (DESIGN.md); spelled out so the API does not depend on the page's URL name.
        return f"/projects/{project.slug}/"


class ProjectFilters(Schema):
    team: Slug | None = Field(None, description="Slug of the team that owns the project.")
    phase: Phase | None = None


class ProjectIn(Schema):
    team: Slug = Field(..., description="Slug of one of your teams.")
    name: Text = Field(..., min_length=1, max_length=120)
    slug: Slug
    summary: Text = Field("", max_length=240)
    description: Text = Field("", max_length=20_000)
    value_hypothesis: Text = Field("", max_length=20_000)
    business_owner: Text = Field("", max_length=120)
    repository_url: Text = Field("", max_length=200)
    dashboard_url: Text = Field("", max_length=200)
    runbook_url: Text = Field("", max_length=200)
    tags: list[Annotated[Text, Field(max_length=40)]] = Field(default_factory=list, max_length=30)
    start_date: ApiDate | None = None


class PhaseChangeIn(Schema):
    to_phase: Phase
    reason: Text = Field(..., max_length=5_000)


class PhaseChangeOut(Schema):
    project: str = Field(..., alias="project.slug")
    from_phase: str
    to_phase: Phase
    reason: str
    changed_by: str = Field(..., alias="changed_by.username")
    changed_at: datetime


@router.get("", response=list[ProjectOut], summary="List projects")
@paginate(Pages)
def project_list(request, filters: Query[ProjectFilters]) -> QuerySet[Project]:
    projects = Project.objects.select_related("team").order_by("name", "pk")
    if filters.team:
        projects = projects.filter(team__slug=filters.team)
    if filters.phase:
        projects = projects.filter(phase=filters.phase)
    return projects


@router.post("", response={201: ProjectOut}, summary="Create a project in one of your teams")
def project_create(request, payload: ProjectIn):
    team = Team.objects.filter(slug=payload.team).first()
    if team is None:
        raise ValidationError({"team": f"No team with the slug “{payload.team}”."})
    project = services.project_create(actor=request.auth.user, team=team, **payload.dict(exclude={"team"}))
    return Status(201, project)


@router.get("/{slug}", response=ProjectOut, summary="Read a project")
def project_detail(request, slug: Path[Slug]) -> Project:
    return get_object_or_404(Project.objects.select_related("team"), slug=slug)


@router.post("/{slug}/phase", response={201: PhaseChangeOut}, summary="Move a project to another phase")
def project_phase(request, slug: Path[Slug], payload: PhaseChangeIn):
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    change = services.project_change_phase(
        actor=request.auth.user, project=project, to_phase=payload.to_phase, reason=payload.reason
    )
    return Status(201, change)
