"""The decision matrix in Chromium: place a decision as a conscious and reckless shortcut from its page,
then move another card with the keyboard-friendly Move menu, give the reason, and see the counts change."""
import pytest
from playwright.sync_api import expect

from adr import services
from adr.models import Cell
from tests.browser.test_adr import log_in
from tests.factories import MembershipFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_place_a_shortcut_and_move_a_card_with_a_reason(page, live_server):
    from tests.browser.conftest import screenshot

    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    sam = MembershipFactory(team=team, user=UserFactory(username="sam")).user
    project = ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction")
    services.adr_create(actor=sam, project=project, title="Send the report by hand while SMTP is down")
    batch = services.adr_create(actor=sam, project=project, title="Load sales with ETL")
    services.placement_set(actor=sam, adr=batch, cell=Cell.CONSCIOUS_PRUDENT)

    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/projects/churn-prediction/adrs/1/")
    page.get_by_label("Did we know the trade-off when we decided?").check()
    page.get_by_label("Were we deciding under pressure?").check()
    expect(page.locator("#placement-suggestion")).to_have_text("Conscious and reckless")
    page.get_by_label("Revisit by").fill("2030-01-31")
    page.get_by_role("button", name="Place").click()
    expect(page.get_by_text("ADR-0001 placed as Conscious and reckless.")).to_be_visible()

    page.goto(f"{live_server.url}/decisions/matrix/")
    expect(page.locator('[data-count="conscious_reckless"]')).to_have_text("1")
    expect(page.locator('[data-count="unconscious_prudent"]')).to_have_text("0")
    page.get_by_role("button", name="Move ADR-0002").click()
    page.locator(".matrix-card", has_text="Load sales with ETL").get_by_role("button", name="Unconscious and prudent").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason").fill("Hindsight: ELT in the warehouse fits better.")
    screenshot(page, "adr-matrix-move")
    dialog.get_by_role("button", name="Record the new placement").click()
    expect(page.get_by_text("moved to Unconscious and prudent")).to_be_visible()
    expect(page.locator('[data-count="unconscious_prudent"]')).to_have_text("1")
    expect(page.locator('[data-count="conscious_prudent"]')).to_have_text("0")
    screenshot(page, "adr-matrix")


def test_drag_a_card_to_another_cell_asks_for_the_reason(page, live_server):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    sam = MembershipFactory(team=team, user=UserFactory(username="sam")).user
    project = ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction")
    adr = services.adr_create(actor=sam, project=project, title="Adopt an experimental library")
    services.placement_set(actor=sam, adr=adr, cell=Cell.CONSCIOUS_PRUDENT)

    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/decisions/matrix/")
    page.locator(".matrix-card", has_text="Adopt an experimental library").drag_to(page.locator('ul[data-cell="unconscious_reckless"]'))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Move to")).to_have_value("unconscious_reckless")
    dialog.get_by_label("Reason").fill("Nobody else uses it: we did not know what we took on.")
    dialog.get_by_role("button", name="Record the new placement").click()
    expect(page.locator('[data-count="unconscious_reckless"]')).to_have_text("1")
    assert adr.placements.last().cell == Cell.UNCONSCIOUS_RECKLESS
