"""A person presses "/", types the start of a word, sees the results grouped under the box as they type,
opens every result on the search page and follows one."""
import pytest
from playwright.sync_api import expect

from adr import services as adr_services
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, TeamFactory, ToilItemFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation():
    team = TeamFactory(name="Warehouse platform", slug="warehouse-platform")
    lea = UserFactory(username="lea", first_name="Léa", last_name="Martin")
    MembershipFactory(team=team, user=lea)
    churn = ProjectFactory(team=team, name="Churn uplift", slug="churn-uplift")
    adr_services.adr_create(actor=lea, project=churn, title="Score in a nightly batch",
                            context="Offers change monthly, so a nightly batch over the warehouse is enough.")
    ToilItemFactory(project=churn, title="Rerun the warehouse export by hand")
    return lea


@pytest.mark.parametrize("width", [1280, 390])
def test_search_as_you_type_then_the_full_page(page, login, live_server, organisation, width):
    page.set_viewport_size({"width": width, "height": 900})
    login("lea", PASSWORD)
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search the portal")
    expect(box).to_be_focused()
    box.press_sequentially("wareh", delay=30)
    suggestions = page.locator("#search-suggestions")
    expect(suggestions).to_be_visible()
    for heading in ("Decisions", "Toil items", "Teams"):
        expect(suggestions.get_by_role("heading", name=heading)).to_be_visible()
    expect(suggestions.get_by_role("link", name="Score in a nightly batch")).to_be_visible()
    screenshot(page, f"search-suggestions-{width}")
    box.press("Escape")  # closes the results (and, in a search field, clears it)
    expect(suggestions).to_be_hidden()

    box.fill("wareh")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/search/?q=wareh")
    results = page.locator("#search-results")
    expect(results.locator("mark").first).to_have_text("warehouse")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    screenshot(page, f"search-results-{width}")
    page.locator("#search-page-q").fill("churn")
    expect(results.get_by_role("link", name="Churn uplift")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/search/?q=churn")
    results.get_by_role("link", name="Churn uplift").click()
    expect(page.get_by_role("heading", name="Churn uplift", level=1)).to_be_visible()
