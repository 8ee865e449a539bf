"""What the portfolio page shows above its table, and the home page and digest reuse: every project's row,
the totals, the cost-versus-value chart, the team shares and the alerts."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from portal.portfolio.alerts import Urls, build_alerts
from portal.portfolio.table import portfolio_queryset
from projects import clock
from projects.decommission.selectors import value_freed
from projects.ledger.selectors import monthly_lines, window_totals
from projects.models import Phase, Project, Team
from toil.selectors import TeamShare, WeekShare, team_shares, toil_minutes_by_project

SPARKLINE_MONTHS = 12


def sparklines(project_ids: list[int], *, today: date | None = None) -> dict[str, dict]:
    """The table's small charts: the last twelve complete months of cost and value per project."""
    return {str(pk): line for pk, line in monthly_lines(project_ids, months=SPARKLINE_MONTHS, today=today).items()}


ROW_FIELDS = (
    "pk", "name", "slug", "team_id", "team__name", "phase", "cost", "value", "underwater", "zombie",
    "decommission_id", "decommission_state", "open_decisions", "overdue_decisions", "unremediated_decisions", "stale_adrs",
)


def portfolio_rows(*, today: date | None = None, base: QuerySet[Project] | None = None) -> list[dict]:
    """Every project's figures and the portfolio totals (window sums, in the same query), with the
    toil minutes of each project (a second, grouped query)."""
    rows = list(
        (portfolio_queryset() if base is None else base)
        .annotate(**window_totals())
        .order_by("name", "pk")
        .values(*ROW_FIELDS, "total_cost", "total_value")
    )
    toil = toil_minutes_by_project(today=today)
    for row in rows:
        row["toil_minutes"] = toil.get(row["pk"], 0)
    return rows


PHASE_COLOURS = {
    Phase.CONCEPTION: "#6c757d", Phase.BUILD: "#0d6efd", Phase.RUN: "#198754",
    Phase.DECOMMISSIONING: "#fd7e14", Phase.RETIRED: "#212529",
}


def bubble_data(rows: list[dict]) -> dict:
    """What the cost-versus-value chart draws: one bubble per project, one dataset per phase."""
    labels = dict(Phase.choices)
    datasets = {
        phase: {"label": str(labels[phase]), "backgroundColor": colour + "99", "borderColor": colour, "data": []}
        for phase, colour in PHASE_COLOURS.items()
    }
    url_for = Urls()
    for row in rows:
        hours = row["toil_minutes"] / 60
        datasets[row["phase"]]["data"].append({
            "x": round(float(row["cost"]), 2), "y": round(float(row["value"]), 2),
            "r": round(min(30.0, 4 + hours ** 0.5 * 1.5), 1), "hours": round(hours, 1),
            "name": row["name"], "url": url_for("projects:project_detail", row["slug"]),
        })
    return {"datasets": [dataset for dataset in datasets.values() if dataset["data"]],
            "currency": settings.PORTAL_BASE_CURRENCY}


@dataclass
class Totals:
    cost: Decimal
    value: Decimal
    value_freed: Decimal
    toil_percent: int | None
    projects: int

    @property
    def ratio(self) -> Decimal | None:
        return self.value / self.cost if self.cost else None


def totals(rows: list[dict], shares: dict[int, TeamShare], *, today: date | None = None) -> Totals:
    first = rows[0] if rows else {}
    return Totals(
        cost=first.get("total_cost") or Decimal(0), value=first.get("total_value") or Decimal(0),
        value_freed=value_freed((today or clock.today()).year),
        toil_percent=WeekShare.combined(list(shares.values())).percent,
        projects=len(rows),
    )


def portfolio_overview(*, today: date | None = None, base: QuerySet[Project] | None = None) -> dict:
    """Alerts, totals, chart and team shares: what the page shows above the table, in five queries.
    `base` is the page's portfolio_queryset(): building one is not free, so the page builds it once."""
    teams = list(Team.objects.order_by("name"))
    rows = portfolio_rows(today=today, base=base)
    shares = team_shares(teams, today=today)
    return {
        "teams": teams,
        "rows": rows,
        "shares": shares,
        "alerts": build_alerts(rows, shares),
        "totals": totals(rows, shares, today=today),
        "bubbles": bubble_data(rows),
    }
