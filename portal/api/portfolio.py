"""The portfolio summary of the API: the portfolio page's totals, team shares, alerts and table as JSON."""
from datetime import date, timedelta
from typing import Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema

from portal import portfolio
from projects.common.api import MAX_PAGE, Money, Ratio, Slug
from projects.ledger.months import trailing_window
from projects.models import Phase, Project
from projects.selectors import with_health

router = Router(tags=["portfolio"])

SORT_KEYS = tuple(portfolio.SORTS)


class PortfolioFilters(Schema):
    team: Slug | None = Field(None, description="Slug of a team: only its projects in `projects`.")
    phase: Phase | None = None
    flag: Literal[tuple(portfolio.FLAGS)] | None = Field(None, description="Only the projects with this flag.")
    sort: Literal[(*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS))] = Field(
        "name", description="Column to sort `projects` by; a leading `-` sorts descending."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(portfolio.PAGE_SIZE, ge=1, le=200)


class PortfolioTotals(Schema):
    projects: int
    cost: Money = Field(..., description="Run cost of every project over the trailing window.")
    value: Money = Field(..., description="Realized value of every project over the trailing window.")
    ratio: Ratio | None = Field(..., description="Value ÷ cost; null without cost.")
    value_freed: Money = Field(..., description="Monthly run cost removed by decommissions completed this year.")
    toil_percent: int | None = Field(..., description="Toil hours ÷ capacity hours of all teams in their last full week.")


class PortfolioTeam(Schema):
    slug: str
    name: str
    toil_percent: int | None = Field(..., description="The team's toil share in its last complete week.", alias="percent")
    toil_level: Literal["ok", "warning", "alert", "none"] = Field(..., alias="level")
    capacity_hours: Money
    toil_hours: Money


class PortfolioAlertItem(Schema):
    label: str
    detail: str
    url: str = Field(..., description="Where to act.")
    action: str
    subject_url: str


class PortfolioAlert(Schema):
    kind: str
    title: str
    items: list[PortfolioAlertItem]
    more_url: str


class PortfolioProject(Schema):
    slug: str
    name: str
    team: str = Field(..., alias="team.slug")
    team_name: str = Field(..., alias="team.name")
    phase: Phase
    cost: Money = Field(..., description="Run cost over the trailing window.")
    value: Money = Field(..., description="Realized value over the trailing window.")
    ratio: Ratio | None
    underwater: bool = Field(
        ..., description="In run, with a full window of run months whose run cost exceeded their realized value."
    )
    underwater_since: date | None = Field(..., description="The first run month of the current underwater stretch.")
    run_months: int = Field(..., description="Run months in the window: fewer than the window is not enough run history.")
    zombie: bool = Field(..., description="Retired, and costs dated after the retirement keep arriving.")
    toil_minutes: int = Field(..., description="Toil minutes logged over the trailing window.")
    team_toil_percent: int | None
    decommission_id: int | None = Field(..., description="The open decommission request, if any.")
    decommission_state: str | None
    open_decisions: int = Field(
        ..., description="Conscious and reckless decisions in force (proposed or accepted; not rejected, superseded or deprecated)."
    )
    overdue_decisions: int = Field(..., description="Reckless decisions in force past their revisit date, remediation unfinished.")
    unremediated_decisions: int = Field(..., description="Reckless decisions in force with no remediation ticket.")
    stale_adrs: int = Field(..., description="Proposed records left undecided too long.")
    health: int | None = Field(..., description="Health checklist score, 0 to 100.")
    url: str

    @staticmethod
    def resolve_url(project: Project) -> str:
        return f"/projects/{project.slug}/"


class PortfolioPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PortfolioProject]


class PortfolioOut(Schema):
    currency: str = Field(..., description="The base currency every amount is converted to.")
    window_start: date = Field(..., description="First day of the trailing window of complete months.")
    window_end: date = Field(..., description="Last day of the trailing window.")
    totals: PortfolioTotals
    teams: list[PortfolioTeam]
    alerts: list[PortfolioAlert] = Field(..., description="What needs a decision, as on the portfolio page.")
    projects: PortfolioPage



@router.get("/portfolio", response=PortfolioOut, summary="Read the portfolio summary", operation_id="portal_api_portfolio_summary")
def portfolio_summary(request, filters: Query[PortfolioFilters]) -> dict:
    """The figures and flags of the portfolio page: totals, each team's toil share, the alerts, and the
    projects (filtered, sorted and paginated like the page's table)."""
    base = portfolio.portfolio_queryset()
    overview = portfolio.portfolio_overview(base=base)
    chosen = portfolio.Filters(
        team=filters.team or "", phase=filters.phase or "", flag=filters.flag or "",
        sort=filters.sort.lstrip("-"), descending=filters.sort.startswith("-"), page=filters.page,
    )
    projects = with_health(portfolio.apply_filters(base, chosen))
    offset = (filters.page - 1) * filters.page_size
    page = list(projects[offset:offset + filters.page_size])
    shares, toil = overview["shares"], {row["pk"]: row["toil_minutes"] for row in overview["rows"]}
    for project in page:
        share = shares.get(project.team_id)
        project.team_toil_percent = share.percent if share else None
        project.toil_minutes = toil.get(project.pk, 0)
    summary, (start, end) = overview["totals"], trailing_window()
    return {
        "currency": settings.PORTAL_BASE_CURRENCY,
        "window_start": start,
        "window_end": end - timedelta(days=1),
        "totals": {
            "projects": summary.projects, "cost": summary.cost, "value": summary.value, "ratio": summary.ratio,
            "value_freed": summary.value_freed, "toil_percent": summary.toil_percent,
        },
        "teams": list(shares.values()),
        "alerts": overview["alerts"],
        "projects": {
            "count": len(overview["rows"]) if not chosen.active else projects.count(),
            "page": filters.page, "page_size": filters.page_size, "items": page,
        },
    }
