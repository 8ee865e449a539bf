"""A manager uploads a FOCUS export, watches the import finish, and reads a project's ledger."""
import threading

import pytest
from playwright.sync_api import expect

from projects import clock
from projects.ledger import tasks
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, ProjectFactory, TeamFactory, make_manager
from tests.ledger.focus_files import row, tag, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_imports_focus_file_and_sees_chart_and_unallocated_total(page, live_server, login, tmp_path, monkeypatch, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    team = TeamFactory(name="Risk & Fraud", slug="risk-fraud")
    ProjectFactory(team=team, slug="fraud-scoring", name="Fraud scoring", phase="run")
    manager = make_manager(username="maria")
    today = clock.today()
    month = f"{today:%Y-%m}-01T00:00:00Z"
    rows = [row(Tags=tag("fraud-scoring"), EffectiveCost="120.5", ChargePeriodStart=month, BillingPeriodStart=month) for _ in range(30)]
    rows += [row(EffectiveCost="42.25", ServiceName="Shared storage", ChargePeriodStart=month, BillingPeriodStart=month)]
    path = write(tmp_path / "focus-export.csv", rows)
    # The worker is a thread started once the page shows the queued import, as a real worker would pick it up.
    queued = []
    monkeypatch.setattr(tasks.import_focus, "delay", lambda import_id: queued.append(import_id))

    login("maria", PASSWORD)
    page.get_by_role("link", name="Ledger").click()
    page.get_by_label("FOCUS CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()

    progress = page.get_by_role("progressbar", name="Import progress")
    progress.wait_for()
    screenshot(page, "ledger-import-progress")
    worker = threading.Thread(target=tasks.import_focus, args=(queued[0],))
    worker.start()
    worker.join()
    page.get_by_text("Imported", exact=True).wait_for()
    expect(progress).to_have_count(0)
    expect(page.get_by_test_id("unallocated-total")).to_have_text("€42.25")
    screenshot(page, "ledger-home")

    page.goto(f"{live_server.url}/projects/fraud-scoring/ledger/")
    expect(page.locator("#ledger-chart")).to_be_visible()
    expect(page.get_by_role("row", name=today.strftime("%b %Y"))).to_be_visible()
    expect(page.get_by_role("row", name=today.strftime("%b %Y"))).to_contain_text("3,615.00")
    expect(page.get_by_test_id("unallocated")).to_contain_text("€42.25")
    screenshot(page, "ledger-project")


def test_member_adds_and_voids_a_value_entry_inline(page, live_server, login):
    from tests.factories import MembershipFactory, UserFactory

    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    ProjectFactory(team=team, slug="churn-prediction", name="Churn prediction", phase="build")
    MembershipFactory(team=team, user=UserFactory(username="sam"))

    login("sam", PASSWORD)
    page.goto(f"{live_server.url}/projects/churn-prediction/ledger/")
    figures = page.locator("#ledger-figures")
    expect(figures.get_by_text("No costs or value recorded yet.")).to_be_visible()
    form = page.get_by_role("form", name="Add a value")
    form.get_by_label("Amount").fill("2500")
    form.get_by_role("button", name="Add value").click()
    page.locator("#id_value-evidence-error").wait_for()
    form = page.get_by_role("form", name="Add a value")
    form.get_by_label("Amount").fill("2500")
    form.get_by_label("Evidence").fill("Retention campaign: **212 customers kept**, measured against a control group.")
    form.get_by_role("button", name="Add value").click()
    page.get_by_text("Value recorded.").wait_for()
    expect(page.locator("#ledger-entries strong", has_text="212 customers kept")).to_be_visible()
    # The figures follow the entry without a reload: the month's value, and the chart drawn again.
    expect(figures.get_by_role("row").filter(has_text="2,500.00")).to_have_count(1)
    expect(page.locator("#ledger-chart")).to_have_attribute("data-drawn", "1")
    screenshot(page, "ledger-value-added")

    row = page.get_by_role("row", name="212 customers kept")
    # Voiding hides behind its own disclosure so a row is not a form until asked.
    expect(row.get_by_label("Reason for voiding")).to_be_hidden()
    row.get_by_text("Void…").click()
    row.get_by_label("Reason for voiding").fill("Control group was too small")
    row.get_by_role("button", name="Void", exact=True).click()
    page.get_by_text("Entry voided.").wait_for()
    expect(page.get_by_text("No value entries.")).to_be_visible()
    expect(figures.get_by_role("row").filter(has_text="2,500.00")).to_have_count(0)
