"""The permission matrix: every URL of the portal, for every role, with GET and with POST of a
valid-looking form, against the README's "Who may do what" table.

Each case names the README row it proves. A URL pattern that is not classified here fails
`test_every_url_is_classified`, so a new page cannot ship without its row in the matrix.
`admin/` and `api/` are left out: tests/api and Django's own admin checks cover them.

Outcomes: "allowed" is any answer that went past the permission check (2xx, 3xx other than the
login redirect, or 400 for a form the service refused); "denied" is 403 or 404 and nothing in
the portal's tables changed; anonymous requests are sent to the login page; "405" is a method the
view does not serve. GET requests never change a row, whoever sends them.
"""
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects import clock
from projects.models import HEALTH_ITEM_KEYS
from tests.security import snapshot
from tests.security.org import ROLES, Org, approve, build_org

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
SKIPPED_PREFIXES = ("admin/", "api/")

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
TEAM = frozenset({"member", "lead", "admin"})
TEAMS_ANY = frozenset({"member", "outsider", "lead", "admin"})
LEAD = frozenset({"lead", "admin"})
MANAGERS = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
NOBODY: frozenset = frozenset()
NOT_SERVED = None  # the method answers 405 to every logged-in role


@dataclass(frozen=True)
class Case:
    """One URL filled with real objects: who may GET it, who may POST the form, and the README row."""

    name: str
    row: str
    get: frozenset | None
    post: frozenset | None
    kwargs: Callable[[Org, str], dict] = lambda org, role: {}
    data: Callable[[Org], dict] = lambda org: {}
    setup: Callable[[Org], object] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return self.name + (f"[{self.label}]" if self.label else "")


def slug(attr: str) -> Callable[[Org, str], dict]:
    return lambda org, role: {"slug": getattr(org, attr).slug}


def pk(attr: str, name: str = "pk") -> Callable[[Org, str], dict]:
    return lambda org, role: {name: getattr(org, attr).pk}


def today(days: int = 0) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def project_form(org: Org) -> dict:
    return {
        "team": org.team.pk, "name": "Uplift model", "slug": "uplift-model", "summary": "Targets the campaigns.",
        "description": "Better targeting.", "value_hypothesis": "Fewer wasted coupons.", "business_owner": "Marketing",
        "tags": "uplift", "start_date": "2025-02-01",
    }


def toil_form(org: Org) -> dict:
    return {
        "title": "Rerun the failed feed by hand", "description": "Every Monday.", "is_manual": "on",
        "is_repetitive": "on", "is_automatable": "on", "is_tactical": "on", "classification": "toil",
        "frequency": "week", "minutes_per_occurrence": "30", "people": "1", "status": "backlog",
        "strategy": "automate",
    }


def adr_kwargs(org: Org, role: str) -> dict:
    return {"slug": org.project.slug, "number": org.adr.number}


def adr_form(org: Org) -> dict:
    return {"title": "Serve features from one store", "context": "Two pipelines drift.", "outcome": "One store."}


def own_token(org: Org, role: str) -> dict:
    return {"token_id": org.tokens.get(role, org.tokens["member"])}


ROW_READ = "read every page"
ROW_ACCOUNT = "change password, log out"
ROW_PORTFOLIO = "read the portfolio"
ROW_TOKENS = "create, list and revoke own API tokens"
ROW_CREATE = "create a project"
ROW_EDIT = "edit a project, move its phase, tick its health checklist"
ROW_RETIRED = "change a retired project"
ROW_MEMBERS = "add or remove members of a team"
ROW_TOIL = "add, edit or move toil items"
ROW_WIP = "set the toil board's WIP limits of a team"
ROW_TOIL_LOG = "log toil minutes for yourself"
ROW_COSTS = "add or void cost and value entries"
ROW_RETIRED_COST = "record a cost on a retired project"
ROW_IMPORT = "import or void a FOCUS billing file, change allocation rules"
ROW_RATES = "set monthly exchange rates"
ROW_DECOM_REQUEST = "request a decommission"
ROW_DECOM_DECIDE = "approve or reject a decommission"
ROW_DECOM_WORK = "tick, assign and complete the decommission checklist"
ROW_DECOM_ASSIGN = "tick, assign and complete the decommission checklist"
ROW_DECOM_CANCEL = "cancel an open decommission request"
ROW_LOGIN = "the login page"
ROW_ADR_WRITE = "write, edit, supersede, import decisions"
ROW_ADR_REVIEW = "accept or reject a proposed decision"
ROW_ADR_COMMENT = "comment on a decision"
ROW_ADR_UNCOMMENT = "remove a comment"
ROW_ADR_PLACE = "place or re-judge a decision on the matrix"
ROW_ADR_TICKET = "add, edit, close or reopen a one-off remediation ticket"

CASES = [
    # portal
    Case("portal:home", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:search", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:portfolio", ROW_PORTFOLIO, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:portfolio_csv", ROW_PORTFOLIO, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:login", ROW_LOGIN, get=EVERYONE, post=EVERYONE, data=lambda org: {"username": "nobody", "password": "wrong"}),
    Case("portal:logout", ROW_ACCOUNT, get=NOT_SERVED, post=LOGGED_IN),
    Case("portal:password_change", ROW_ACCOUNT, get=LOGGED_IN, post=LOGGED_IN,
         data=lambda org: {"old_password": "not-mine", "new_password1": "a-new-pass-phrase-9", "new_password2": "a-new-pass-phrase-9"}),
    Case("portal:password_change_done", ROW_ACCOUNT, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:api_tokens", ROW_TOKENS, get=LOGGED_IN, post=NOT_SERVED),
    Case("portal:api_token_create", ROW_TOKENS, get=NOT_SERVED, post=LOGGED_IN,
         data=lambda org: {"name": "ci", "scope": "read", "expires_on": today(30)}),
    Case("portal:api_token_revoke", ROW_TOKENS, get=NOT_SERVED, post=LOGGED_IN, kwargs=own_token, label="own"),
    Case("portal:api_token_revoke", ROW_TOKENS, get=NOT_SERVED, post=frozenset({"member"}),
         kwargs=lambda org, role: {"token_id": org.tokens["member"]}, label="the member's"),
    # teams
    Case("projects:team_list", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("projects:team_detail", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("team")),
    Case("projects:membership_add", ROW_MEMBERS, get=LEAD, post=LEAD, kwargs=slug("team"),
         data=lambda org: {"user": org.users["manager"].pk, "role": "member", "weekly_hours": "35", "joined_on": "2025-02-03"}),
    Case("projects:membership_remove", ROW_MEMBERS, get=NOT_SERVED, post=LEAD,
         kwargs=lambda org, role: {"slug": org.team.slug, "membership_id": org.project.team.memberships.get(user=org.users["member"]).pk}),
    # projects
    Case("projects:project_list", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("projects:project_create", ROW_CREATE, get=TEAMS_ANY, post=TEAMS_ANY, data=project_form),
    Case("projects:project_detail", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
    Case("projects:project_edit", ROW_EDIT, get=TEAM, post=TEAM, kwargs=slug("project"),
         data=lambda org: {**project_form(org), "slug": org.project.slug}),
    Case("projects:project_edit", ROW_RETIRED, get=ADMIN, post=ADMIN, kwargs=slug("retired"),
         data=lambda org: {**project_form(org), "slug": org.retired.slug}, label="retired"),
    Case("projects:project_phase", ROW_EDIT, get=NOT_SERVED, post=TEAM, kwargs=slug("project"),
         data=lambda org: {"to_phase": "retired", "reason": "Switched off."}),
    Case("projects:health_check", ROW_EDIT, get=NOT_SERVED, post=TEAM,
         kwargs=lambda org, role: {"slug": org.project.slug, "item": HEALTH_ITEM_KEYS[0]}, data=lambda org: {"status": "done", "note": ""}),
    # ledger
    Case("ledger:home", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("ledger:focus_upload", ROW_IMPORT, get=NOT_SERVED, post=MANAGERS,
         data=lambda org: {"currency": "EUR"}),
    Case("ledger:focus_void", ROW_IMPORT, get=NOT_SERVED, post=MANAGERS, kwargs=pk("focus_import"),
         data=lambda org: {"reason": "Wrong month."}),
    Case("ledger:rule_add", ROW_IMPORT, get=NOT_SERVED, post=MANAGERS,
         data=lambda org: {"field": "sub_account_id", "match": "exact", "value": "acct-new", "project": org.project.pk}),
    Case("ledger:rule_delete", ROW_IMPORT, get=NOT_SERVED, post=MANAGERS, kwargs=pk("rule")),
    Case("ledger:rate_set", ROW_RATES, get=NOT_SERVED, post=ADMIN,
         data=lambda org: {"currency": "USD", "month": "2025-03-01", "rate": "0.92"}),
    Case("ledger:project_ledger", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
    Case("ledger:project_ledger_csv", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
    Case("ledger:cost_add", ROW_COSTS, get=NOT_SERVED, post=TEAM, kwargs=slug("project"),
         data=lambda org: {"incurred_on": "2025-03-02", "category": "cloud", "amount": "120.50", "currency": "EUR", "description": "GPU"}),
    Case("ledger:cost_add", ROW_RETIRED_COST, get=NOT_SERVED, post=MANAGERS, kwargs=slug("retired"), label="retired",
         data=lambda org: {"incurred_on": "2025-03-02", "category": "cloud", "amount": "120.50", "currency": "EUR", "description": "GPU"}),
    Case("ledger:cost_void", ROW_COSTS, get=NOT_SERVED, post=TEAM,
         kwargs=lambda org, role: {"slug": org.project.slug, "pk": org.cost.pk}, data=lambda org: {"reason": "Entered twice."}),
    Case("ledger:cost_void", ROW_RETIRED, get=NOT_SERVED, post=ADMIN, label="retired",
         kwargs=lambda org, role: {"slug": org.retired.slug, "pk": org.retired_cost.pk}, data=lambda org: {"reason": "Entered twice."}),
    Case("ledger:value_add", ROW_COSTS, get=NOT_SERVED, post=TEAM, kwargs=slug("project"),
         data=lambda org: {"realized_on": "2025-03-02", "kind": "cost_saved", "amount": "400", "currency": "EUR",
                           "confidence": "measured", "evidence": "Fewer manual reviews."}),
    Case("ledger:value_void", ROW_COSTS, get=NOT_SERVED, post=TEAM,
         kwargs=lambda org, role: {"slug": org.project.slug, "pk": org.value.pk}, data=lambda org: {"reason": "Double count."}),
    # decommissioning
    Case("decommission:list", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("decommission:detail", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=pk("decommission")),
    Case("decommission:new", ROW_DECOM_REQUEST, get=TEAM | MANAGERS, post=TEAM | MANAGERS, kwargs=slug("project"),
         data=lambda org: {"reason": "It costs more than it brings."}),
    Case("decommission:decide", ROW_DECOM_DECIDE, get=NOT_SERVED, post=MANAGERS, kwargs=pk("decommission"),
         data=lambda org: {"decision": "approve", "comment": "Agreed."}),
    Case("decommission:complete", ROW_DECOM_WORK, get=NOT_SERVED, post=TEAM, kwargs=pk("decommission"), setup=approve),
    Case("decommission:cancel", ROW_DECOM_CANCEL, get=NOT_SERVED, post=TEAM | MANAGERS, kwargs=pk("decommission"),
         data=lambda org: {"reason": "The users came back."}),
    Case("decommission:item", ROW_DECOM_WORK, get=NOT_SERVED, post=TEAM, setup=approve,
         kwargs=lambda org, role: {"pk": org.decommission.pk, "item_id": org.decommission.checklist.first().pk},
         data=lambda org: {"status": "done", "note": ""}),
    Case("decommission:item_assign", ROW_DECOM_ASSIGN, get=NOT_SERVED, post=TEAM | MANAGERS, setup=approve,
         kwargs=lambda org, role: {"pk": org.decommission.pk, "item_id": org.decommission.checklist.first().pk},
         data=lambda org: {"assignee": org.users["member"].pk}),
    # toil
    Case("toil:board", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("toil:classify", ROW_READ, get=NOT_SERVED, post=LOGGED_IN, data=lambda org: {"is_manual": "on"}),
    Case("toil:item_detail", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=pk("toil_item")),
    Case("toil:item_edit", ROW_TOIL, get=TEAM, post=TEAM, kwargs=pk("toil_item"), data=toil_form),
    Case("toil:item_move", ROW_TOIL, get=NOT_SERVED, post=TEAM, kwargs=pk("toil_item"), data=lambda org: {"status": "doing"}),
    Case("toil:item_log", ROW_TOIL_LOG, get=NOT_SERVED, post=TEAM, kwargs=pk("toil_item"),
         data=lambda org: {"minutes": "30", "logged_on": today(), "note": "Restarted it."}),
    Case("toil:wip_limits", ROW_WIP, get=LEAD, post=LEAD, kwargs=slug("team"), data=lambda org: {"in_progress": "3"}),
    Case("toil:project_board", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
    Case("toil:item_create", ROW_TOIL, get=TEAM, post=TEAM, kwargs=slug("project"), data=toil_form),
    # decisions (ADRs) and the matrix
    Case("adr:decision_list", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("adr:matrix", ROW_READ, get=LOGGED_IN, post=NOT_SERVED),
    Case("adr:matrix_move", ROW_ADR_PLACE, get=NOT_SERVED, post=TEAM | MANAGERS,
         data=lambda org: {"adr": org.adr.pk, "cell": "conscious_prudent", "reason": "Weighed it.", "revisit_by": today(90)}),
    Case("adr:list", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
    Case("adr:new", ROW_ADR_WRITE, get=TEAM, post=TEAM, kwargs=slug("project"), data=adr_form),
    Case("adr:preview", ROW_READ, get=NOT_SERVED, post=LOGGED_IN, kwargs=slug("project"),
         data=lambda org: {"title": "T", "context": "*why*"}),
    Case("adr:import", ROW_ADR_WRITE, get=TEAM, post=TEAM, kwargs=slug("project")),
    Case("adr:detail", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=adr_kwargs),
    Case("adr:edit", ROW_ADR_WRITE, get=TEAM, post=TEAM, kwargs=adr_kwargs,
         data=lambda org: {**adr_form(org), "version": org.adr.version, "reason": "Clearer."}),
    Case("adr:review", ROW_ADR_REVIEW, get=NOT_SERVED, post=LEAD, kwargs=adr_kwargs,
         data=lambda org: {"verdict": "accepted", "comment": "Agreed."}),
    Case("adr:comment_add", ROW_ADR_COMMENT, get=NOT_SERVED, post=LOGGED_IN, kwargs=adr_kwargs,
         data=lambda org: {"body": "Looks right."}),
    Case("adr:comment_remove", ROW_ADR_UNCOMMENT, get=NOT_SERVED, post=TEAM,
         kwargs=lambda org, role: {**adr_kwargs(org, role), "comment_id": org.comment.pk}),
    Case("adr:place", ROW_ADR_PLACE, get=NOT_SERVED, post=TEAM | MANAGERS, kwargs=adr_kwargs,
         data=lambda org: {"cell": "conscious_reckless", "reason": "A shortcut.", "revisit_by": today(90)}),
    Case("adr:placement_suggest", ROW_READ, get=NOT_SERVED, post=LOGGED_IN, kwargs=adr_kwargs,
         data=lambda org: {"knew_tradeoff": "on"}),
    Case("adr:ticket_new", ROW_ADR_TICKET, get=TEAM, post=TEAM, kwargs=adr_kwargs,
         data=lambda org: {"title": "Move the cron job", "due_on": today(30)}),
    Case("adr:ticket_edit", ROW_ADR_TICKET, get=TEAM, post=TEAM,
         kwargs=lambda org, role: {**adr_kwargs(org, role), "pk": org.ticket.pk},
         data=lambda org: {"title": "Move the cron job", "due_on": today(45), "updated_at": org.ticket.updated_at.isoformat()}),
    Case("adr:ticket_done", ROW_ADR_TICKET, get=NOT_SERVED, post=TEAM,
         kwargs=lambda org, role: {**adr_kwargs(org, role), "pk": org.ticket.pk}, data=lambda org: {"done": "1"}),
    Case("adr:diff", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=adr_kwargs),
    Case("adr:madr", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=adr_kwargs),
    Case("adr:export", ROW_READ, get=LOGGED_IN, post=NOT_SERVED, kwargs=slug("project")),
]

CLASSIFIED = {case.name for case in CASES}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, route, child_namespace)
        elif isinstance(entry, URLPattern):
            yield route, (namespace + entry.name) if entry.name else route


def portal_urls() -> dict[str, str]:
    """Every named URL of the portal outside admin/ and api/: {name: route}."""
    return {
        name: route for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    }


def test_every_url_is_classified():
    unclassified = sorted(set(portal_urls()) - CLASSIFIED)
    assert not unclassified, f"URL patterns missing from the permission matrix: {unclassified}"
    stale = sorted(CLASSIFIED - set(portal_urls()))
    assert not stale, f"The matrix names URLs that no longer exist: {stale}"


def test_every_row_is_in_the_readme():
    table = README.read_text().split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].split(" (")[0].strip() for line in table.splitlines() if line.startswith("| ") and "---" not in line}
    missing = sorted({case.row for case in CASES} - rows)
    assert not missing, f"README's 'Who may do what' lacks the rows: {missing}"


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response, role: str) -> str:
    status = response.status_code
    login = reverse("portal:login")
    if status in (301, 302) and response["Location"].startswith(login + "?"):
        return "login"
    if status == 405:
        return "405"
    if status in (403, 404):
        return "denied"
    assert status < 500, f"{role}: server error {status}"
    return "allowed"


def _expected(allowed: frozenset | None, role: str, is_login_page: bool) -> str:
    if role == "anonymous" and not is_login_page:
        return "login"
    if allowed is None:
        return "405"
    return "allowed" if role in allowed else "denied"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_matrix(case: Case):
    org = build_org()
    if case.setup:
        case.setup(org)
    assert case.name in portal_urls(), f"{case.name} is not a URL of the portal"
    mismatches = []
    for method, allowed in (("GET", case.get), ("POST", case.post)):
        for role in ROLES:
            # Each request runs in a savepoint that is rolled back: an allowed write cannot
            # change what the next role sees.
            with transaction.atomic():
                url = reverse(case.name, kwargs=case.kwargs(org, role))
                client = _client(org.users[role])
                before = snapshot.tables()
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, case.data(org))
                after = snapshot.tables()
                got = _outcome(response, role)
                want = _expected(allowed, role, case.name == "portal:login")
                if got != want:
                    mismatches.append(f"{method} {url} as {role}: {want} expected, got {got} ({response.status_code})")
                elif (method == "GET" or got != "allowed") and before != after:
                    changed = sorted(name for name in before if before[name] != after.get(name))
                    mismatches.append(f"{method} {url} as {role} ({got}) changed {changed}")
                transaction.set_rollback(True)
    assert not mismatches, "\n".join(mismatches)
