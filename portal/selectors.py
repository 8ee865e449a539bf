"""Reads for the home page, the API tokens page and the portfolio summary."""
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from adr.models import REMEDIATION_FINISHED, Adr, Status
from adr.selectors import overdue_shortcuts
from portal.portfolio import portfolio_queryset
from projects import permissions
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.decommission.selectors import value_freed, zombie_project_ids
from projects.ledger.models import LedgerMonth
from projects.models import Membership, Phase, Project, Team
from toil.models import TimeLog, ToilItem
from toil.selectors import latest_complete_week, team_weekly_share


def api_tokens_of(user: User):
    """The user's own tokens, newest first; other users' tokens are never listed."""
    return user.api_tokens.all()


def my_work(user: User) -> dict:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("team")
        .annotate(member_count=Count("team__memberships"))
        .order_by("team__name")
    )
    team_ids = permissions.team_ids(user)
    my_projects = portfolio_queryset().filter(team_id__in=team_ids).order_by("team__name", "name")
    finished = [*ToilItem.FINISHED, ToilItem.Status.ACCEPTED]
    toil_items = ToilItem.objects.filter(owner=user).exclude(status__in=finished).select_related("project").order_by("project__name", "title")
    checklist = (
        ChecklistItem.objects.filter(assignee=user, status=ChecklistItem.Status.OPEN, request__state__in=DecommissionRequest.OPEN_STATES)
        .select_related("request__project").order_by("request__created_at", "position")
    )
    approvals = (
        DecommissionRequest.objects.filter(state=DecommissionRequest.State.PROPOSED).exclude(requested_by=user)
        .select_related("project", "requested_by").order_by("created_at")
        if permissions.can_approve(user) else DecommissionRequest.objects.none()
    )
    to_review = (
        Adr.objects.filter(status=Status.PROPOSED, decision_makers=user).exclude(author=user)
        .select_related("project").order_by("created_at")
    )
    overdue_tickets = (
        ToilItem.objects.filter(owner=user, remediates__in=overdue_shortcuts().values("pk"))
        .exclude(status__in=REMEDIATION_FINISHED).select_related("project", "remediates").order_by("project__name", "title")
    )
    return {
        "memberships": memberships, "my_projects": my_projects, "toil_items": toil_items,
        "adrs_to_review": to_review, "overdue_tickets": overdue_tickets,
        "checklist_items": checklist, "approvals": approvals, "is_manager": permissions.can_approve(user),
    }


def portfolio_summary(*, today: date | None = None) -> dict:
    """The portfolio in a fixed number of queries: every project's ledger window (cost, value, the
    underwater flag), its lifetime totals, recent toil and decommission flags; each team's toil share
    in its latest complete week; and the totals across the portfolio."""
    today = today or timezone.localdate()
    lifetime = LedgerMonth.objects.filter(project=OuterRef("pk")).order_by().values("project")
    open_request = DecommissionRequest.objects.filter(
        project=OuterRef("pk"), state__in=DecommissionRequest.OPEN_STATES
    ).order_by("-created_at")
    recent_toil = (
        TimeLog.objects.filter(
            item__project=OuterRef("pk"), item__classification=ToilItem.Classification.TOIL,
            logged_on__gt=today - timedelta(days=30), logged_on__lte=today,
        )
        .order_by()
        .values("item__project")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    money = DecimalField(max_digits=30, decimal_places=14)
    projects = list(
        Project.objects.order_by("name", "pk")
        .values("pk", "slug", "name", "phase", "team_id", team_slug=F("team__slug"))
        .annotate(
            window_cost=Coalesce(F("ledger_status__window_cost"), Value(Decimal(0)), output_field=money),
            window_value=Coalesce(F("ledger_status__window_value"), Value(Decimal(0)), output_field=money),
            window_value_estimated=Coalesce(
                F("ledger_status__window_value_estimated"), Value(Decimal(0)), output_field=money
            ),
            unconverted=Coalesce(F("ledger_status__window_unconverted"), Value(0)),
            underwater=Coalesce(F("ledger_status__underwater"), Value(False)),
            underwater_since=F("ledger_status__underwater_since"),
            window_start=F("ledger_status__window_start"),
            window_end=F("ledger_status__window_end"),
            computed_at=F("ledger_status__computed_at"),
            lifetime_cost=Coalesce(
                Subquery(lifetime.annotate(total=Sum("cost_total")).values("total"), output_field=money),
                Value(Decimal(0)), output_field=money,
            ),
            lifetime_value=Coalesce(
                Subquery(lifetime.annotate(total=Sum("value_total")).values("total"), output_field=money),
                Value(Decimal(0)), output_field=money,
            ),
            toil_minutes=Coalesce(Subquery(recent_toil, output_field=IntegerField()), Value(0)),
            decommission_id=Subquery(open_request.values("pk")[:1]),
            decommission_state=Subquery(open_request.values("state")[:1]),
        )
    )
    zombies = zombie_project_ids()
    teams = list(Team.objects.order_by("name").values("pk", "slug", "name"))
    shares = team_weekly_share([team["pk"] for team in teams], weeks=2, today=today)
    team_slugs = {team["pk"]: team["slug"] for team in teams}
    for project in projects:
        project["team"] = team_slugs[project.pop("team_id")]
        project.pop("team_slug")
        project["zombie"] = project["pk"] in zombies
        cost, value = project["window_cost"], project["window_value"]
        project["ratio"] = (value / cost).quantize(Decimal("0.000001")) if cost else None
    team_rows = []
    for team in teams:
        week = latest_complete_week(shares[team["pk"]])
        team_rows.append({
            "slug": team["slug"], "name": team["name"], "week": week.week if week else None,
            "toil_share": week.share.quantize(Decimal("0.0001")) if week and week.share is not None else None,
            "toil_level": week.level if week else "none",
        })
    phases = {phase: 0 for phase in Phase.values}
    for project in projects:
        phases[project["phase"]] += 1
    # Every status is written by the same rollup; the newest window is the one the figures speak of.
    latest = max((project for project in projects if project["window_end"]), key=lambda p: p["window_end"], default=None)
    return {
        "currency": settings.PORTAL_BASE_CURRENCY,
        "window_months": settings.LEDGER_UNDERWATER_WINDOW_MONTHS,
        "window_start": latest["window_start"] if latest else None,
        "window_end": latest["window_end"] if latest else None,
        "totals": {
            "projects": len(projects),
            "by_phase": phases,
            "window_cost": sum((project["window_cost"] for project in projects), Decimal(0)),
            "window_value": sum((project["window_value"] for project in projects), Decimal(0)),
            "underwater": sum(project["underwater"] for project in projects),
            "zombies": len(zombies),
            "open_decommissions": sum(project["decommission_id"] is not None for project in projects),
            "teams_over_toil_cap": sum(team["toil_level"] == "alert" for team in team_rows),
            "monthly_cost_freed": value_freed(),
        },
        "teams": team_rows,
        "projects": projects,
    }
