"""Reads for the home page (each person's work; a manager's desk; a lead's team over the toil cap) and the API
tokens page."""
from django.contrib.auth.models import User
from django.db.models import Count

from adr.models import Adr, OneOffTicket, Status
from adr.selectors import overdue_one_off_tickets, overdue_shortcuts
from portal.portfolio import alerts_for, cached_overview, portfolio_queryset
from projects import permissions
from projects.ledger.selectors import portfolio_trend
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.models import Membership
from toil.models import ToilItem
from toil.selectors import team_shares

TREND_MONTHS = 12
REJUDGE_SHOWN = 8


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
        # Assignments are within the team: one kept past leaving it (an admin's removal) is no longer theirs to do.
        ChecklistItem.objects.filter(
            assignee=user, status=ChecklistItem.Status.OPEN, request__state__in=DecommissionRequest.OPEN_STATES,
            request__project__team_id__in=team_ids,
        )
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
        .exclude(status__in=ToilItem.FINISHED).select_related("project", "remediates").order_by("project__name", "title")
    )
    overdue_one_offs = overdue_one_off_tickets(OneOffTicket.objects.filter(owner=user)).select_related("adr__project").order_by("due_on", "pk")
    memberships = list(memberships)
    led = [membership.team for membership in memberships if membership.role == Membership.Role.LEAD]
    return {
        "memberships": memberships, "my_projects": my_projects, "toil_items": toil_items,
        "adrs_to_review": to_review, "overdue_tickets": overdue_tickets, "overdue_one_offs": overdue_one_offs,
        "checklist_items": checklist, "approvals": approvals, "is_manager": permissions.can_approve(user),
        "teams_over_cap": [share for share in team_shares(led).values() if share.level == "alert"] if led else [],
        **(manager_desk(user) if permissions.can_approve(user) else {}),
    }


def manager_desk(user: User) -> dict:
    """What a manager answers for, on their home: the portfolio's alerts (the cached overview the portfolio
    page shows), the reckless shortcuts past their revisit date, and the monthly trend of cost and value."""
    overview = cached_overview(base=portfolio_queryset())
    to_rejudge = list(overdue_shortcuts()[:REJUDGE_SHOWN + 1])
    return {
        "alerts": alerts_for(user, overview["alerts"]),
        "totals": overview["totals"],
        "to_rejudge": to_rejudge[:REJUDGE_SHOWN],
        "more_to_rejudge": len(to_rejudge) > REJUDGE_SHOWN,
        "trend": portfolio_trend(months=TREND_MONTHS),
    }

