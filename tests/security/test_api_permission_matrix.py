"""The API's permission matrix: every operation of /api/v1/, for every role and every kind of token, with a
valid body, against the same README rows (and so the same allowed set) as the page that does the same thing.

Roles send a read-and-write token of their own; `read` is the member's read token, `expired` and `revoked`
the member's tokens past their day or revoked, `anonymous` sends none. An operation of the OpenAPI document
that is not classified here fails `test_every_operation_is_classified`.

Outcomes: "allowed" is any answer that went past the permission check (2xx, or 409/422 for a body the service
refused, as a form the page refuses); "denied" is 403 or 404 and nothing in the portal's tables changed; "401"
for no valid token. The body of each write is one the service accepts: at least one allowed caller gets a 2xx.
"""
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from portal import services as portal_services
from portal.api import api
from portal.models import ApiToken
from projects import clock
from projects.decommission import services as decommission_services
from projects.models import HEALTH_ITEM_KEYS
from tests.ledger.focus_files import COLUMNS_1_0, row
from tests.security import snapshot
from tests.security.org import ROLES, Org, approve, build_org
from tests.security.test_permission_matrix import (
    ADMIN, LEAD, LOGGED_IN, MANAGERS, ROW_ADR_COMMENT, ROW_ADR_PLACE, ROW_ADR_REVIEW, ROW_ADR_UNCOMMENT,
    ROW_ADR_WRITE, ROW_COSTS, ROW_CREATE, ROW_DECOM_CANCEL, ROW_DECOM_DECIDE, ROW_DECOM_REQUEST, ROW_DECOM_WORK,
    ROW_EDIT, ROW_IMPORT, ROW_MEMBERS, ROW_PORTFOLIO, ROW_RATES, ROW_READ, ROW_TOIL, ROW_TOIL_LOG, TEAM,
    today,
)

pytestmark = pytest.mark.django_db

TOKENS = ("read", "expired", "revoked")
CALLERS = (*ROLES, *TOKENS)
VALID = frozenset(set(LOGGED_IN) | {"read"})
# Tables a request always touches whoever sends it: the token's last use, the stored idempotent responses.
BOOKKEEPING = {ApiToken._meta.db_table}


@dataclass(frozen=True)
class ApiCase:
    method: str
    route: str  # as the OpenAPI document spells it
    row: str
    allowed: frozenset
    path: Callable[[Org], str]
    body: Callable[[Org], dict] | None = None
    files: Callable[[Org], dict] | None = None
    setup: Callable[[Org], object] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.label}]" if self.label else "")


def fixed(path: str) -> Callable[[Org], str]:
    return lambda org: path


def focus_file(org: Org) -> dict:
    lines = [",".join(COLUMNS_1_0), ",".join(str(row().get(column, "")) for column in COLUMNS_1_0)]
    return {"upload": SimpleUploadedFile("march.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")}


def madr_file(org: Org) -> dict:
    text = "---\nstatus: proposed\ndate: 2025-03-01\n---\n# Keep features in one store\n\n## Context and Problem Statement\n\nTwo pipelines.\n"
    return {"files": SimpleUploadedFile("0009-one-store.md", text.encode(), content_type="text/markdown")}


def project(org: Org) -> str:
    return f"/api/v1/projects/{org.project.slug}"


def adr(org: Org) -> str:
    return f"{project(org)}/adrs/{org.adr.number}"


def toil_item(org: Org) -> str:
    return f"/api/v1/toil/items/{org.toil_item.pk}"


def decommission(org: Org) -> str:
    return f"/api/v1/decommissions/{org.decommission.pk}"


def checklist_item(org: Org) -> str:
    return f"{decommission(org)}/checklist/{org.decommission.checklist.first().pk}"


def checklist_done(org: Org) -> None:
    approve(org)
    for item in org.decommission.checklist.all():
        decommission_services.checklist_item_update(actor=org.users["member"], item=item, status="done")


TOIL_BODY = {"project": "churn", "title": "Rerun the failed feed by hand", "minutes_per_occurrence": 30, "is_manual": True}
ADR_BODY = {"title": "Serve features from one store", "context": "Two pipelines drift.", "outcome": "One store."}
MEMBER_SPEC = {"role": "member", "weekly_hours": "35", "joined_on": "2025-02-03"}

CASES = [
    ApiCase("GET", "/api/v1/portfolio", ROW_PORTFOLIO, VALID, fixed("/api/v1/portfolio")),
    # projects
    ApiCase("GET", "/api/v1/projects/", ROW_READ, VALID, fixed("/api/v1/projects/")),
    ApiCase("POST", "/api/v1/projects/", ROW_CREATE, TEAM, fixed("/api/v1/projects/"),
            body=lambda org: {"team": org.team.slug, "name": "Uplift model", "slug": "uplift-model"}),
    ApiCase("GET", "/api/v1/projects/{slug}", ROW_READ, VALID, project),
    ApiCase("PATCH", "/api/v1/projects/{slug}", ROW_EDIT, TEAM, project, body=lambda org: {"summary": "Targets campaigns."}),
    ApiCase("POST", "/api/v1/projects/{slug}/phase", ROW_EDIT, TEAM, lambda org: f"{project(org)}/phase",
            body=lambda org: {"to_phase": "build", "reason": "Back to build for a new model."}),
    ApiCase("GET", "/api/v1/projects/{slug}/health", ROW_READ, VALID, lambda org: f"{project(org)}/health"),
    ApiCase("PUT", "/api/v1/projects/{slug}/health/{item}", ROW_EDIT, TEAM,
            lambda org: f"{project(org)}/health/{HEALTH_ITEM_KEYS[0]}", body=lambda org: {"status": "yes"}),
    ApiCase("GET", "/api/v1/teams/", ROW_READ, VALID, fixed("/api/v1/teams/")),
    ApiCase("GET", "/api/v1/teams/{slug}/members", ROW_READ, VALID, lambda org: f"/api/v1/teams/{org.team.slug}/members"),
    ApiCase("POST", "/api/v1/teams/{slug}/members", ROW_MEMBERS, LEAD, lambda org: f"/api/v1/teams/{org.team.slug}/members",
            body=lambda org: {"user": "manager", **MEMBER_SPEC}),
    ApiCase("DELETE", "/api/v1/teams/{slug}/members/{username}", ROW_MEMBERS, LEAD,
            lambda org: f"/api/v1/teams/{org.team.slug}/members/member"),
    # ledger
    ApiCase("GET", "/api/v1/projects/{slug}/months", ROW_READ, VALID, lambda org: f"{project(org)}/months"),
    ApiCase("GET", "/api/v1/projects/{slug}/costs", ROW_READ, VALID, lambda org: f"{project(org)}/costs"),
    ApiCase("POST", "/api/v1/projects/{slug}/costs", ROW_COSTS, TEAM, lambda org: f"{project(org)}/costs",
            body=lambda org: {"incurred_on": "2025-03-02", "category": "cloud", "amount": "120.50", "currency": "EUR"}),
    ApiCase("POST", "/api/v1/projects/{slug}/costs/{entry_id}/void", ROW_COSTS, TEAM,
            lambda org: f"{project(org)}/costs/{org.cost.pk}/void", body=lambda org: {"reason": "Entered twice."}),
    ApiCase("GET", "/api/v1/projects/{slug}/values", ROW_READ, VALID, lambda org: f"{project(org)}/values"),
    ApiCase("POST", "/api/v1/projects/{slug}/values", ROW_COSTS, TEAM, lambda org: f"{project(org)}/values",
            body=lambda org: {"realized_on": "2025-03-02", "kind": "cost_saved", "amount": "400", "currency": "EUR",
                              "confidence": "measured", "evidence": "Fewer manual reviews."}),
    ApiCase("POST", "/api/v1/projects/{slug}/values/{entry_id}/void", ROW_COSTS, TEAM,
            lambda org: f"{project(org)}/values/{org.value.pk}/void", body=lambda org: {"reason": "Double count."}),
    ApiCase("GET", "/api/v1/ledger/focus-imports", ROW_READ, VALID, fixed("/api/v1/ledger/focus-imports")),
    ApiCase("POST", "/api/v1/ledger/focus-imports", ROW_IMPORT, MANAGERS, fixed("/api/v1/ledger/focus-imports"), files=focus_file),
    ApiCase("GET", "/api/v1/ledger/focus-imports/{import_id}", ROW_READ, VALID,
            lambda org: f"/api/v1/ledger/focus-imports/{org.focus_import.pk}"),
    ApiCase("POST", "/api/v1/ledger/focus-imports/{import_id}/void", ROW_IMPORT, MANAGERS,
            lambda org: f"/api/v1/ledger/focus-imports/{org.focus_import.pk}/void", body=lambda org: {"reason": "Wrong month."}),
    ApiCase("GET", "/api/v1/ledger/allocation-rules", ROW_READ, VALID, fixed("/api/v1/ledger/allocation-rules")),
    ApiCase("POST", "/api/v1/ledger/allocation-rules", ROW_IMPORT, MANAGERS, fixed("/api/v1/ledger/allocation-rules"),
            body=lambda org: {"field": "sub_account_id", "match": "exact", "value": "acct-new", "project": org.project.slug}),
    ApiCase("DELETE", "/api/v1/ledger/allocation-rules/{rule_id}", ROW_IMPORT, MANAGERS,
            lambda org: f"/api/v1/ledger/allocation-rules/{org.rule.pk}"),
    ApiCase("GET", "/api/v1/ledger/exchange-rates", ROW_READ, VALID, fixed("/api/v1/ledger/exchange-rates")),
    ApiCase("PUT", "/api/v1/ledger/exchange-rates", ROW_RATES, ADMIN, fixed("/api/v1/ledger/exchange-rates"),
            body=lambda org: {"currency": "USD", "month": "2025-03-01", "rate": "0.92"}),
    # decisions
    ApiCase("GET", "/api/v1/adrs/", ROW_READ, VALID, fixed("/api/v1/adrs/")),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs", ROW_ADR_WRITE, TEAM, lambda org: f"{project(org)}/adrs", body=lambda org: ADR_BODY),
    ApiCase("GET", "/api/v1/projects/{slug}/adrs/{number}", ROW_READ, VALID, adr),
    ApiCase("PUT", "/api/v1/projects/{slug}/adrs/{number}", ROW_ADR_WRITE, TEAM, adr,
            body=lambda org: {**ADR_BODY, "version": org.adr.version, "decision_makers": ["member"]}),
    ApiCase("GET", "/api/v1/projects/{slug}/adrs/{number}/markdown", ROW_READ, VALID, lambda org: f"{adr(org)}/markdown"),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs/{number}/review", ROW_ADR_REVIEW, LEAD, lambda org: f"{adr(org)}/review",
            body=lambda org: {"verdict": "accepted", "comment": "Agreed."}),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs/{number}/placements", ROW_ADR_PLACE, TEAM | MANAGERS,
            lambda org: f"{adr(org)}/placements",
            body=lambda org: {"cell": "conscious_reckless", "reason": "A shortcut.", "revisit_by": today(90)}),
    ApiCase("GET", "/api/v1/projects/{slug}/adrs/{number}/comments", ROW_READ, VALID, lambda org: f"{adr(org)}/comments"),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs/{number}/comments", ROW_ADR_COMMENT, LOGGED_IN,
            lambda org: f"{adr(org)}/comments", body=lambda org: {"body": "Looks right."}),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs/{number}/comments/{comment_id}/remove", ROW_ADR_UNCOMMENT, TEAM,
            lambda org: f"{adr(org)}/comments/{org.comment.pk}/remove"),
    ApiCase("POST", "/api/v1/projects/{slug}/adrs/import", ROW_ADR_WRITE, TEAM, lambda org: f"{project(org)}/adrs/import",
            files=madr_file),
    # toil
    ApiCase("GET", "/api/v1/toil/items", ROW_READ, VALID, fixed("/api/v1/toil/items")),
    ApiCase("POST", "/api/v1/toil/items", ROW_TOIL, TEAM, fixed("/api/v1/toil/items"), body=lambda org: TOIL_BODY),
    ApiCase("GET", "/api/v1/toil/items/{item_id}", ROW_READ, VALID, toil_item),
    ApiCase("PATCH", "/api/v1/toil/items/{item_id}", ROW_TOIL, TEAM, toil_item, body=lambda org: {"people": 2}),
    ApiCase("POST", "/api/v1/toil/items/{item_id}/move", ROW_TOIL, TEAM, lambda org: f"{toil_item(org)}/move",
            body=lambda org: {"status": "planned"}),
    ApiCase("POST", "/api/v1/toil/items/{item_id}/logs", ROW_TOIL_LOG, TEAM, lambda org: f"{toil_item(org)}/logs",
            body=lambda org: {"minutes": 30, "note": "Restarted it."}),
    ApiCase("POST", "/api/v1/toil/classify", ROW_READ, VALID - {"read"}, fixed("/api/v1/toil/classify"),
            body=lambda org: {"is_manual": True}),
    # decommissioning
    ApiCase("GET", "/api/v1/decommissions/", ROW_READ, VALID, fixed("/api/v1/decommissions/")),
    ApiCase("POST", "/api/v1/decommissions/", ROW_DECOM_REQUEST, TEAM | MANAGERS, fixed("/api/v1/decommissions/"),
            setup=lambda org: org.decommission.delete(), body=lambda org: {"project": org.project.slug, "reason": "Costs more than it brings."}),
    ApiCase("GET", "/api/v1/decommissions/{decommission_id}", ROW_READ, VALID, decommission),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/approve", ROW_DECOM_DECIDE, MANAGERS,
            lambda org: f"{decommission(org)}/approve", body=lambda org: {"comment": "Agreed."}),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/reject", ROW_DECOM_DECIDE, MANAGERS,
            lambda org: f"{decommission(org)}/reject", body=lambda org: {"comment": "Not yet."}),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/cancel", ROW_DECOM_CANCEL, TEAM | MANAGERS,
            lambda org: f"{decommission(org)}/cancel", body=lambda org: {"reason": "The users came back."}),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/complete", ROW_DECOM_WORK, TEAM,
            lambda org: f"{decommission(org)}/complete", setup=checklist_done),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/checklist/{item_id}", ROW_DECOM_WORK, TEAM, checklist_item,
            setup=approve, body=lambda org: {"status": "done"}),
    ApiCase("POST", "/api/v1/decommissions/{decommission_id}/checklist/{item_id}/assign", ROW_DECOM_WORK, TEAM | MANAGERS,
            lambda org: f"{checklist_item(org)}/assign", setup=approve, body=lambda org: {"assignee": "member"}),
]


def documented_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, operations in schema["paths"].items() for method in operations}


def test_every_operation_is_classified():
    classified = {(case.method, case.route) for case in CASES}
    assert sorted(documented_operations() - classified) == [], "API operations missing from the matrix"
    assert sorted(classified - documented_operations()) == [], "The matrix names operations that no longer exist"


def _secrets(org: Org) -> dict[str, str | None]:
    expires = clock.today() + timedelta(days=30)
    secrets: dict[str, str | None] = {"anonymous": None}
    for role, user in org.users.items():
        if user is not None:
            secrets[role] = portal_services.api_token_create(actor=user, name=f"{role} write", scope="write", expires_on=expires).secret
    member = org.users["member"]
    secrets["read"] = portal_services.api_token_create(actor=member, name="read", scope="read", expires_on=expires).secret
    for kind in ("expired", "revoked"):
        created = portal_services.api_token_create(actor=member, name=kind, scope="write", expires_on=expires)
        secrets[kind] = created.secret
        change = {"expires_at": clock.now() - timedelta(days=1)} if kind == "expired" else {"revoked_at": clock.now()}
        ApiToken.objects.filter(pk=created.token.pk).update(**change)
    return secrets


def _send(case: ApiCase, org: Org, secret: str | None):
    client = Client(headers={"Authorization": f"Bearer {secret}"} if secret else {})
    path = case.path(org)
    if case.files is not None:
        return client.post(path, case.files(org))
    body = json.dumps(case.body(org)) if case.body is not None else ""
    return client.generic(case.method, path, body, content_type="application/json")


def _outcome(status: int, caller: str) -> str:
    assert status < 500, f"{caller}: server error {status}"
    if status == 401:
        return "401"
    if status in (403, 404):
        return "denied"
    assert status in (409, 422) or status < 400, f"{caller}: unexpected {status}"
    return "allowed"


def _expected(case: ApiCase, caller: str) -> str:
    if caller in ("anonymous", "expired", "revoked"):
        return "401"
    return "allowed" if caller in case.allowed else "denied"


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if name not in BOOKKEEPING and before[name] != after.get(name))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_api_permission_matrix(case: ApiCase):
    org = build_org()
    if case.setup:
        case.setup(org)
    secrets = _secrets(org)
    mismatches, succeeded = [], []
    for caller in CALLERS:
        # Each request runs in a savepoint that is rolled back: an allowed write cannot change what the next caller sees.
        with transaction.atomic():
            before = snapshot.tables()
            response = _send(case, org, secrets[caller])
            after = snapshot.tables()
            got, want = _outcome(response.status_code, caller), _expected(case, caller)
            if got != want:
                mismatches.append(f"{case.id} as {caller}: {want} expected, got {got} ({response.status_code} {response.content[:200]!r})")
            elif (case.method == "GET" or got != "allowed") and _changed(before, after):
                mismatches.append(f"{case.id} as {caller} ({got}) changed {_changed(before, after)}")
            if response.status_code < 400:
                succeeded.append(caller)
            transaction.set_rollback(True)
    if not succeeded:
        mismatches.append(f"{case.id}: no allowed caller got a 2xx; the body is not one the service accepts")
    assert not mismatches, "\n".join(mismatches)
