"""A team member's toil journey in Chromium: classify a new item with the helper, log time twice,
drag the card to automated, and see the team's share and the item's before/after numbers."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import clock
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, TeamFactory, UserFactory
from toil.models import TimeLog, ToilItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_classifies_logs_automates_and_sees_the_gain(page, login, live_server):
    team = TeamFactory(name="Risk & Fraud", slug="risk-fraud", hourly_rate=Decimal("90"))
    MembershipFactory(team=team, user=UserFactory(username="olga", first_name="Olga", last_name="Ivanova"),
                      weekly_hours=Decimal("35"), joined_on=date(2025, 1, 6))
    project = ProjectFactory(team=team, name="Card fraud scoring", slug="fraud-scoring")
    login("olga", PASSWORD)

    page.goto(f"{live_server.url}/projects/{project.slug}/toil/")
    page.get_by_role("link", name="New toil item").click()
    page.get_by_label("Title").fill("Restart the scoring pods after certificate rotation")
    for criterion in ("Manual", "Repetitive", "Automatable"):
        page.get_by_label(criterion, exact=True).check()
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("(3 criteria of 6)")
    page.get_by_label("Tactical", exact=True).check()
    expect(suggestion).to_contain_text("Suggestion: Toil (4 criteria of 6)")
    page.get_by_label("Minutes per occurrence").fill("120")
    page.get_by_label("Effort to automate (hours)").fill("24")
    screenshot(page, "toil-new-item")
    page.get_by_role("button", name="Add toil item").click()

    expect(page.get_by_test_id("classification")).to_have_text("Toil")
    expect(page.get_by_test_id("hours-per-month")).to_have_text("8.7")
    item = ToilItem.objects.get()

    # First log: the form, for a day three weeks ago.
    page.locator("#id_minutes").fill("120")
    page.get_by_label("Day", exact=True).fill((clock.today() - timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Log", exact=True).click()
    expect(page.get_by_text("Logged 120 minutes.")).to_be_visible()

    # Second log: two clicks from the board.
    page.goto(f"{live_server.url}/projects/{project.slug}/toil/")
    card = page.locator(f"#card-{item.pk}")
    card.get_by_role("button", name="Log").click()
    card.get_by_role("button", name="30 minutes").click()
    expect(page.locator(f"#card-{item.pk}")).to_contain_text("150 min logged in 30 days")
    assert sorted(TimeLog.objects.values_list("minutes", flat=True)) == [30, 120]

    # Drag the card to "Automated".
    with page.expect_response(lambda response: response.url.endswith(f"/toil/items/{item.pk}/move/")) as moved:
        page.locator(f"#card-{item.pk}").drag_to(page.locator('.toil-column-list[data-status="automated"]'))
    assert moved.value.status == 200
    expect(page.locator(f'.toil-column-list[data-status="automated"] #card-{item.pk}')).to_have_attribute(
        "data-status", "automated"
    )
    expect(page.locator(f'#card-{item.pk} select[name="status"]')).to_have_value("automated")
    item.refresh_from_db()
    assert item.status == "automated"
    assert item.events.filter(status="automated").exists()
    expect(page.locator('[data-count="automated"]')).to_have_text("1")
    screenshot(page, "toil-project-board")

    # Ten days pass after the change.
    ToilItem.objects.filter(pk=item.pk).update(finished_on=clock.today() - timedelta(days=10))
    page.goto(f"{live_server.url}/toil/items/{item.pk}/")
    gain = page.get_by_test_id("gain")
    expect(gain).to_be_visible()
    expect(page.get_by_test_id("before")).to_have_text("6.1")
    expect(page.get_by_test_id("after")).to_have_text("0.0")
    expect(page.get_by_test_id("saved")).to_have_text("6.1")
    expect(page.get_by_test_id("actual-payback")).to_have_text("3.9 months")
    screenshot(page, "toil-item-gain")

    page.goto(f"{live_server.url}/teams/{team.slug}/")
    share = page.get_by_test_id("toil-share")
    expect(share.get_by_role("heading", name="Toil share · Risk & Fraud")).to_be_visible()
    expect(share.locator("canvas[data-toil-chart]")).to_have_attribute("data-drawn", "1")
    screenshot(page, "toil-team-share")

    page.get_by_role("link", name="Toil", exact=True).click()
    expect(page.get_by_role("heading", name="Toil backlog")).to_be_visible()
    expect(page.locator(f"#card-{item.pk}")).to_be_visible()
    # Each log hands every month's toil cost to the ledger, priced at 90 an hour.
    today = clock.today()
    same_month = (today - timedelta(days=20)).month == today.month
    expected_minutes = 150 if same_month else 30
    from projects.ledger.models import CostEntry

    toil_cost = CostEntry.objects.get(
        project=item.project, source=CostEntry.Source.TOIL, incurred_on=today.replace(day=1), voided_at__isnull=True
    )
    assert toil_cost.amount == Decimal(expected_minutes * 90) / 60


def test_board_filters_by_team_and_shows_the_demo_team_above_the_cap(page, login, live_server):
    from django.core.management import call_command

    call_command("seed_demo")
    login("maria", "governance-demo")
    page.get_by_role("link", name="Toil", exact=True).click()
    expect(page.get_by_role("heading", name="Toil backlog")).to_be_visible()
    page.get_by_label("Team").select_option(label="Risk & Fraud")
    expect(page.get_by_test_id("share-badge")).to_contain_text("Above the cap")
    expect(page).to_have_url(f"{live_server.url}/toil/?team=risk-fraud&project=&owner=&classification=&strategy=&q=")
    expect(page.locator(".toil-card").first).to_contain_text("Risk & Fraud")
    expect(page.locator(".toil-card", has_text="Customer Analytics")).to_have_count(0)
    expect(page.locator(".toil-card .move-form")).to_have_count(0)  # a manager reads; the team moves cards
    expect(page.locator("canvas[data-toil-chart]")).to_have_attribute("data-drawn", "1")
    screenshot(page, "toil-board-risk")


def test_lead_sets_a_wip_limit_and_the_board_reads_at_both_widths(page, login, live_server):
    team = TeamFactory(name="Risk & Fraud", slug="risk-fraud")
    MembershipFactory(team=team, user=UserFactory(username="olga", first_name="Olga", last_name="Ivanova"), role="lead")
    MembershipFactory(team=team, user=UserFactory(username="tom", first_name="Tom", last_name="Berg"))
    project = ProjectFactory(team=team, name="Card fraud scoring", slug="fraud-scoring")
    olga, tom = (team.members.get(username=name) for name in ("olga", "tom"))
    ToilItem.objects.create(project=project, title="Rotate the scoring keys", minutes_per_occurrence=30, status="in_progress", owner=olga)
    waiting = ToilItem.objects.create(project=project, title="Rerun the failed feed", minutes_per_occurrence=20, status="planned", owner=tom)
    login("olga", PASSWORD)

    page.goto(f"{live_server.url}/projects/{project.slug}/toil/")
    page.get_by_role("link", name="WIP limits").click()
    page.get_by_label("In progress").fill("1")
    page.get_by_role("button", name="Save limits").click()
    expect(page.get_by_text("WIP limits of Risk & Fraud saved.")).to_be_visible()
    wip = page.locator("#wip-in_progress")
    expect(wip).to_have_text("Risk & Fraud: 1 of 1")
    expect(wip).to_have_class(re.compile(r"\bwip-full\b"))

    # Every column's Move menu shows its choice in full at 1,280 px.
    for select in page.locator(".move-form select").all():
        assert select.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), select.input_value()
    screenshot(page, "toil-board-wip-1280")

    # Moving past the limit is allowed, and said; the column turns red at once. Choosing in a card's menu
    # leaves the board's filter alone.
    card = page.locator(f"#card-{waiting.pk}")
    card.get_by_label("Move “Rerun the failed feed” to").select_option("in_progress")
    card.get_by_role("button", name="Move").click()
    expect(page.get_by_test_id("wip-notice")).to_contain_text("over its WIP limit of 1")
    expect(wip).to_have_text("Risk & Fraud: 2 of 1 · over the WIP limit")
    expect(wip).to_have_class(re.compile(r"\bwip-over\b"))

    # The share chart's legend has the bars' colours.
    legend = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector("canvas[data-toil-chart]"));
        return chart.legend.legendItems.map((item) => [item.text, item.fillStyle]);
    }""")
    assert legend[:3] == [["Under control", "#198754"], ["Warning", "#ffc107"], ["Above the cap", "#dc3545"]]

    # The board filters by owner.
    page.goto(f"{live_server.url}/toil/")
    page.get_by_label("Owner").select_option(label="Tom Berg (tom)")
    expect(page.locator(".toil-card")).to_have_count(1)
    expect(page.locator(".toil-card")).to_contain_text("Rerun the failed feed")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/projects/{project.slug}/toil/")
    screenshot(page, "toil-board-wip-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
