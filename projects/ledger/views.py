"""Ledger pages: one project's cost against value, and the portfolio-wide imports, rules and rates."""
import csv
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects import clock, permissions
from projects.common.spreadsheet import safe_row
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.ledger import imports, reference, selectors, services
from projects.common.money import exact_decimal
from projects.ledger.forms import (
    AllocationRuleForm,
    CostEntryForm,
    EntryFilterForm,
    ExchangeRateForm,
    FocusUploadForm,
    ValueEntryForm,
    VoidForm,
)
from projects.ledger.models import AllocationRule, CostEntry, FocusImport, ValueEntry
from projects.ledger.months import month_start
from projects.models import Project


def _filters(request: HtmxHttpRequest) -> tuple[EntryFilterForm, dict]:
    form = EntryFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


ENTRIES_PER_PAGE = 25


def _entry_page(request: HtmxHttpRequest, entries, parameter: str):
    """One page of a table of entries; `previous_query`/`next_query` keep the filters and the other table's page."""
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get(parameter))

    def query(number: int) -> str:
        params = request.GET.copy()
        for transient in ("figures", "since", "tries"):
            params.pop(transient, None)
        params[parameter] = number
        return params.urlencode()

    page.previous_query = query(page.previous_page_number()) if page.has_previous() else ""
    page.next_query = query(page.next_page_number()) if page.has_next() else ""
    return page


def _project_context(request: HtmxHttpRequest, project: Project, *, cost_form=None, value_form=None) -> dict:
    filter_form, filters = _filters(request)
    months = selectors.ledger_months(project)
    can_edit = permissions.can_edit_project(request.user, project)
    return {
        "project": project,
        "months": months,
        "chart": selectors.chart_data(months),
        "status": selectors.ledger_status(project),
        "unconverted": selectors.unconverted(project),
        "unallocated": selectors.unallocated_totals(),
        "cost_entries": _entry_page(request, selectors.cost_entries(project, filters), "costs_page"),
        "value_entries": _entry_page(request, selectors.value_entries(project, filters), "values_page"),
        "running_month": month_start(clock.today()),
        "filter_form": filter_form,
        "can_edit": can_edit,
        "cost_form": cost_form or (CostEntryForm() if permissions.can_record_cost(request.user, project) else None),
        "value_form": value_form or (ValueEntryForm() if can_edit else None),
        "base_currency": settings.PORTAL_BASE_CURRENCY,
        "window_months": settings.LEDGER_UNDERWATER_WINDOW_MONTHS,
    }


FIGURES_POLLS = 20  # about 15 s of waiting for the rollup; then the page says the figures will catch up


def _figures_poll(project: Project, since: datetime, tries: int) -> str:
    query = urlencode({"figures": 1, "since": since.isoformat(), "tries": tries})
    return f"{reverse('ledger:project_ledger', args=[project.slug])}?{query}"


def _figures(request: HtmxHttpRequest, project: Project) -> HttpResponse:
    """The figures again, once the rollup queued by a change has run (the page asks until it has)."""
    context = _project_context(request, project)
    since = parse_datetime(request.GET.get("since", ""))
    try:
        tries = max(1, int(request.GET.get("tries", "1")))
    except ValueError:
        tries = 1
    status = context["status"]
    if since is not None and (status is None or status.computed_at < since):
        if tries < FIGURES_POLLS:
            context["figures_poll"] = _figures_poll(project, since, tries + 1)
        else:
            context["figures_late"] = True
    return render(request, "ledger/project_ledger.html#figures", context)


@require_GET
def project_ledger(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if request.htmx and request.GET.get("figures"):
        return _figures(request, project)
    template = "ledger/project_ledger.html"
    if request.htmx and request.htmx.target == "ledger-entries":
        template += "#entries"
    return render(request, template, _project_context(request, project))


def _editable_project(request: HtmxHttpRequest, slug: str, rule=permissions.can_edit_project) -> Project:
    project = get_object_or_404(Project.objects.select_related("team"), slug=slug)
    if not rule(request.user, project):
        raise PermissionDenied
    return project


def _entry_response(
    request: HtmxHttpRequest, project: Project, *, status: int = 200, notice: str = "", since: datetime | None = None, **forms
) -> HttpResponse:
    if not request.htmx:
        if notice:
            (messages.success if status == 200 else messages.error)(request, notice)
        if status == 200 or not forms:
            return redirect("ledger:project_ledger", slug=project.slug)
        return render(request, "ledger/project_ledger.html", _project_context(request, project, **forms), status=status)
    # htmx swaps only 2xx answers by default: the partial carries the form errors with a 200.
    context = _project_context(request, project, **forms)
    context["notice"], context["notice_ok"] = notice, status == 200
    response = render(request, "ledger/project_ledger.html#entries", context)
    if status == 200 and since is not None:
        # The figures change with the entry once the rollup queued on commit has run (in Celery): they come
        # back out of band and ask again until it has.
        context["oob"], context["figures_poll"] = True, _figures_poll(project, since, 1)
        response.write(render(request, "ledger/project_ledger.html#figures", context).content)
    return response


@require_POST
def cost_entry_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = _editable_project(request, slug, permissions.can_record_cost)
    form = CostEntryForm(request.POST)
    started = clock.now()
    if form.is_valid():
        try:
            services.cost_entry_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _entry_response(request, project, notice=_("Cost recorded."), since=started)
    return _entry_response(request, project, status=400, cost_form=form)


@require_POST
def value_entry_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = _editable_project(request, slug)
    form = ValueEntryForm(request.POST)
    started = clock.now()
    if form.is_valid():
        try:
            services.value_entry_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _entry_response(request, project, notice=_("Value recorded."), since=started)
    return _entry_response(request, project, status=400, value_form=form)


def _void(request: HtmxHttpRequest, slug: str, model, pk: int, service) -> HttpResponse:
    project = _editable_project(request, slug)
    entry = get_object_or_404(model, pk=pk, project=project)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _entry_response(request, project, status=400, notice=_("Say why the entry is voided."))
    started = clock.now()
    try:
        service(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _entry_response(request, project, status=400, notice=" ".join(error.messages))
    return _entry_response(request, project, notice=_("Entry voided."), since=started)


@require_POST
def cost_entry_void(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _void(request, slug, CostEntry, pk, services.cost_entry_void)


@require_POST
def value_entry_void(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _void(request, slug, ValueEntry, pk, services.value_entry_void)


@require_GET
def project_ledger_csv(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-ledger.csv"'
    writer = csv.writer(response)
    writer.writerow(safe_row([
        "month", "cost_cloud", "cost_licences", "cost_people", "cost_toil", "cost_other", "cost_total",
        "value_total", "value_estimated", "ratio", "cumulative_cost", "cumulative_value", "trailing_cost",
        "trailing_value", "unconverted_entries", "currency", "phase",
    ]))
    for month in selectors.ledger_months(project):
        figures = [
            month.cost_cloud, month.cost_licences, month.cost_people, month.cost_toil, month.cost_other, month.cost_total,
            month.value_total, month.value_estimated, month.ratio, month.cumulative_cost, month.cumulative_value,
            month.trailing_cost, month.trailing_value,
        ]
        # Full precision, written plainly: no padding zeros, no exponent (0E-14) a spreadsheet misreads.
        writer.writerow(safe_row([
            month.month.strftime("%Y-%m"), *("" if figure is None else exact_decimal(figure) for figure in figures),
            month.unconverted_count, settings.PORTAL_BASE_CURRENCY, month.phase,
        ]))
    return response


def _home_context(request: HtmxHttpRequest, **forms) -> dict:
    imports = list(selectors.focus_imports())
    for focus_import in imports:
        focus_import.progress = selectors.focus_progress(focus_import)
    return {
        "imports": imports,
        "imports_running": any(not focus_import.is_finished for focus_import in imports),
        "rules": selectors.allocation_rules(),
        "rates": selectors.exchange_rates(),
        "unallocated": selectors.unallocated_totals(),
        "unallocated_groups": selectors.unallocated_groups(),
        "can_import": permissions.can_import_costs(request.user),
        "can_manage_rates": permissions.can_manage_exchange_rates(request.user),
        "upload_form": forms.get("upload_form") or FocusUploadForm(),
        "rule_form": forms.get("rule_form") or AllocationRuleForm(),
        "rate_form": forms.get("rate_form") or ExchangeRateForm(),
        "base_currency": settings.PORTAL_BASE_CURRENCY,
        "tag_key": settings.LEDGER_FOCUS_TAG_KEY,
    }


@require_GET
def ledger_home(request: HtmxHttpRequest) -> HttpResponse:
    context = _home_context(request)
    if request.htmx and request.htmx.target == "focus-imports":
        response = render(request, "ledger/home.html#imports", context)
        if not context["imports_running"]:
            # The poll saw the last import finish: reload once so the totals beside it are fresh too.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "ledger/home.html", context)


@require_POST
def focus_upload(request: HtmxHttpRequest) -> HttpResponse:
    if not permissions.can_import_costs(request.user):
        raise PermissionDenied
    form = FocusUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            imports.focus_import_start(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("File received: the import runs in the background."))
            return redirect("ledger:home")
    return render(request, "ledger/home.html", _home_context(request, upload_form=form), status=400)


@require_POST
def focus_void(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_import_costs(request.user):
        raise PermissionDenied
    focus_import = get_object_or_404(FocusImport, pk=pk)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("Say why the import is voided.")})
        imports.focus_import_void(actor=request.user, focus_import=focus_import, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Import voided."))
    return redirect("ledger:home")


@require_POST
def rule_add(request: HtmxHttpRequest) -> HttpResponse:
    if not permissions.can_manage_allocation(request.user):
        raise PermissionDenied
    form = AllocationRuleForm(request.POST)
    if form.is_valid():
        try:
            reference.allocation_rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rule added; unallocated costs were allocated again."))
            return redirect("ledger:home")
    return render(request, "ledger/home.html", _home_context(request, rule_form=form), status=400)


@require_POST
def rule_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_allocation(request.user):
        raise PermissionDenied
    reference.allocation_rule_delete(actor=request.user, rule=get_object_or_404(AllocationRule, pk=pk))
    messages.success(request, _("Rule removed. Costs already allocated stay with their project."))
    return redirect("ledger:home")


@require_POST
def rate_set(request: HtmxHttpRequest) -> HttpResponse:
    if not permissions.can_manage_exchange_rates(request.user):
        raise PermissionDenied
    form = ExchangeRateForm(request.POST)
    if form.is_valid():
        try:
            reference.exchange_rate_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Exchange rate saved; the ledger is recomputed."))
            return redirect("ledger:home")
    return render(request, "ledger/home.html", _home_context(request, rate_form=form), status=400)
