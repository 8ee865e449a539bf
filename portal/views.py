"""The home page ("my work"), the search, the portfolio and its CSV export, the login page, the error pages, and the
user's API tokens."""
import csv
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal import portfolio, search, selectors, services
from portal.forms import ApiTokenForm
from projects.common.forms import add_service_errors
from projects.common.http import HtmxHttpRequest
from projects.common.spreadsheet import safe_row
from projects.models import Project, Team
from projects.selectors import with_health
from toil.selectors import team_shares, toil_minutes_by_project


@method_decorator(login_not_required, name="dispatch")
class PortalLoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", selectors.my_work(request.user))


@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    """/search/?q=…: the whole page, or, asked by the top bar's box as you type, the few best of each group."""
    q = request.GET.get("q", "").strip()[:200]
    compact = bool(request.htmx) and request.htmx.target == "search-suggestions"
    groups = search.search(q, per_group=search.AS_YOU_TYPE if compact else search.ON_THE_PAGE)
    context = {"q": q, "groups": groups, "compact": compact}
    if compact:
        return render(request, "portal/_search_results.html", context)
    return render(request, "portal/search.html", context)


_COLUMNS = (
    ("name", gettext_lazy("Project"), False), ("team", gettext_lazy("Team"), False), ("phase", gettext_lazy("Phase"), False),
    ("cost", gettext_lazy("Run cost"), True), ("value", gettext_lazy("Value"), True), ("ratio", gettext_lazy("Value ÷ cost"), True),
    (None, gettext_lazy("12 months"), False), ("toil", gettext_lazy("Toil h"), True), (None, gettext_lazy("Team toil"), True),
    ("decisions", gettext_lazy("Reckless decisions"), True), ("health", gettext_lazy("Health"), True), (None, gettext_lazy("Flags"), False),
)


def _headers(filters: portfolio.Filters) -> list[dict]:
    return [
        {"label": label, "numeric": numeric, "active": column == filters.sort,
         "query": filters.sort_query(column) if column else None}
        for column, label, numeric in _COLUMNS
    ]


@require_GET
def portfolio_page(request: HtmxHttpRequest) -> HttpResponse:
    base = portfolio.portfolio_queryset()
    overview = portfolio.cached_overview(base=base)
    filters = portfolio.Filters.from_query(request.GET, {team.slug for team in overview["teams"]})
    page = portfolio.table_page(base, filters)
    shares, toil = overview["shares"], {row["pk"]: row["toil_minutes"] for row in overview["rows"]}
    for project in page:
        project.team_share = shares.get(project.team_id)
        project.toil_minutes = toil.get(project.pk, 0)
    context = {
        **overview,
        "alerts": portfolio.alerts_for(request.user, overview["alerts"]),
        "filters": filters,
        "page": page,
        "sparklines": portfolio.sparklines([project.pk for project in page]),
        "phases": Project.Phase.choices,
        "flags": portfolio.FLAGS.items(),
        "export_query": filters.query(page=1),
        "headers": _headers(filters),
        "previous_query": filters.query(page=page.number - 1),
        "next_query": filters.query(page=page.number + 1),
    }
    return render(request, "portal/portfolio.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def portfolio_csv(request: HtmxHttpRequest) -> StreamingHttpResponse:
    teams = list(Team.objects.order_by("name"))
    filters = portfolio.Filters.from_query(request.GET, {team.slug for team in teams})
    queryset = with_health(portfolio.apply_filters(portfolio.portfolio_queryset(), filters))
    writer = csv.writer(_Echo())
    rows = portfolio.csv_rows(
        queryset, team_shares(teams), toil_minutes_by_project(), request.build_absolute_uri("/").rstrip("/")
    )
    response = StreamingHttpResponse((writer.writerow(safe_row(row)) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
    return response


def permission_denied(request: HtmxHttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HtmxHttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def _tokens_context(request: HtmxHttpRequest, form: ApiTokenForm | None = None, new_token: services.NewToken | None = None) -> dict:
    return {"tokens": selectors.api_tokens_of(request.user), "form": form or ApiTokenForm(), "new_token": new_token}


@require_GET
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "portal/api_tokens.html", _tokens_context(request))


@require_POST
def api_token_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            new_token = services.api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is shown in this response only, never stored or cached anywhere.
            response = render(request, "portal/api_tokens.html", _tokens_context(request, new_token=new_token))
            add_never_cache_headers(response)
            return response
    return render(request, "portal/api_tokens.html", _tokens_context(request, form), status=400)


@require_POST
def api_token_revoke(request: HtmxHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("portal:api_tokens")
