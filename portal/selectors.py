"""Reads for the home page."""
from django.contrib.auth.models import User
from django.db.models import Count

from projects.models import Membership, Project


def my_work(user: User) -> dict:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("team")
        .annotate(member_count=Count("team__memberships"))
        .order_by("team__name")
    )
    my_projects = Project.objects.filter(team__memberships__user=user).select_related("team").order_by("team__name", "name")
    return {"memberships": memberships, "my_projects": my_projects}
