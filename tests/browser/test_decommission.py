"""A member asks to switch off an underwater project, a manager approves, the member works the
checklist, the project is retired, and a cost recorded afterwards raises a zombie-cost alert."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import clock
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, CostEntryFactory, MembershipFactory, ProjectFactory, TeamFactory, UserFactory, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def months_back(count: int) -> list[date]:
    today = clock.today()
    index = today.year * 12 + today.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 10) for back in range(count, 0, -1)]


def test_underwater_project_is_decommissioned_and_watched(session, live_server):
    team = TeamFactory(name="Forecasting", slug="forecasting")
    member = MembershipFactory(team=team, user=UserFactory(username="ken", first_name="Ken", last_name="Sato")).user
    make_manager(username="maria", first_name="Maria", last_name="Manager")
    project = ProjectFactory(team=team, name="Product recommender", slug="product-recommender")
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    for day in months_back(4):
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal("4000"), created_by=member)
    ledger_rollup()

    ken = session("ken", PASSWORD)
    ken.goto(f"{live_server.url}/projects/product-recommender/")
    expect(ken.get_by_text("it is a decommission candidate")).to_be_visible()
    ken.get_by_role("link", name="Request decommissioning").click()
    ken.get_by_label("Why switch it off?").fill("The uplift is gone and the serving cost keeps rising.")
    ken.get_by_role("button", name="Request decommissioning").click()
    expect(ken.get_by_text("Waiting for a manager to approve or reject.")).to_be_visible()
    expect(ken.get_by_role("heading", name="Run cost and realized value")).to_be_visible()
    request_url = ken.url

    maria = session("maria", PASSWORD)
    maria.goto(f"{live_server.url}/decommissions/")
    expect(maria.get_by_text("Waiting for you")).to_be_visible()
    maria.get_by_role("link", name="Product recommender").click()
    maria.get_by_label("Approve").check()
    maria.get_by_label("Comment").fill("Agreed: switch it off.")
    maria.get_by_role("button", name="Record decision").click()
    expect(maria.get_by_text("Decided by Maria Manager")).to_be_visible()

    ken.goto(request_url)
    items = ken.locator("#checklist li.list-group-item")
    expect(items).to_have_count(7)
    for index in range(7):
        item = ken.locator("#checklist li.list-group-item").nth(index)
        if index == 1:
            item.get_by_label("Status").select_option("not_relevant")
            item.get_by_label("Note").fill("Nothing consumes it any more")
        else:
            item.get_by_label("Status").select_option("done")
        item.get_by_role("button", name="Save").click()
        expect(ken.locator("#checklist li.list-group-item").nth(index).locator(".badge").first).not_to_have_text("To do")
    ken.get_by_role("button", name="Complete: retire the project").click()
    expect(ken.get_by_text("is retired")).to_be_visible()
    screenshot(ken, "decommission-completed")

    # Weeks later, a bill arrives for the retired project.
    Project.objects.filter(pk=project.pk).update(phase_changed_at=clock.now() - timedelta(days=20))
    maria.goto(f"{live_server.url}/projects/product-recommender/ledger/")
    maria.get_by_label("Incurred on").fill(clock.today().isoformat())
    maria.get_by_label("Amount").first.fill("120.50")
    maria.get_by_label("Description").first.fill("Endpoint still running")
    maria.get_by_role("button", name="Add cost").click()
    expect(maria.get_by_role("cell", name="Endpoint still running")).to_be_visible()
    maria.goto(f"{live_server.url}/projects/product-recommender/")
    expect(maria.get_by_test_id("zombie-alert")).to_be_visible()
    screenshot(maria, "decommission-zombie")
