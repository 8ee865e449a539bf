"""A decision's life in Chromium: written with a live preview, accepted by a second person,
superseded by a new decision, and found again through search."""
import re

import pytest
from playwright.sync_api import expect

from adr.models import Adr
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def accept_as_second_person(lea, live_server):
    log_in(lea, live_server, "lea")
    lea.goto(f"{live_server.url}/projects/churn-prediction/adrs/1/")
    lea.get_by_label("Accepted").check()
    lea.locator("form[action$='/review/']").get_by_role("textbox", name="Comment").fill("Agreed at the decision meeting.")
    lea.get_by_role("button", name="Sign off").click()
    expect(lea.get_by_text("ADR-0001 is now Accepted.")).to_be_visible()
    expect(lea.get_by_role("region", name="Sign-offs")).to_contain_text("Agreed at the decision meeting.")
    screenshot(lea, "adr-accepted")


def test_write_accept_supersede_and_find_a_decision(browser, page, live_server):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    MembershipFactory(team=team, user=UserFactory(username="sam", first_name="Sam", last_name="Okafor"))
    MembershipFactory(team=team, user=UserFactory(username="lea", first_name="Léa", last_name="Lambert"), role="lead")
    ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction")

    log_in(page, live_server, "sam")
    page.get_by_role("link", name="Decisions").click()
    page.goto(f"{live_server.url}/projects/churn-prediction/adrs/")
    page.get_by_role("link", name="Write a decision").click()
    page.get_by_role("textbox", name="Title", exact=True).fill("Score churn in a nightly batch")
    page.get_by_label("Context and problem statement").fill("Offers go out **monthly**; nobody needs fresher scores.")
    preview = page.locator("#adr-preview")
    expect(preview.locator("strong")).to_have_text("monthly")
    page.get_by_placeholder("Option title").first.fill("Nightly batch")
    page.get_by_role("button", name="Add an option").click()
    page.get_by_placeholder("Option title").nth(1).fill("Real-time API")
    page.get_by_role("button", name="Add an option").click()
    page.get_by_placeholder("Option title").nth(2).fill("Throwaway option")
    page.get_by_role("button", name="Remove").nth(2).click()
    expect(page.get_by_placeholder("Option title")).to_have_count(2)
    # People are picked by typing a name: the author is there already, Léa is found by "lam".
    makers = page.locator(".ts-wrapper").filter(has=page.locator("#id_decision_makers-ts-control"))
    expect(makers.locator(".item")).to_have_text([re.compile(r"^Sam Okafor \(sam\)")])
    page.get_by_role("combobox", name="Decision-makers", exact=True).fill("lam")
    found = page.locator("#id_decision_makers-ts-dropdown")
    expect(found.get_by_role("option", name="Sam Okafor (sam)")).to_have_count(0)
    found.get_by_role("option", name="Léa Lambert (lea)").click()
    page.keyboard.press("Escape")
    expect(makers.locator(".item")).to_have_text([re.compile(r"^Sam Okafor \(sam\)"), re.compile(r"^Léa Lambert \(lea\)")])
    expect(makers.get_by_title("Remove Léa Lambert (lea)")).to_be_visible()
    assert sorted(page.eval_on_selector("#id_decision_makers", "s => [...s.selectedOptions].map(o => o.text)")) == ["Léa Lambert (lea)", "Sam Okafor (sam)"]
    # The chosen option is picked among the options as typed.
    chosen = page.get_by_label("Chosen option")
    expect(chosen.locator("option")).to_have_text(["Not chosen yet", "Nightly batch", "Real-time API"])
    chosen.select_option("Nightly batch")
    expect(preview).to_contain_text("Chosen option: Nightly batch")
    page.get_by_label("Decision outcome: why this option").fill("The usage is monthly.")
    screenshot(page, "adr-write")
    page.get_by_role("combobox", name="Consulted", exact=True).fill("o")
    expect(page.locator("#id_consulted-ts-dropdown").get_by_role("option", name="Sam Okafor (sam)")).to_be_visible()
    screenshot(page, "people-picker-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "people-picker-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save as proposed").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("ADR-0001")
    expect(page.get_by_text("Proposed", exact=True)).to_be_visible()
    expect(page.get_by_text("Review this decision")).to_have_count(0)

    second = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    lea = second.new_page()
    lea.set_default_timeout(10_000)
    try:
        accept_as_second_person(lea, live_server)
    finally:
        second.close()

    page.reload()
    page.get_by_role("link", name="Supersede with a new decision").click()
    page.get_by_role("textbox", name="Title", exact=True).fill("Score churn in real time on the event stream")
    page.get_by_label("Context and problem statement").fill("Offers now go out daily from the app.")
    page.get_by_role("button", name="Save as proposed").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ADR-0002")
    expect(page.get_by_role("link", name=re.compile("ADR-0001 Score churn in a nightly batch"))).to_be_visible()

    page.goto(f"{live_server.url}/projects/churn-prediction/adrs/1/")
    expect(page.get_by_text("Superseded", exact=True)).to_be_visible()
    banner = page.locator("#superseded-banner")
    expect(banner).to_contain_text("This decision is superseded.")
    banner.get_by_role("link", name=re.compile("ADR-0002")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ADR-0002")
    page.go_back()
    screenshot(page, "adr-superseded")

    # The record leaves the portal as a MADR file that names people as `Name <username>`.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download MADR").click()
    assert download.value.suggested_filename == "0001-score-churn-in-a-nightly-batch.md"
    text = open(download.value.path(), encoding="utf-8").read()
    assert "- Léa Lambert <lea>" in text and text.startswith("---\nstatus: superseded\n")
    page.goto(f"{live_server.url}/projects/churn-prediction/adrs/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all (MADR zip)").click()
    assert download.value.suggested_filename == "churn-prediction-decisions.zip"

    page.get_by_role("link", name="Decisions").first.click()
    page.get_by_label("Search title and content").fill("fresher scores")
    page.get_by_role("button", name="Filter").click()
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Score churn in a nightly batch")
    expect(results.first).to_contain_text("Superseded")
    expect(page).to_have_url(re.compile(r"[?&]q=fresher"))
    shared = page.url
    page.goto(shared)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    screenshot(page, "adr-search")
    assert Adr.objects.get(number=1).status == "superseded"


def test_pay_back_a_shortcut_with_a_one_off_ticket(page, live_server):
    from datetime import timedelta

    from adr.models import Cell, Placement
    from projects import clock

    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    sam = MembershipFactory(team=team, user=UserFactory(username="sam", first_name="Sam", last_name="Okafor")).user
    project = ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction")
    adr = Adr.objects.create(project=project, number=1, title="Score with a cron job for now", author=sam)
    Placement.objects.create(adr=adr, cell=Cell.CONSCIOUS_RECKLESS, placed_by=sam, reason="Launch week",
                             revisit_by=clock.today() + timedelta(days=30))
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{adr.get_absolute_url()}")
    expect(page.get_by_test_id("no-remediation-flag")).to_be_visible()
    page.get_by_role("link", name="Add a one-off ticket").click()
    expect(page.get_by_role("heading", name="New one-off ticket")).to_be_visible()
    page.get_by_label("Title").fill("Move scoring into the scheduler")
    page.get_by_label("Due on").fill((clock.today() + timedelta(days=14)).isoformat())
    page.get_by_label("Link to the ticket").fill("tracker.example/PAY-12")
    expect(page.get_by_label("Owner")).to_have_value(str(sam.pk))
    page.get_by_role("button", name="Add ticket").click()
    ticket = page.get_by_test_id("tickets").get_by_role("listitem").first
    expect(ticket).to_contain_text("Move scoring into the scheduler")
    expect(ticket).to_contain_text("due ")
    expect(ticket.get_by_role("link", name="Open the ticket")).to_have_attribute("href", "https://tracker.example/PAY-12")
    expect(page.get_by_test_id("no-remediation-flag")).to_have_count(0)
    screenshot(page, "one-off-ticket-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "one-off-ticket-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ticket.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("“Move scoring into the scheduler” is done.")).to_be_visible()
    expect(page.get_by_test_id("tickets").get_by_role("listitem").first).to_contain_text("done ")
