"""Team pages (the list, one team, the lead's member management) and project pages (the list,
the overview with its phase timeline and health checklist, create, edit, phase moves)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import permissions, selectors, services
from projects.filters import ProjectFilter
from projects.forms import HealthCheckForm, MembershipAddForm, PhaseChangeForm, ProjectForm
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.models import HEALTH_ITEM_KEYS, HealthCheck, Membership, Phase, Project, Team


@require_GET
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "projects/team_list.html", {"teams": selectors.team_list()})


def _team_context(request: HtmxHttpRequest, team: Team, form: MembershipAddForm | None = None) -> dict:
    can_manage = permissions.can_manage_members(request.user, team)
    return {
        "team": team,
        "memberships": selectors.team_memberships(team),
        "projects": team.projects.order_by("name"),
        "can_manage": can_manage,
        "form": form or (MembershipAddForm() if can_manage else None),
    }


@require_GET
def team_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    return render(request, "projects/team_detail.html", _team_context(request, team))


@require_http_methods(["GET", "POST"])
def membership_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
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
def membership_remove(request: HtmxHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    membership = get_object_or_404(Membership, pk=membership_id, team=team)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s left %(team)s.") % {"user": membership.user, "team": team})
    return redirect(team)


PAGE_SIZE = 50


@require_GET
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    project_filter = ProjectFilter(request.GET or None, queryset=selectors.project_list())
    page = Paginator(project_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": project_filter,
        "page": page,
        "query": query.urlencode(),
        "tags": selectors.all_tags(),
        "can_create": permissions.is_admin(request.user) or bool(permissions.team_ids(request.user)),
    }
    template = "projects/project_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def project_create(request: HtmxHttpRequest) -> HttpResponse:
    if not (permissions.is_admin(request.user) or permissions.team_ids(request.user)):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        try:
            project = services.project_create(actor=request.user, team=team, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project %(name)s created.") % {"name": project.name})
            return redirect(project)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/project_form.html", {"form": form}, status=status)


def _can_override(user, project: Project) -> bool:
    """A manager may let a project in build go live without proof of value."""
    return project.phase == Phase.BUILD and permissions.can_approve(user)


def _phase_moves_for(user, project: Project) -> list[str]:
    if permissions.can_edit_project(user, project):
        return services.phase_moves(project)
    return [Phase.RUN] if _can_override(user, project) else []


def _project_context(request: HtmxHttpRequest, project: Project, **extra) -> dict:
    can_edit = permissions.can_edit_project(request.user, project)
    moves = _phase_moves_for(request.user, project)
    can_override = _can_override(request.user, project)
    return {
        "project": project,
        "can_edit": can_edit,
        "health": selectors.project_health(project),
        "timeline": selectors.project_timeline(project),
        "phase_form": PhaseChangeForm(moves=moves, can_override=can_override) if moves else None,
        "health_statuses": HealthCheck.Status.choices,
        "phases": Phase,
        **extra,
    }


@require_GET
def project_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    return render(request, "projects/project_detail.html", _project_context(request, project))


@require_http_methods(["GET", "POST"])
def project_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_update(actor=request.user, project=Project.objects.get(pk=project.pk), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/project_form.html", {"form": form, "project": project}, status=status)


@require_POST
def project_phase(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    can_override = _can_override(request.user, project)
    if not (permissions.can_edit_project(request.user, project) or can_override):
        raise PermissionDenied
    all_phases = [phase for phase in Phase.values if phase != project.phase]
    form = PhaseChangeForm(request.POST, moves=all_phases, can_override=can_override)
    if form.is_valid():
        try:
            services.project_change_phase(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s moved to %(phase)s.") % {"name": project.name, "phase": project.get_phase_display()})
            return redirect(project)
    context = _project_context(request, project)
    context["phase_form"] = form
    form.fields["to_phase"].choices = [(phase, Phase(phase).label) for phase in _phase_moves_for(request.user, project)]
    return render(request, "projects/project_detail.html", context, status=400)


@require_POST
def health_check(request: HtmxHttpRequest, slug: str, item: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    if item not in HEALTH_ITEM_KEYS:
        raise Http404
    form = HealthCheckForm(request.POST)
    if form.is_valid():
        services.health_check_set(actor=request.user, project=project, item=item, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("Checklist updated."))
    elif not request.htmx:
        messages.error(request, _("Choose a status for the checklist item."))
    if request.htmx:
        return render(request, "projects/project_detail.html#health", _project_context(request, project))
    return redirect(project)
