"""The projects part of the JSON API: list, read, create, and move a project to another phase.

Every write calls the same service as the pages, so every rule holds here too. Mounted by `portal/api/`.
"""
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from projects import services
from projects.common.api import ApiDate, Pages, Slug, Text
from projects.models import Phase, Project, Team

router = Router(tags=["projects"])


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
