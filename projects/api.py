"""The projects part of the JSON API: projects (list, read, create, edit, move to another phase), their health
checklist (read, tick), and teams with their members (list; a lead adds or removes members: `teams_router`).

Every write calls the same service as the pages, so every rule holds here too. Mounted by `portal/api/`.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from projects import selectors, services
from projects.common.api import ApiDate, Pages, Slug, Text, Username, active_user, one_of, sent_fields
from projects.models import HEALTH_ITEM_KEYS, HEALTH_ITEMS, HealthCheck, Membership, Phase, Project, Team

router = Router(tags=["projects"])
teams_router = Router(tags=["teams"])
HealthItemKey = Literal[tuple(HEALTH_ITEM_KEYS)]


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


class ProjectChange(Schema):
    """A field left out keeps its value."""
    model_config = {"json_schema_extra": {"examples": [{"summary": "Scores churn risk weekly for the retention team."}]}}

    name: Text | None = Field(None, min_length=1, max_length=120)
    slug: Slug | None = None
    summary: Text | None = Field(None, max_length=240)
    description: Text | None = Field(None, max_length=20_000)
    value_hypothesis: Text | None = Field(None, max_length=20_000)
    business_owner: Text | None = Field(None, max_length=120)
    repository_url: Text | None = Field(None, max_length=200)
    dashboard_url: Text | None = Field(None, max_length=200)
    runbook_url: Text | None = Field(None, max_length=200)
    tags: list[Annotated[Text, Field(max_length=40)]] | None = Field(None, max_length=30)
    start_date: ApiDate | None = None


class HealthCheckOut(Schema):
    item: str
    label: str
    phase: Phase = Field(..., description="The phase from which the item counts in the score.")
    status: one_of(HealthCheck.Status) | None = Field(..., description="Null when nobody has answered yet.")
    note: str
    checked_by: str | None
    checked_at: datetime | None


class HealthCheckIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"status": "yes", "note": "Runbook linked."}]}}

    status: one_of(HealthCheck.Status)
    note: Text = Field("", max_length=2_000)


class TeamOut(Schema):
    slug: str
    name: str
    members: int = Field(..., alias="member_count")


class MemberOut(Schema):
    username: str = Field(..., alias="user.username")
    role: one_of(Membership.Role)
    weekly_hours: Decimal
    joined_on: date


class MemberIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"user": "alice", "role": "member", "weekly_hours": "32", "joined_on": "2026-11-02"}]}}

    user: Username = Field(..., description="Username of an active portal user.")
    role: one_of(Membership.Role) = "member"
    weekly_hours: Decimal = Field(..., ge=0, le=168, max_digits=5, decimal_places=2)
    joined_on: ApiDate = Field(..., description="Counts toward the team's capacity from this day.")


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


@router.patch("/{slug}", response=ProjectOut, summary="Edit a project")
def project_update(request, slug: Path[Slug], payload: ProjectChange) -> Project:
    """Only the fields sent change; a retired project is changed by an admin only."""
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    fields = sent_fields(payload, nullable=("start_date",))
    return services.project_update(actor=request.auth.user, project=project, **fields)


def _health(project: Project) -> list[dict]:
    checks = {check.item: check for check in project.health_checks.select_related("checked_by")}
    return [
        {
            "item": item.key, "label": str(item.label), "phase": item.phase,
            "status": checks[item.key].status if item.key in checks else None,
            "note": checks[item.key].note if item.key in checks else "",
            "checked_by": checks[item.key].checked_by.username if item.key in checks else None,
            "checked_at": checks[item.key].checked_at if item.key in checks else None,
        }
        for item in HEALTH_ITEMS
    ]


@router.get("/{slug}/health", response=list[HealthCheckOut], summary="Read a project's health checklist")
def health_list(request, slug: Path[Slug]) -> list[dict]:
    return _health(get_object_or_404(Project, slug=slug))


@router.put("/{slug}/health/{item}", response=HealthCheckOut, summary="Tick an item of a project's health checklist")
def health_check_set(request, slug: Path[Slug], item: Path[HealthItemKey], payload: HealthCheckIn) -> dict:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    services.health_check_set(actor=request.auth.user, project=project, item=item, status=payload.status, note=payload.note)
    return next(check for check in _health(project) if check["item"] == item)


@teams_router.get("", response=list[TeamOut], summary="List teams")
@paginate(Pages)
def team_list(request) -> QuerySet[Team]:
    return selectors.team_list().order_by("name", "pk")


@teams_router.get("/{slug}/members", response=list[MemberOut], summary="List a team's members")
@paginate(Pages)
def member_list(request, slug: Path[Slug]) -> QuerySet[Membership]:
    return selectors.team_memberships(get_object_or_404(Team, slug=slug)).order_by("user__username", "pk")


@teams_router.post("/{slug}/members", response={201: MemberOut}, summary="Add a member to a team")
def member_add(request, slug: Path[Slug], payload: MemberIn):
    """A lead of the team or an admin."""
    team = get_object_or_404(Team, slug=slug)
    membership = services.membership_add(
        actor=request.auth.user, team=team, user=active_user("user", payload.user), role=payload.role,
        weekly_hours=payload.weekly_hours, joined_on=payload.joined_on,
    )
    return Status(201, membership)


@teams_router.delete("/{slug}/members/{username}", response={204: None}, summary="Remove a member from a team")
def member_remove(request, slug: Path[Slug], username: Path[Username]):
    """A lead of the team or an admin; a team keeps at least one lead."""
    membership = get_object_or_404(Membership.objects.select_related("team", "user"), team__slug=slug, user__username=username)
    services.membership_remove(actor=request.auth.user, membership=membership)
    return Status(204, None)
