"""A manager opens the portfolio, filters to the underwater projects, follows the alert to the project
and starts its decommission request."""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import clock
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, CostEntryFactory, ProjectFactory, TeamFactory, ValueEntryFactory, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def months_back(count: int) -> list[date]:
    today = clock.today()
    index = today.year * 12 + today.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 10) for back in range(count, 0, -1)]


def test_manager_follows_the_underwater_alert_and_asks_to_decommission(page, live_server):
    make_manager(username="maria", first_name="Maria", last_name="Manager")
    forecasting = TeamFactory(name="Forecasting", slug="forecasting")
    vision = TeamFactory(name="Vision", slug="vision")
    figures = {
        ("Product recommender", forecasting): ("4000", "900"),
        ("Demand forecast", forecasting): ("1500", "5200"),
        ("Shelf scanner", vision): ("2500", "3100"),
        ("Invoice reader", vision): ("800", "2600"),
    }
    for (name, team), (cost, value) in figures.items():
        project = ProjectFactory(team=team, name=name, slug=name.lower().replace(" ", "-"))
        Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
        for offset, day in enumerate(months_back(12)):
            CostEntryFactory(project=project, incurred_on=day, amount=Decimal(cost) + offset * 40)
            ValueEntryFactory(project=project, realized_on=day, amount=Decimal(value) - offset * 20)
    ProjectFactory(team=vision, name="Drone inspection", slug="drone-inspection")
    ledger_rollup()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Portfolio", exact=True).click()

    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    expect(page.locator("#portfolio-table tbody tr")).to_have_count(5)
    page.wait_for_function("document.querySelector('#portfolio-chart').width > 0")
    screenshot(page, "portfolio")

    page.get_by_label("Flag").select_option("underwater")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/portfolio/?flag=underwater")
    expect(page.locator("#portfolio-table tbody tr")).to_have_count(1)
    expect(page.locator("#portfolio-table tbody tr").first).to_contain_text("Product recommender")
    expect(page.get_by_role("heading", name="1 project")).to_be_visible()

    alert = page.locator('[data-alert="underwater"]')
    expect(alert).to_contain_text("Product recommender")
    alert.get_by_role("link", name="Product recommender").click()
    page.wait_for_url("**/projects/product-recommender/")
    expect(page.get_by_text("it is a decommission candidate")).to_be_visible()
    page.get_by_role("link", name="Request decommissioning").click()
    page.get_by_label("Why switch it off?").fill("It has cost more than it brought for a year.")
    page.get_by_role("button", name="Request decommissioning").click()
    expect(page.get_by_text("Waiting for a manager other than you")).to_be_visible()

    page.goto(f"{live_server.url}/portfolio/")
    waiting = page.locator('[data-alert="waiting"]')
    expect(waiting).to_contain_text("Product recommender")
    expect(page.locator('[data-alert="underwater"]').get_by_role("link", name="See the request")).to_be_visible()


def test_demo_portfolio_shows_alerts_chart_and_table(page, login, capsys):
    from django.core.management import call_command
    import json

    call_command("seed_demo", "--json")
    users = json.loads(capsys.readouterr().out)["users"]
    manager = next(user for user in users if user["role"] == "manager")
    login(manager["username"], manager["password"])
    page.goto(page.url + "portfolio/")
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    expect(page.locator("[data-alert]").first).to_be_visible()
    expect(page.locator("#portfolio-table tbody tr")).to_have_count(Project.objects.count())
    page.wait_for_function("document.querySelector('#portfolio-chart').width > 0")
    screenshot(page, "portfolio-demo")
