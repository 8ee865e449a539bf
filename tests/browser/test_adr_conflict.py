"""Two people edit the same decision in Chromium at once: the second sees both versions side by side,
chooses field by field, and the first person's change survives."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from adr import services
from adr.models import Adr
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
FIRST_CHANGE = "Offers go out monthly, on the first Monday."


def side_by_side(conflict, field: str) -> bool:
    """Whether the two versions of a field stand next to each other (else one above the other)."""
    group = conflict.get_by_role("group", name=field)
    theirs = group.locator("pre").first.bounding_box()
    mine = group.locator("pre").last.bounding_box()
    return abs(theirs["y"] - mine["y"]) < 1 and theirs["x"] + theirs["width"] <= mine["x"]


def test_the_second_editor_chooses_field_by_field_and_the_first_change_is_kept(page, login, session, live_server):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    sam = MembershipFactory(team=team, user=UserFactory(username="sam", first_name="Sam", last_name="Okafor")).user
    MembershipFactory(team=team, user=UserFactory(username="lea", first_name="Léa", last_name="Lambert"), role="lead")
    project = ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction")
    adr = services.adr_create(actor=sam, project=project, title="Score churn in a nightly batch", context="Offers go out monthly.",
                              options=[{"title": "Nightly batch"}, {"title": "Real-time API"}], chosen_option="Nightly batch")
    edit_url = f"{live_server.url}{adr.get_absolute_url()}edit/"

    login("sam", PASSWORD)
    lea = session("lea", PASSWORD)
    other_tab = lea.context.new_page()
    for editor in (page, lea, other_tab):
        editor.goto(edit_url)

    page.get_by_label("Context and problem statement").fill(FIRST_CHANGE)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("ADR-0001 saved.")).to_be_visible()

    lea.get_by_label("Context and problem statement").fill("Offers go out monthly; scores refresh nightly.")
    lea.get_by_label("Consequences").fill("One more nightly job to watch.")
    lea.get_by_role("button", name="Save changes").click()

    conflict = lea.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Sam Okafor saved version 2")
    context = conflict.get_by_role("group", name="Context and problem statement")
    expect(context.locator("pre").first).to_have_text(FIRST_CHANGE)
    expect(context.locator("pre").last).to_have_text("Offers go out monthly; scores refresh nightly.")
    expect(context.get_by_label("Keep theirs")).not_to_be_checked()
    expect(context.get_by_label("Keep mine")).not_to_be_checked()
    consequences = conflict.get_by_role("group", name="Consequences")
    expect(consequences.get_by_label("Keep mine")).to_be_checked()
    expect(lea.get_by_label("Consequences", exact=True)).to_have_value("One more nightly job to watch.")

    lea.add_script_tag(url=f"{live_server.url}/static/vendor/axe.min.js")
    violations = lea.evaluate("async () => (await axe.run('[data-testid=conflict]', {resultTypes: ['violations']})).violations")
    assert [violation["id"] for violation in violations if violation["impact"] in ("serious", "critical")] == []

    SHOTS.mkdir(exist_ok=True)
    assert side_by_side(conflict, "Context and problem statement")
    conflict.screenshot(path=str(SHOTS / "adr-conflict-1280.png"))
    lea.set_viewport_size({"width": 390, "height": 844})
    assert not side_by_side(conflict, "Context and problem statement")
    conflict.screenshot(path=str(SHOTS / "adr-conflict-390.png"))
    lea.set_viewport_size({"width": 1280, "height": 900})
    screenshot(lea, "adr-conflict")

    lea.get_by_role("button", name="Save changes").click()
    expect(context.get_by_text("Both of you changed this field: choose which version to keep.")).to_be_visible()
    assert Adr.objects.get(pk=adr.pk).version == 2

    context.get_by_text("Keep theirs").click()
    expect(context.get_by_label("Keep theirs")).to_be_checked()
    lea.get_by_role("button", name="Save changes").click()
    expect(lea.get_by_text("ADR-0001 saved.")).to_be_visible()
    expect(lea.get_by_role("main")).to_contain_text(FIRST_CHANGE)
    expect(lea.get_by_role("main")).to_contain_text("One more nightly job to watch.")

    other_tab.get_by_label("Context and problem statement").fill("An edit from a forgotten tab.")
    other_tab.get_by_role("button", name="Save changes").click()
    expect(other_tab.get_by_test_id("conflict")).to_be_visible()

    adr.refresh_from_db()
    assert (adr.context, adr.consequences, adr.version) == (FIRST_CHANGE, "One more nightly job to watch.", 3)
