"""The JSON API at /api/v1/: token authentication, the error contract, idempotent writes, the portfolio
summary, and the routers each app contributes (`projects/api.py`, `projects/ledger/api.py`,
`projects/decommission/api.py`, `adr/api.py`, `toil/api.py`)."""
import functools
import json
import re
from datetime import date, timedelta
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from portal import portfolio, services
from projects.common.api import MAX_PAGE, Money, Ratio, Slug
from projects.ledger.months import trailing_window
from projects.models import Phase, Project
from projects.selectors import with_health

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
ERROR_STATUSES = {
    "400": "The request body is not valid JSON.",
    "401": "No valid token: send `Authorization: Bearer <token>`; the token may be revoked or expired.",
    "403": "The token's user or scope does not allow this.",
    "404": "Not found.",
    "422": "Invalid input: `field` names the field at fault.",
}


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    message: str
    field: str | None = None
    errors: list[FieldError] = []


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. Acts as the token's user; a read token may only read.

    Session cookies are never accepted, so a browser cannot be tricked into an API write (no CSRF hole).
    """

    def authenticate(self, request: HttpRequest, token: str):
        api_token = services.api_token_authenticate(secret=token.strip())
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise PermissionDenied(_("This token may only read: create a read-and-write token to change data."))
        # Setting request.user also names the user in the audit trail (pghistory's request wrapper).
        request.user = api_token.user
        request.api_token = api_token
        return api_token


class PortalNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any):
        """Document what every operation may answer: the error shape, and the idempotency header of writes."""
        schema = super().get_openapi_schema(**kwargs)
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema["components"].setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, "content": error_ref})
                if method.upper() not in SAFE_METHODS:
                    operation.setdefault("parameters", []).append(
                        {
                            "in": "header",
                            "name": IDEMPOTENCY_HEADER,
                            "required": False,
                            "description": "Any unique string per intended write. A retry with the same key "
                            "returns the first response and writes nothing again.",
                            "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "maxLength": 255},
                        }
                    )
        return schema


def _bearer_token(request: HttpRequest):
    """The active token the request carries, for the views that run before ninja's own authentication."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return services.api_token_authenticate(secret=secret.strip()) if scheme.lower() == "bearer" else None


def _docs_access(view):
    """The docs page and the OpenAPI document: for a logged-in person or a valid token, like the rest."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated or _bearer_token(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return _error_response(401, _("Log in or send `Authorization: Bearer <token>`."))
        return redirect_to_login(request.get_full_path())

    return wrapper


api = PortalNinjaAPI(
    title="ML governance portal API",
    version="1",
    description="Projects, their ledger (months, costs, value), decision records, the toil backlog, "
    "decommissions and the portfolio summary. "
    "Authenticate with a personal token (user menu → API tokens): `Authorization: Bearer <token>`.",
    auth=ApiTokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=_docs_access,
)


def _error_response(status: int, message: str, field: str | None = None, errors: list | None = None) -> HttpResponse:
    errors = errors if errors is not None else ([{"field": field, "message": message}] if field else [])
    response = JsonResponse({"message": message, "field": field, "errors": errors}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _field_from_location(location: list) -> str | None:
    # Ninja reports ("body", "payload", "name") or ("query", "team"): the client knows only the last part.
    names = [str(part) for part in location if part not in ("body", "query", "path", "header", "payload")]
    return ".".join(names) or None


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc: NinjaValidationError):
    errors = [
        {"field": _field_from_location(list(error.get("loc", []))), "message": str(error.get("msg", _("Invalid value.")))}
        for error in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": _("Invalid input.")}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return _error_response(422, message, first["field"], errors)


@api.exception_handler(DjangoValidationError)
def _service_refused(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    first = errors[0]
    return _error_response(422, first["message"], first["field"], errors)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return _error_response(403, str(exc) or _("You are not allowed to do this."))


@api.exception_handler(Http404)
def _missing(request, exc):
    return _error_response(404, str(exc) or _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def _missing_object(request, exc):
    return _error_response(404, _("Not found."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error_response(401, _("A valid token is required: send `Authorization: Bearer <token>`. It may be revoked or expired."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error_response(exc.status_code, exc.message)


SORT_KEYS = tuple(portfolio.SORTS)


class PortfolioFilters(Schema):
    team: Slug | None = Field(None, description="Slug of a team: only its projects in `projects`.")
    phase: Phase | None = None
    flag: Literal[tuple(portfolio.FLAGS)] | None = Field(None, description="Only the projects with this flag.")
    sort: Literal[(*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS))] = Field(
        "name", description="Column to sort `projects` by; a leading `-` sorts descending."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(portfolio.PAGE_SIZE, ge=1, le=200)


class PortfolioTotals(Schema):
    projects: int
    cost: Money = Field(..., description="Run cost of every project over the trailing window.")
    value: Money = Field(..., description="Realized value of every project over the trailing window.")
    ratio: Ratio | None = Field(..., description="Value ÷ cost; null without cost.")
    value_freed: Money = Field(..., description="Monthly run cost removed by decommissions completed this year.")
    toil_percent: int | None = Field(..., description="Toil hours ÷ capacity hours of all teams in their last full week.")


class PortfolioTeam(Schema):
    slug: str
    name: str
    toil_percent: int | None = Field(..., description="The team's toil share in its last complete week.", alias="percent")
    toil_level: Literal["ok", "warning", "alert", "none"] = Field(..., alias="level")
    capacity_hours: Money
    toil_hours: Money


class PortfolioAlertItem(Schema):
    label: str
    detail: str
    url: str = Field(..., description="Where to act.")
    action: str
    subject_url: str


class PortfolioAlert(Schema):
    kind: str
    title: str
    items: list[PortfolioAlertItem]
    more_url: str


class PortfolioProject(Schema):
    slug: str
    name: str
    team: str
    team_name: str
    phase: Phase
    cost: Money = Field(..., description="Run cost over the trailing window.")
    value: Money = Field(..., description="Realized value over the trailing window.")
    ratio: Ratio | None
    underwater: bool = Field(
        ..., description="In run, with a full window of run months whose run cost exceeded their realized value."
    )
    underwater_since: date | None = Field(..., description="The first run month of the current underwater stretch.")
    run_months: int = Field(..., description="Run months in the window: fewer than the window is not enough run history.")
    zombie: bool = Field(..., description="Retired, and costs dated after the retirement keep arriving.")
    toil_minutes: int = Field(..., description="Toil minutes logged over the trailing window.")
    team_toil_percent: int | None
    decommission_id: int | None = Field(..., description="The open decommission request, if any.")
    decommission_state: str | None
    open_decisions: int = Field(
        ..., description="Conscious and reckless decisions in force (proposed or accepted; not rejected, superseded or deprecated)."
    )
    overdue_decisions: int = Field(..., description="Reckless decisions in force past their revisit date, remediation unfinished.")
    unremediated_decisions: int = Field(..., description="Reckless decisions in force with no remediation ticket.")
    stale_adrs: int = Field(..., description="Proposed records left undecided too long.")
    health: int | None = Field(..., description="Health checklist score, 0 to 100.")
    url: str

    @staticmethod
    def resolve_team(project: Project) -> str:
        return project.team.slug

    @staticmethod
    def resolve_team_name(project: Project) -> str:
        return project.team.name

    @staticmethod
    def resolve_url(project: Project) -> str:
        return f"/projects/{project.slug}/"


class PortfolioPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PortfolioProject]


class PortfolioOut(Schema):
    currency: str = Field(..., description="The base currency every amount is converted to.")
    window_start: date = Field(..., description="First day of the trailing window of complete months.")
    window_end: date = Field(..., description="Last day of the trailing window.")
    totals: PortfolioTotals
    teams: list[PortfolioTeam]
    alerts: list[PortfolioAlert] = Field(..., description="What needs a decision, as on the portfolio page.")
    projects: PortfolioPage


@api.get("/portfolio", response=PortfolioOut, tags=["portfolio"], summary="Read the portfolio summary")
def portfolio_summary(request, filters: Query[PortfolioFilters]) -> dict:
    """The figures and flags of the portfolio page: totals, each team's toil share, the alerts, and the
    projects (filtered, sorted and paginated like the page's table)."""
    base = portfolio.portfolio_queryset()
    overview = portfolio.portfolio_overview(base=base)
    chosen = portfolio.Filters(
        team=filters.team or "", phase=filters.phase or "", flag=filters.flag or "",
        sort=filters.sort.lstrip("-"), descending=filters.sort.startswith("-"), page=filters.page,
    )
    projects = with_health(portfolio.apply_filters(base, chosen))
    offset = (filters.page - 1) * filters.page_size
    page = list(projects[offset:offset + filters.page_size])
    shares, toil = overview["shares"], {row["pk"]: row["toil_minutes"] for row in overview["rows"]}
    for project in page:
        share = shares.get(project.team_id)
        project.team_toil_percent = share.percent if share else None
        project.toil_minutes = toil.get(project.pk, 0)
    summary, (start, end) = overview["totals"], trailing_window()
    return {
        "currency": settings.PORTAL_BASE_CURRENCY,
        "window_start": start,
        "window_end": end - timedelta(days=1),
        "totals": {
            "projects": summary.projects, "cost": summary.cost, "value": summary.value, "ratio": summary.ratio,
            "value_freed": summary.value_freed, "toil_percent": summary.toil_percent,
        },
        "teams": list(shares.values()),
        "alerts": overview["alerts"],
        "projects": {
            "count": len(overview["rows"]) if not chosen.active else projects.count(),
            "page": filters.page, "page_size": filters.page_size, "items": page,
        },
    }


def _register_routers() -> None:
    from adr.api import project_router as adr_project_router
    from adr.api import router as adr_router
    from projects.api import router as projects_router
    from projects.decommission.api import router as decommissions_router
    from projects.ledger.api import router as ledger_router
    from toil.api import router as toil_router

    api.add_router("/projects/", projects_router)
    api.add_router("/projects/", ledger_router)
    api.add_router("/projects/", adr_project_router)
    api.add_router("/adrs/", adr_router)
    api.add_router("/toil/", toil_router)
    api.add_router("/decommissions/", decommissions_router)


_register_routers()


class _RolledBack(Exception):
    """Carries a refused response out of the idempotency transaction, so nothing of it is kept."""

    def __init__(self, response: HttpResponse):
        self.response = response


def _idempotent(view):
    """Writes with an `Idempotency-Key` run once per user and key; a retry gets the stored response."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method in SAFE_METHODS or key is None:
            return view(request, *args, **kwargs)
        if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
            return _error_response(
                422, _("The Idempotency-Key is 1 to 255 visible ASCII characters."), IDEMPOTENCY_HEADER
            )
        token = _bearer_token(request)
        if token is None or not token.can_write:
            return view(request, *args, **kwargs)

        def write() -> tuple[int, Any]:
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                raise _RolledBack(response)
            return response.status_code, json.loads(response.content) if response.content else None

        fingerprint = services.request_fingerprint(method=request.method, path=request.get_full_path(), body=request.body)
        try:
            stored = services.idempotent_write(user=token.user, key=key, fingerprint=fingerprint, write=write)
        except _RolledBack as refused:
            return refused.response
        except DjangoValidationError as exc:
            return _service_refused(request, exc)
        if stored.body is None:
            response = HttpResponse(status=stored.status_code)
        else:
            response = JsonResponse(stored.body, status=stored.status_code, safe=False)
        if stored.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    return wrapper


def _api_view(view):
    # The API authenticates every request by token: the login redirect would only confuse scripts.
    return login_not_required(_idempotent(view))


def _wrap(patterns: list) -> list:
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            pattern.url_patterns[:] = _wrap(pattern.url_patterns)
            wrapped.append(pattern)
        elif isinstance(pattern, URLPattern):
            wrapped.append(URLPattern(pattern.pattern, _api_view(pattern.callback), pattern.default_args, pattern.name))
    return wrapped


def urls() -> tuple[list, str, str]:
    patterns, app_name, namespace = api.urls
    return _wrap(patterns), app_name, namespace
