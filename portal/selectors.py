"""Reads for the home page and the API tokens page."""
from django.contrib.auth.models import User
from django.db.models import Count

from projects.models import Membership, Project


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
    my_projects = Project.objects.filter(team__memberships__user=user).select_related("team").order_by("team__name", "name")
    return {"memberships": memberships, "my_projects": my_projects}
