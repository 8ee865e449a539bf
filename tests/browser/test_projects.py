"""A member creates a project, fills its health checklist, moves it to build and sees the timeline."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_creates_a_project_and_moves_it_to_build(page, login, live_server):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    MembershipFactory(team=team, user=UserFactory(username="sam", first_name="Sam", last_name="Okafor"))
    login("sam", PASSWORD)

    page.get_by_role("link", name="Projects").first.click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Churn prediction")
    page.get_by_label("Slug").fill("churn-prediction")
    page.get_by_label("Value hypothesis").fill("Retention offers keep **2%** more subscribers.")
    page.get_by_label("Tags").fill("churn, batch")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("heading", name="Churn prediction")).to_be_visible()
    expect(page.locator(".markdown-body strong")).to_have_text("2%")

    health = page.locator("#health")
    row = health.locator("li.list-group-item", has_text="business metric are agreed")
    row.get_by_label("Status").select_option("yes")
    row.get_by_label("Note").fill("Signed off by the retention team")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#health li.list-group-item", has_text="business metric are agreed")).to_contain_text("Signed off by the retention team")
    row = page.locator("#health li.list-group-item", has_text="data needed is available")
    row.get_by_label("Status").select_option("partly")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("health-score")).to_have_text("75%")

    page.get_by_label("Move to").select_option("build")
    page.get_by_label("Why").fill("Data access granted by the CRM owners")
    page.get_by_role("button", name="Change phase").click()

    expect(page.get_by_text("moved to Build")).to_be_visible()
    timeline = page.get_by_role("list", name="Phase timeline")
    expect(timeline).to_contain_text("Conception → Build")
    expect(timeline).to_contain_text("Data access granted by the CRM owners")
    screenshot(page, "project-detail")


def test_project_list_filters_without_reload_and_keeps_the_url(page, login, live_server):
    from tests.factories import ProjectFactory

    team = TeamFactory(name="Risk", slug="risk")
    MembershipFactory(team=team, user=UserFactory(username="raj"))
    ProjectFactory(team=team, name="Fraud scoring", tags=["fraud"])
    ProjectFactory(team=team, name="Credit explainer", tags=["credit"])
    login("raj", PASSWORD)
    page.goto(f"{live_server.url}/projects/")
    page.get_by_label("Search", exact=True).fill("fraud")
    expect(page.get_by_role("link", name="Credit explainer")).to_have_count(0)
    expect(page.get_by_role("link", name="Fraud scoring")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=fraud"))
    screenshot(page, "project-list")
