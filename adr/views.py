"""Decision pages: a project's records, one record (review, comments, history, diff), the editor with
its live preview, the import upload, and the portfolio-wide /decisions/ list."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adr import diff, exporters, importers, selectors, services
from adr.forms import (
    AdrForm, CommentForm, ConflictForm, DecisionFilterForm, ImportForm, MatrixFilterForm, MoveForm, PlacementForm, ReviewForm, TicketForm,
    content_of,
)
from adr.models import Adr, AdrRevision, Cell, Comment, OneOffTicket, Status
from projects import permissions
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.common.markdown import render_markdown
from projects.models import Project



def _project(slug: str) -> Project:
    return get_object_or_404(Project.objects.select_related("team"), slug=slug)


def _adr(project: Project, number: int) -> Adr:
    try:
        return selectors.adr_detail(project, number)
    except Adr.DoesNotExist:
        raise Http404 from None


@require_GET
def adr_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = _project(slug)
    return render(request, "adr/adr_list.html", {
        "project": project, "adrs": selectors.project_adrs(project), "can_edit": permissions.can_edit_project(request.user, project),
    })


def _detail_context(request: HtmxHttpRequest, adr: Adr, **extra) -> dict:
    maker_ids = {user.pk for user in adr.decision_makers.all()}
    can_review = adr.is_proposed and permissions.can_review_decision(
        request.user, project=adr.project, author_id=adr.author_id, decision_maker_ids=maker_ids
    )
    comments = [
        (comment, permissions.can_remove_comment(request.user, project=adr.project, comment_author_id=comment.author_id))
        for comment in adr.comments.all()
    ]
    revisions = list(adr.revisions.all())
    placements = list(adr.placements.all())
    can_place = permissions.can_edit_project(request.user, adr.project) or permissions.can_approve(request.user)
    current = placements[-1] if placements else None
    tickets = list(adr.remediation_tickets.order_by("pk"))
    one_off_tickets = list(adr.one_off_tickets.select_related("owner").with_late_flag())
    shortcut = current is not None and current.cell == Cell.CONSCIOUS_RECKLESS
    return {
        "tickets": tickets, "one_off_tickets": one_off_tickets, "shortcut": shortcut, **selectors.remediation_flags(adr),
        "placements": placements[::-1], "placement": placements[-1] if placements else None, "can_place": can_place,
        # Re-judging starts from the answers given last time.
        "placement_form": extra.pop("placement_form", None) or (
            PlacementForm(initial=current.answers if current else None) if can_place else None
        ),
        "adr": adr, "project": adr.project, "comments": comments, "revisions": revisions,
        "can_edit": permissions.can_edit_project(request.user, adr.project), "can_review": can_review,
        "review_form": extra.pop("review_form", None) or (ReviewForm() if can_review else None),
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        **extra,
    }


@require_GET
def adr_detail(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    adr = _adr(_project(slug), number)
    return render(request, "adr/adr_detail.html", _detail_context(request, adr))


PREVIEWED_FIELDS = ("context", "drivers", "outcome", "consequences", "confirmation", "more_information")


def _preview(values, options: list[dict]) -> dict:
    """The markdown fields, options and chosen option as the record page will show them."""
    text = {name: str(values.get(name) or "") for name in ("title", "chosen_option", *PREVIEWED_FIELDS)}
    return {
        "fields": [(AdrForm.base_fields[name].label, render_markdown(text[name])) for name in PREVIEWED_FIELDS if text[name].strip()],
        "title": text["title"], "options": [option for option in options if option["title"].strip()],
        "chosen_option": text["chosen_option"].strip(),
    }


def _form_context(project: Project, form: AdrForm, adr: Adr | None = None, **extra) -> dict:
    options = form.options_from_data()
    # The preview shows the text being edited from the start, not only once someone types.
    preview = _preview(form.data if form.is_bound else form.initial, options)
    return {"project": project, "form": form, "adr": adr, "options": options or [{}], "preview": preview, **extra}


@require_http_methods(["GET", "POST"])
def adr_new(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = _project(slug)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    if request.method == "GET":
        initial = {"decision_makers": [request.user.pk]}
        supersede = request.GET.get("supersedes", "")
        if supersede.isdigit():
            initial["supersedes"] = list(Adr.objects.filter(project=project, number=int(supersede)).values_list("pk", flat=True))
        form = AdrForm(project=project, initial=initial)
        return render(request, "adr/adr_form.html", _form_context(project, form))
    form = AdrForm(request.POST, project=project)
    if form.is_valid():
        try:
            adr = services.adr_create(actor=request.user, project=project, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(code)s saved as proposed.") % {"code": adr.code})
            return redirect(adr)
    return render(request, "adr/adr_form.html", _form_context(project, form), status=400)


def _editable(adr: Adr) -> dict:
    """The record's editable fields as the editor holds them."""
    return {
        **{name: getattr(adr, name) for name in (*services.TEXT_FIELDS, "decided_on", "options", *services.LIST_FIELDS)},
        **{name: list(getattr(adr, name).all()) for name in (*services.PEOPLE_FIELDS, "supersedes", "relates_to")},
    }


def _initial(adr: Adr) -> dict:
    return {**_editable(adr), "version": adr.version}


def _conflict(adr: Adr, base_version: int, mine: dict, data=None) -> dict:
    """The saved record (theirs) beside the editor's fields (mine), for each field where they differ, with
    the choice between the two: bound to `data` once the editor has chosen."""
    revisions = {
        revision.version: revision
        for revision in AdrRevision.objects.filter(adr=adr, version__in=[base_version, adr.version]).select_related("changed_by")
    }
    base = revisions[base_version].content if base_version in revisions else None
    found = diff.conflicts(base, content_of(_editable(adr)), content_of(mine))
    choices = ConflictForm(data, conflicts=found)
    return {
        "entries": [(entry, choices[entry["field"]]) for entry in found], "choices": choices,
        "version": adr.version, "saved": revisions.get(adr.version),
    }


@require_http_methods(["GET", "POST"])
def adr_edit(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """The editor. A save based on an older version than the record's is refused (409) and shows, side by
    side, the saved version and the editor's for each field where they differ, with a choice for each.
    The form then carries the record's version and `base_version`, the version the editor started from;
    saving it applies the choices, so a field keeps the other person's change unless the editor chose
    otherwise. Another save in the meantime shows a new conflict; a form still carrying the old version
    is refused again."""
    project = _project(slug)
    adr = _adr(project, number)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    if request.method == "GET":
        form = AdrForm(project=project, adr=adr, initial=_initial(adr))
        return render(request, "adr/adr_form.html", _form_context(project, form, adr))
    form = AdrForm(request.POST, project=project, adr=adr)
    if not form.is_valid():
        return render(request, "adr/adr_form.html", _form_context(project, form, adr), status=400)
    mine, version, base_version = form.service_fields(), form.cleaned_data["version"] or 0, form.cleaned_data["base_version"]
    reason = form.cleaned_data.get("reason", "")
    fields, conflict = mine, None
    if base_version is not None and version == adr.version:
        conflict = _conflict(adr, base_version, mine, data=request.POST)
        if not conflict["choices"].is_valid():
            return render(request, "adr/adr_form.html", _form_context(project, form, adr, conflict=conflict), status=409)
        fields = conflict["choices"].resolved(theirs=_editable(adr), mine=mine)
    try:
        services.adr_update(actor=request.user, adr=adr, expected_version=version, reason=reason, **fields)
    except services.AdrConflict as error:
        # Shown against the version the editor started from, with their own text: choices made against a
        # version that is no longer the latest are asked again where both sides changed a field.
        adr = _adr(project, number)
        since = base_version if base_version is not None else error.since_version
        form = AdrForm(project=project, adr=adr, initial={**mine, "reason": reason, "version": adr.version, "base_version": since})
        return render(request, "adr/adr_form.html", _form_context(project, form, adr, conflict=_conflict(adr, since, mine)), status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "adr/adr_form.html", _form_context(project, form, adr, conflict=conflict), status=409 if conflict else 400)
    messages.success(request, _("%(code)s saved.") % {"code": adr.code})
    return redirect(adr)


@require_POST
def adr_preview(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The live preview, drawn again as the editor types."""
    options = AdrForm(request.POST, project=_project(slug)).options_from_data()
    return render(request, "adr/_preview.html", _preview(request.POST, options))


@require_POST
def adr_review(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    adr = _adr(_project(slug), number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.adr_review(actor=request.user, adr=adr, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(code)s is now %(status)s.") % {"code": adr.code, "status": Status(form.cleaned_data["verdict"]).label})
            return redirect(adr)
    elif not permissions.can_review_decision(request.user, project=adr.project, author_id=adr.author_id,
                                             decision_maker_ids={user.pk for user in adr.decision_makers.all()}):
        raise PermissionDenied
    return render(request, "adr/adr_detail.html", _detail_context(request, adr, review_form=form), status=400)


@require_POST
def adr_place(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    adr = _adr(_project(slug), number)
    if not (permissions.can_edit_project(request.user, adr.project) or permissions.can_approve(request.user)):
        raise PermissionDenied
    form = PlacementForm(request.POST)
    if form.is_valid():
        try:
            placement = services.placement_set(
                actor=request.user, adr=adr, cell=form.cleaned_data["cell"], answers=form.answers(),
                reason=form.cleaned_data["reason"], revisit_by=form.cleaned_data["revisit_by"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(code)s placed as %(cell)s.") % {"code": adr.code, "cell": placement.get_cell_display()})
            return redirect(f"{adr.get_absolute_url()}#placement")
    return render(request, "adr/adr_detail.html", _detail_context(request, adr, placement_form=form), status=400)


def _editable_adr(request: HtmxHttpRequest, slug: str, number: int) -> Adr:
    adr = _adr(_project(slug), number)
    if not permissions.can_edit_project(request.user, adr.project):
        raise PermissionDenied
    return adr


def _ticket(adr: Adr, pk: int) -> OneOffTicket:
    return get_object_or_404(OneOffTicket.objects.select_related("owner"), adr=adr, pk=pk)


def _ticket_form_page(request: HtmxHttpRequest, adr: Adr, form: TicketForm, ticket: OneOffTicket | None = None, status: int = 200):
    return render(request, "adr/ticket_form.html", {"adr": adr, "project": adr.project, "form": form, "ticket": ticket}, status=status)


@require_http_methods(["GET", "POST"])
def ticket_new(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """A one-off remediation ticket: a due date and an optional link, no frequency or minutes."""
    adr = _editable_adr(request, slug, number)
    form = TicketForm(request.POST or None, team=adr.project.team, initial={
        "title": _("Pay back %(code)s: %(title)s") % {"code": adr.code, "title": adr.title}, "owner": request.user.pk,
    })
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(actor=request.user, adr=adr, **form.ticket_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket “%(title)s” added to %(code)s.") % {"title": ticket.title, "code": adr.code})
            return redirect(ticket.get_absolute_url())
    return _ticket_form_page(request, adr, form, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def ticket_edit(request: HtmxHttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    adr = _editable_adr(request, slug, number)
    ticket = _ticket(adr, pk)
    form = TicketForm(request.POST or None, team=adr.project.team, initial={
        "title": ticket.title, "due_on": ticket.due_on, "link": ticket.link, "owner": ticket.owner_id,
        "updated_at": ticket.updated_at.isoformat(),
    })
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_update(
                actor=request.user, ticket=ticket, expected_updated_at=form.cleaned_data["updated_at"], **form.ticket_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket “%(title)s” saved.") % {"title": ticket.title})
            return redirect(ticket.get_absolute_url())
    return _ticket_form_page(request, adr, form, ticket, status=400 if request.method == "POST" else 200)


@require_POST
def ticket_done(request: HtmxHttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    """Mark a one-off ticket done (`done=1`) or open it again (`done=0`)."""
    ticket = _ticket(_editable_adr(request, slug, number), pk)
    done = request.POST.get("done") == "1"
    services.ticket_set_done(actor=request.user, ticket=ticket, done=done)
    messages.success(request, (_("“%(title)s” is done.") if done else _("“%(title)s” is open again.")) % {"title": ticket.title})
    return redirect(ticket.get_absolute_url())


@require_POST
def placement_suggest(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """The questionnaire's suggestion, shown as the answers change."""
    form = PlacementForm(request.POST)
    form.is_valid()
    return HttpResponse(Cell(services.suggest_cell(form.answers())).label)


@require_POST
def comment_add(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    adr = _adr(_project(slug), number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, adr=adr, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{adr.get_absolute_url()}#comments")
    return render(request, "adr/adr_detail.html", _detail_context(request, adr, comment_form=form), status=400)


@require_POST
def comment_remove(request: HtmxHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    project = _project(slug)
    comment = get_object_or_404(Comment.objects.select_related("adr__project"), pk=comment_id, adr__project=project, adr__number=number)
    services.comment_remove(actor=request.user, comment=comment)
    messages.success(request, _("Comment removed."))
    return redirect(f"{comment.adr.get_absolute_url()}#comments")


@require_GET
def adr_diff(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    adr = _adr(_project(slug), number)
    versions = [revision.version for revision in adr.revisions.all()]
    try:
        new = int(request.GET.get("to", adr.version))
        old = int(request.GET.get("from", new - 1))
    except ValueError:
        raise Http404 from None
    if old not in versions or new not in versions:
        raise Http404
    return render(request, "adr/adr_diff.html", {
        "adr": adr, "project": adr.project, "old": old, "new": new, "versions": versions, "diffs": diff.versions_diff(adr, old, new),
    })


@require_GET
def adr_madr(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """One decision as a MADR file, the text `export_adrs` writes."""
    return exporters.markdown_download(_adr(_project(slug), number))


@require_GET
def adr_export(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """All of a project's decisions as a zip of MADR files, ready for `import_adrs` or a repository."""
    return exporters.zip_download(_project(slug))


@require_http_methods(["GET", "POST"])
def adr_import(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = _project(slug)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    reports = None
    if request.method == "POST" and form.is_valid():
        try:
            reports = services.adr_import(actor=request.user, project=project, files=importers.uploaded_files(form.cleaned_data["files"]))
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" and reports is None else 200
    return render(request, "adr/adr_import.html", {"project": project, "form": form, "reports": reports}, status=status)


@require_GET
def decision_list(request: HtmxHttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET)
    form.is_valid()
    filters = {name: (form.cleaned_data.get(name) or "").strip() for name in ("q", "project", "team", "status", "tag", "maker")}
    page = Paginator(selectors.decision_list(**filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "filters": filters, "choices": selectors.filter_choices(), "statuses": Status.choices,
        "query": query.urlencode(), "stale": selectors.stale_adrs()[:10],
    }
    template = "adr/decision_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _matrix_context(request: HtmxHttpRequest, move_form: MoveForm | None = None) -> dict:
    form = MatrixFilterForm(request.GET)
    form.is_valid()
    filters = {name: form.cleaned_data.get(name) or "" for name in ("team", "project", "since", "until", "cell")}
    query = request.GET.copy()
    query.pop("cell", None)
    return {
        **selectors.matrix(**{name: value or None if name in ("since", "until") else value for name, value in filters.items()}),
        "filters": filters, "choices": selectors.filter_choices(), "query": query.urlencode(),
        "chart": selectors.matrix_by_quarter(team=filters["team"], project=filters["project"]),
        "move_form": move_form or MoveForm(), "cell_choices": Cell.choices,
    }


@require_GET
def decision_matrix(request: HtmxHttpRequest) -> HttpResponse:
    context = _matrix_context(request)
    template = "adr/matrix.html"
    if request.htmx and context["listed"] is not None:
        template += "#listed"
    return render(request, template, context)


@require_POST
def decision_matrix_move(request: HtmxHttpRequest) -> HttpResponse:
    """Move a card to another cell (drag and drop or the menu): a new, dated and signed placement."""
    form = MoveForm(request.POST)
    if form.is_valid():
        adr = form.cleaned_data["adr"]
        try:
            services.placement_set(
                actor=request.user, adr=adr, cell=form.cleaned_data["cell"], reason=form.cleaned_data["reason"],
                revisit_by=form.cleaned_data["revisit_by"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(code)s of %(project)s moved to %(cell)s.") % {
                "code": adr.code, "project": adr.project.name, "cell": Cell(form.cleaned_data["cell"]).label,
            })
            return redirect(f"{reverse('adr:matrix')}?{request.GET.urlencode()}")
    return render(request, "adr/matrix.html", _matrix_context(request, move_form=form), status=400)
