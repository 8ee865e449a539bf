"""Reads for the team pages."""
from django.db.models import Count, QuerySet

from projects.models import Membership, Team


def team_list() -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("memberships"))


def team_memberships(team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("-role", "user__username")
