"""Decommission pages: the list, the request form, and one request with its evidence, decision,
checklist (ticked with htmx) and timeline."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import permissions
from projects.decommission import selectors, services
from projects.decommission.forms import AssignForm, CancelForm, DecisionForm, ItemForm, RequestForm, StateFilterForm
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.models import Project


@require_GET
def decommission_list(request: HtmxHttpRequest) -> HttpResponse:
    form = StateFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else None
    return render(request, "decommission/list.html", {
        "form": form,
        "requests": selectors.decommission_list(request.user, state or None),
    })


@require_http_methods(["GET", "POST"])
def decommission_new(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if not permissions.can_request_decommission(request.user, project):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decommission = services.decommission_request(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decommission requested. A manager will review the evidence."))
            return redirect(decommission)
    status = 400 if request.method == "POST" else 200
    return render(request, "decommission/new.html", {"project": project, "form": form}, status=status)


def _get(pk: int) -> DecommissionRequest:
    return get_object_or_404(DecommissionRequest.objects.select_related("project", "project__team", "requested_by", "decided_by"), pk=pk)


def _context(request: HtmxHttpRequest, decommission: DecommissionRequest, **forms) -> dict:
    user = request.user
    can_work = permissions.can_work_decommission_item(user, decommission.project)
    can_steer = permissions.can_steer_decommission(user, decommission.project)
    working = decommission.state in (DecommissionRequest.State.APPROVED, DecommissionRequest.State.IN_PROGRESS)
    items = list(decommission.checklist.select_related("assignee", "done_by"))
    for item in items:
        item.editable = working and can_work
    can_decide = (
        decommission.state == DecommissionRequest.State.PROPOSED
        and permissions.is_manager(user) and user.pk != decommission.requested_by_id
    )
    return {
        "decommission": decommission,
        "project": decommission.project,
        "items": items,
        "events": decommission.timeline.select_related("actor"),
        "statuses": ChecklistItem.Status.choices,
        "assign_form": AssignForm(request=decommission) if working and can_steer else None,
        "decision_form": forms.get("decision_form") or (DecisionForm() if can_decide else None),
        "cancel_form": forms.get("cancel_form") or (
            CancelForm() if decommission.is_open and can_steer else None
        ),
        "can_complete": working and can_work and all(item.status != ChecklistItem.Status.OPEN for item in items),
        "manager_requested": user.pk == decommission.requested_by_id and permissions.is_manager(user),
        "zombies": selectors.zombie_costs(decommission.project) if decommission.state == DecommissionRequest.State.COMPLETED else [],
        "item_error": forms.get("item_error"),
    }


@require_GET
def decommission_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "decommission/detail.html", _context(request, _get(pk)))


@require_POST
def decommission_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decommission = _get(pk)
    if not permissions.is_manager(request.user) or request.user.pk == decommission.requested_by_id:
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        action = services.decommission_approve if form.cleaned_data["decision"] == "approve" else services.decommission_reject
        try:
            action(actor=request.user, request=decommission, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(decommission)
    return render(request, "decommission/detail.html", _context(request, _get(pk), decision_form=form), status=400)


@require_POST
def decommission_complete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decommission = _get(pk)
    if not permissions.can_work_decommission_item(request.user, decommission.project):
        raise PermissionDenied
    try:
        services.decommission_complete(actor=request.user, request=decommission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decommission completed: %(project)s is retired.") % {"project": decommission.project.name})
    return redirect(decommission)


@require_POST
def decommission_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decommission = _get(pk)
    if not permissions.can_steer_decommission(request.user, decommission.project):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.decommission_cancel(actor=request.user, request=decommission, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request cancelled."))
            return redirect(decommission)
    return render(request, "decommission/detail.html", _context(request, _get(pk), cancel_form=form), status=400)


@require_POST
def checklist_item(request: HtmxHttpRequest, pk: int, item_id: int) -> HttpResponse:
    decommission = _get(pk)
    item = get_object_or_404(ChecklistItem, pk=item_id, request=decommission)
    if not permissions.can_work_decommission_item(request.user, decommission.project):
        raise PermissionDenied
    form = ItemForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.checklist_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            error = (item.pk, " ".join(exc.messages))
    else:
        error = (item.pk, _("Choose a status."))
    if error and not request.htmx:
        messages.error(request, error[1])
    if request.htmx:
        return render(request, "decommission/detail.html#checklist", _context(request, _get(pk), item_error=error))
    return redirect(decommission)


@require_POST
def checklist_assign(request: HtmxHttpRequest, pk: int, item_id: int) -> HttpResponse:
    decommission = _get(pk)
    item = get_object_or_404(ChecklistItem, pk=item_id, request=decommission)
    if not permissions.can_steer_decommission(request.user, decommission.project):
        raise PermissionDenied
    form = AssignForm(request.POST, request=decommission)
    if form.is_valid():
        try:
            services.checklist_item_assign(actor=request.user, item=item, assignee=form.cleaned_data["assignee"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a member of the project's team."))
    if request.htmx:
        return render(request, "decommission/detail.html#checklist", _context(request, _get(pk)))
    return redirect(decommission)
