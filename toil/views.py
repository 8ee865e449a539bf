"""Toil pages: the board of all teams, a project's kanban, an item with its before/after gain,
and the htmx actions (move a card, quick log, the toil-or-not helper)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adr.models import Adr
from projects import permissions
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.models import Project, Team
from toil import selectors, services
from toil.filters import ToilItemFilter
from toil.forms import QUICK_MINUTES, MoveForm, TimeLogForm, ToilItemForm, WipLimitsForm
from toil.models import CRITERIA_FIELDS, ToilItem


def _board_context(request: HtmxHttpRequest, queryset, *, can_edit, team: Team | None = None) -> dict:
    columns = selectors.board_columns(queryset, team=team)
    for column in columns:
        for item in column.items:
            item.editable = can_edit(item)
    return {
        "columns": columns,
        "statuses": ToilItem.Status.choices,
        "quick_minutes": QUICK_MINUTES,
        "can_edit": can_edit,
        "column_limit": selectors.BOARD_COLUMN_LIMIT,
        "wip_team": team,
        "may_set_limits": team is not None and permissions.can_set_team_limits(request.user, team),
    }


@require_GET
def board(request: HtmxHttpRequest) -> HttpResponse:
    items = ToilItemFilter(request.GET, queryset=ToilItem.objects.all())
    teams = list(Team.objects.order_by("name"))
    shares = selectors.team_weekly_share([team.pk for team in teams], weeks=8)
    chosen_team = items.form.cleaned_data.get("team") if items.is_bound and items.form.is_valid() else None
    context = {
        **_board_context(
            request, items.qs, can_edit=lambda item: permissions.can_edit_project(request.user, item.project), team=chosen_team,
        ),
        "filter": items,
        "team_shares": [(team, selectors.latest_complete_week(shares[team.pk])) for team in teams],
    }
    if chosen_team is not None:
        context.update(selectors.team_share_panel(chosen_team))
    template = "toil/board.html"
    if request.htmx and request.htmx.target == "board-area":
        template += "#board"
    return render(request, template, context)


@require_GET
def project_board(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    can_edit = permissions.can_edit_project(request.user, project)
    context = {
        **_board_context(request, ToilItem.objects.filter(project=project), can_edit=lambda item: can_edit, team=project.team),
        **selectors.team_share_panel(project.team),
        "project": project,
        "may_edit_project": can_edit,
    }
    return render(request, "toil/project_board.html", context)


def _criteria_from(data) -> dict[str, bool]:
    return {name: data.get(name) in ("on", "true", "1", "True") for name in CRITERIA_FIELDS}


@require_POST
def classify(request: HtmxHttpRequest) -> HttpResponse:
    """The toil-or-not helper: the class the six criteria suggest, as the form's checkboxes change."""
    criteria = _criteria_from(request.POST)
    suggestion = services.suggest_classification(**criteria)
    return render(
        request, "toil/item_form.html#suggestion",
        {"suggestion": ToilItem.Classification(suggestion), "criteria_count": sum(criteria.values())},
    )


def _remediation_initial(request: HtmxHttpRequest, project: Project) -> dict:
    """Opened from a decision's page (`?remediates=<id>`): the new item is that decision's remediation ticket."""
    adr = Adr.objects.filter(project=project, pk=request.GET.get("remediates") or 0).first() if request.method == "GET" else None
    if adr is None:
        return {}
    return {
        "remediates": adr, "title": _("Pay back %(code)s: %(title)s") % {"code": adr.code, "title": adr.title},
        "description": _("Remediation of a conscious and reckless decision; see %(code)s.") % {"code": adr.code},
    }


@require_http_methods(["GET", "POST"])
def item_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ToilItemForm(request.POST or None, team=project.team, project=project, initial=_remediation_initial(request, project))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.toil_item_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(title)s” added as %(class)s.") % {"title": item.title, "class": item.get_classification_display()}
            )
            return redirect(item)
    return _item_form_page(request, form=form, project=project, item=None)


@require_http_methods(["GET", "POST"])
def item_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ToilItem.objects.select_related("project__team"), pk=pk)
    project = item.project
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ToilItemForm(request.POST or None, instance=item, team=project.team, project=project)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ITEM_FIELDS}
        item.refresh_from_db()
        try:
            services.toil_item_update(actor=request.user, item=item, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(item)
    return _item_form_page(request, form=form, project=project, item=item)


def _item_form_page(request: HtmxHttpRequest, *, form: ToilItemForm, project: Project, item: ToilItem | None) -> HttpResponse:
    """The item form with its toil-or-not suggestion: from what was posted, else from the item as saved."""
    if request.method == "POST":
        criteria = _criteria_from(request.POST)
    else:
        criteria = {name: bool(item and getattr(item, name)) for name in CRITERIA_FIELDS}
    return render(
        request, "toil/item_form.html",
        {"form": form, "project": project, "item": item,
         "suggestion": ToilItem.Classification(services.suggest_classification(**criteria)),
         "criteria_count": sum(criteria.values())},
        status=400 if request.method == "POST" else 200,
    )


def _item_context(request: HtmxHttpRequest, item: ToilItem, log_form: TimeLogForm | None = None) -> dict:
    team = item.project.team
    can_edit = permissions.can_edit_project(request.user, item.project)
    return {
        "item": item,
        "project": item.project,
        "can_edit": can_edit,
        "can_see_authors": permissions.can_see_who_logged(request.user, team),
        "logs": selectors.item_logs(item),
        "totals": selectors.item_log_totals(item),
        "gain": selectors.item_gain(item),
        "moves": selectors.item_moves(item),
        "log_form": log_form or (TimeLogForm(team=team) if can_edit else None),
        "move_form": MoveForm(initial={"status": item.status}) if can_edit else None,
        "statuses": ToilItem.Status.choices,
        "quick_minutes": QUICK_MINUTES,
    }


@require_GET
def item_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ToilItem.objects.select_related("project__team", "owner"), pk=pk)
    return render(request, "toil/item_detail.html", _item_context(request, item))


@require_POST
def item_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ToilItem.objects.select_related("project__team", "owner"), pk=pk)
    if not permissions.can_edit_project(request.user, item.project):
        raise PermissionDenied
    form = MoveForm(request.POST)
    error_text, moved_from = "", item.status
    if form.is_valid():
        try:
            services.toil_item_move(actor=request.user, item=item, status=form.cleaned_data["status"])
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = _("Choose a column to move the card to.")
    team = item.project.team
    limits = selectors.wip(team)
    notice = _over_limit_notice(item, limits.get(item.status)) if item.status != moved_from else ""
    if request.htmx:
        item = selectors.board_items(ToilItem.objects.filter(pk=item.pk)).get()
        response = render(
            request, "toil/_card.html",
            {"item": item, "statuses": ToilItem.Status.choices, "quick_minutes": QUICK_MINUTES,
             "editable": True, "card_error": error_text, "card_notice": notice},
            status=400 if error_text else 200,
        )
        # The team's WIP lines follow the move (a board without them ignores these).
        for status, column in limits.items():
            response.content += render_to_string(
                "toil/_wip.html", {"status": status, "wip": column, "wip_team": team, "oob": True}, request=request
            ).encode()
        return response
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("Moved to %(status)s.") % {"status": item.get_status_display()})
        if notice:
            messages.warning(request, notice)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = item.get_absolute_url()  # only a page of this site: never an open redirect
    return redirect(back)


def _over_limit_notice(item: ToilItem, column: selectors.Wip | None) -> str:
    """Said after a move that leaves the team's column past its WIP limit: the move stands, the team sees it."""
    if column is None or column.level != "over":
        return ""
    return _("%(column)s now holds %(count)s of the team's items, over its WIP limit of %(limit)s: finish one before starting another.") % {
        "column": item.get_status_display(), "count": column.count, "limit": column.limit,
    }


@require_http_methods(["GET", "POST"])
def wip_limits(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The team's WIP limit per board column, set by its lead."""
    team = get_object_or_404(Team, slug=slug)
    if not permissions.can_set_team_limits(request.user, team):
        raise PermissionDenied
    form = WipLimitsForm(request.POST or None, initial=selectors.wip_limits(team))
    if request.method == "POST" and form.is_valid():
        try:
            services.wip_limits_set(actor=request.user, team=team, limits=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("WIP limits of %(team)s saved.") % {"team": team.name})
            return redirect(f"{reverse('toil:board')}?team={team.slug}")
    counts = selectors.wip_counts(team)
    rows = [(form[status], counts.get(status, 0)) for status in ToilItem.Status.values]
    return render(request, "toil/wip_limits.html", {"team": team, "form": form, "rows": rows},
                  status=400 if request.method == "POST" else 200)


@require_POST
def item_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ToilItem.objects.select_related("project__team", "owner"), pk=pk)
    if not permissions.can_edit_project(request.user, item.project):
        raise PermissionDenied
    form = TimeLogForm(request.POST, team=item.project.team)
    quick = request.POST.get("quick") == "1"
    if form.is_valid():
        try:
            services.time_log_create(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if request.htmx and quick:
        card = selectors.board_items(ToilItem.objects.filter(pk=item.pk)).get()
        return render(
            request, "toil/_card.html",
            {"item": card, "statuses": ToilItem.Status.choices, "quick_minutes": QUICK_MINUTES, "editable": True,
             "card_error": " ".join(e for errors in form.errors.values() for e in errors)},
            status=200 if not form.errors else 400,
        )
    if form.errors:
        return render(request, "toil/item_detail.html", _item_context(request, item, log_form=form), status=400)
    messages.success(request, _("Logged %(minutes)s minutes.") % {"minutes": form.cleaned_data["minutes"]})
    return redirect(reverse("toil:item_detail", kwargs={"pk": item.pk}))
