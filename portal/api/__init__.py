"""The JSON API at /api/v1/: token authentication (`auth`), the error contract (`errors`), idempotent writes
(`idempotency`), the portfolio summary (`portfolio`), and the routers each app contributes (`projects/api.py`,
`projects/ledger/api.py`, `projects/decommission/api.py`, `adr/api.py`, `toil/api.py`)."""
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from portal.api import errors
from portal.api.auth import SAFE_METHODS, ApiTokenAuth, docs_access
from portal.api.errors import ERROR_STATUSES, ErrorOut
from portal.api.idempotency import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, idempotent
from portal.api.portfolio import router as portfolio_router


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
    docs_decorator=docs_access,
)
errors.install(api)


def _register_routers() -> None:
    from adr.api import project_router as adr_project_router
    from adr.api import router as adr_router
    from projects.api import router as projects_router
    from projects.api import teams_router
    from projects.decommission.api import router as decommissions_router
    from projects.ledger.api import reference_router as ledger_reference_router
    from projects.ledger.api import router as ledger_router
    from toil.api import router as toil_router

    api.add_router("/", portfolio_router)
    api.add_router("/projects/", projects_router)
    api.add_router("/projects/", ledger_router)
    api.add_router("/projects/", adr_project_router)
    api.add_router("/adrs/", adr_router)
    api.add_router("/toil/", toil_router)
    api.add_router("/decommissions/", decommissions_router)
    api.add_router("/ledger/", ledger_reference_router)
    api.add_router("/teams/", teams_router)


_register_routers()


def _api_view(view):
    # The API authenticates every request by token: the login redirect would only confuse scripts.
    return login_not_required(idempotent(view))


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
