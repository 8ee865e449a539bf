"""Team pages: the list, one team with its members, and the lead's member management."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import permissions, selectors, services
from projects.forms import MembershipAddForm, add_service_errors
from projects.models import Membership, Team


@require_GET
def team_list(request) -> HttpResponse:
    return render(request, "projects/team_list.html", {"teams": selectors.team_list()})


def _team_context(request, team: Team, form: MembershipAddForm | None = None) -> dict:
    can_manage = permissions.can_manage_members(request.user, team)
    return {
        "team": team,
        "memberships": selectors.team_memberships(team),
        "can_manage": can_manage,
        "form": form or (MembershipAddForm() if can_manage else None),
    }


@require_GET
def team_detail(request, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    return render(request, "projects/team_detail.html", _team_context(request, team))


@require_http_methods(["GET", "POST"])
def membership_add(request, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    if not permissions.can_manage_members(request.user, team):
        raise PermissionDenied
    if request.method == "GET":
        return redirect(team)
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(user)s joined %(team)s.") % {"user": form.cleaned_data["user"], "team": team})
            return redirect(team)
    return render(request, "projects/team_detail.html", _team_context(request, team, form), status=400)


@require_POST
def membership_remove(request, slug: str, membership_id: int) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    membership = get_object_or_404(Membership, pk=membership_id, team=team)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s left %(team)s.") % {"user": membership.user, "team": team})
    return redirect(team)
