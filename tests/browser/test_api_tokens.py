"""A member creates an API token in the browser, sees it once, uses it from a script, then revokes it."""
import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(url: str, secret: str, data: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Idempotency-Key": "browser-1"},
        method="POST" if data is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_member_creates_a_token_uses_it_and_revokes_it(page, login, live_server):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    user = MembershipFactory(team=team, user=UserFactory(username="sam", first_name="Sam", last_name="Lee")).user
    ProjectFactory(team=team, name="Churn model", slug="churn-model")
    login(user.username, PASSWORD)

    page.get_by_role("button", name="Sam Lee").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Cost export pipeline")
    page.get_by_label("Scope").select_option(label="Read and write")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_text("Copy it now: it is shown only this once.")).to_be_visible()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("mlp_")
    screenshot(page, "api-token-created")
    # A reload reads the tokens page: it sends the form no second time, and the secret is gone.
    expect(page).to_have_url(f"{live_server.url}/accounts/tokens/")
    page.reload()
    expect(page.get_by_text("Copy it now: it is shown only this once.")).not_to_be_visible()
    expect(page.get_by_role("row", name="Cost export pipeline")).to_have_count(1)

    status, body = _call(f"{live_server.url}/api/v1/projects/?team=customer-analytics", secret)
    assert status == 200
    assert [item["slug"] for item in body["items"]] == ["churn-model"]
    created = {"team": "customer-analytics", "name": "Demand forecast", "slug": "demand-forecast"}
    assert _call(f"{live_server.url}/api/v1/projects/", secret, created)[0] == 201
    assert _call(f"{live_server.url}/api/v1/projects/", secret, created)[0] == 201

    page.goto(f"{live_server.url}/accounts/tokens/")
    assert secret not in page.content()
    row = page.get_by_role("row", name="Cost export pipeline")
    expect(row.get_by_text("active")).to_be_visible()
    screenshot(page, "api-tokens-list")
    row.get_by_role("button", name="Revoke Cost export pipeline").click()

    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    expect(page.get_by_role("row", name="Cost export pipeline").get_by_text("revoked")).to_be_visible()
    status, body = _call(f"{live_server.url}/api/v1/projects/", secret)
    assert status == 401
    assert "revoked or expired" in body["message"]
    assert team.projects.count() == 2


def test_logged_in_person_reads_the_api_docs(page, login, live_server):
    user = UserFactory(username="nina")
    login(user.username, PASSWORD)

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs")

    page.get_by_text("/api/v1/projects/{slug}/phase").wait_for()
    expect(page.get_by_role("heading", name="ML governance portal API")).to_be_visible()
    assert errors == []
    screenshot(page, "api-docs")
