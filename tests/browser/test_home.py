"""A manager logs in and their home says what waits for them: the portfolio's alerts, the shortcuts to
re-judge, and the month-by-month trend with the running month drawn as partial."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from adr.models import Cell, Placement
from projects import clock
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, AdrFactory, CostEntryFactory, ProjectFactory, TeamFactory, ValueEntryFactory, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def months_back(count: int) -> list[date]:
    today = clock.today()
    index = today.year * 12 + today.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 10) for back in range(count, 0, -1)]


@pytest.mark.parametrize("width", [1280, 390])
def test_managers_home_shows_alerts_shortcuts_and_the_trend(page, login, live_server, width):
    maria = make_manager(username="maria", first_name="Maria", last_name="Manager")
    team = TeamFactory(name="Forecasting", slug="forecasting")
    for name, cost, value in (("Product recommender", "4000", "900"), ("Demand forecast", "1500", "5200")):
        project = ProjectFactory(team=team, name=name, slug=name.lower().replace(" ", "-"))
        Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
        for day in months_back(12):
            CostEntryFactory(project=project, incurred_on=day, amount=Decimal(cost))
            ValueEntryFactory(project=project, realized_on=day, amount=Decimal(value))
    ledger_rollup()
    shortcut = AdrFactory(project=Project.objects.get(slug="demand-forecast"), title="Train on last year's data only")
    Placement.objects.create(adr=shortcut, cell=Cell.CONSCIOUS_RECKLESS, placed_by=maria, reason="Deadline",
                             revisit_by=clock.today() - timedelta(days=5))

    page.set_viewport_size({"width": width, "height": 900})
    login("maria", PASSWORD)
    expect(page.get_by_text("Your teams have no projects yet")).to_have_count(0)
    alerts = page.locator("#alerts")
    expect(alerts.locator('[data-alert="underwater"]')).to_contain_text("Product recommender")
    expect(page.get_by_role("heading", name="Shortcuts to re-judge")).to_be_visible()
    expect(page.get_by_role("link", name="Train on last year's data only")).to_be_visible()
    chart = page.locator("#home-trend-chart")
    expect(chart).to_be_visible()
    page.wait_for_function("() => Chart.getChart('home-trend-chart') !== undefined")
    labels = page.evaluate("() => Chart.getChart('home-trend-chart').data.labels")
    assert len(labels) == 13 and labels[-1].endswith("(so far)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"manager-home-{width}")
    alerts.get_by_role("link", name="Product recommender").first.click()
    expect(page.get_by_role("heading", name="Product recommender", level=1)).to_be_visible()
