"""axe-core (static/vendor/axe.min.js) in Chromium over the main pages, with the demo data: no
serious or critical violation. The toil kanban's drag and drop has a keyboard alternative."""
import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("home", "/"),
    ("projects", "/projects/"),
    ("project", "/projects/{slug}/"),
    ("project ledger", "/projects/{slug}/ledger/"),
    ("ledger", "/ledger/"),
    ("toil board", "/toil/"),
    ("project toil", "/projects/{slug}/toil/"),
    ("decommissions", "/decommissions/"),
    ("teams", "/teams/"),
    ("api tokens", "/accounts/tokens/"),
    ("decisions", "/decisions/"),
    ("decision matrix", "/decisions/matrix/"),
    ("project decisions", "/projects/{slug}/adrs/"),
    ("decision record", "{adr}"),
]


def _axe(page, live_server) -> list[dict]:
    # Loaded from the portal's own origin: the CSP allows it like any other static script.
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": violation["id"], "impact": violation["impact"], "help": violation["help"],
         "nodes": [node["target"] for node in violation["nodes"]][:5]}
        for violation in result["violations"] if violation["impact"] in ("serious", "critical")
    ]


def _demo_login(login, capsys, role: str) -> dict:
    call_command("seed_demo", "--json")
    demo = json.loads(capsys.readouterr().out)
    user = next(user for user in demo["users"] if user["role"] == role)
    login(user["username"], user["password"])
    return demo


def test_main_pages_have_no_serious_accessibility_violation(page, live_server, login, capsys):
    demo = _demo_login(login, capsys, "member")
    slug = demo["projects"][0]["slug"] if isinstance(demo["projects"][0], dict) else demo["projects"][0]
    from adr.models import Adr

    adr = Adr.objects.filter(project__slug=slug).order_by("number").first() or Adr.objects.order_by("pk").first()
    found = {}
    for name, path in PAGES:
        page.goto(live_server.url + path.format(slug=slug, adr=adr.get_absolute_url()))
        page.wait_for_load_state("networkidle")
        violations = _axe(page, live_server)
        if violations:
            found[name] = violations
            screenshot(page, f"a11y-{name.replace(' ', '-')}")
    assert not found, json.dumps(found)


def test_toil_cards_move_with_the_keyboard(page, live_server, login, capsys):
    """The kanban's drag and drop has a keyboard path: the card's "Move" select and button."""
    demo = _demo_login(login, capsys, "member")
    member = next(user for user in demo["users"] if user["role"] == "member")
    from toil.models import ToilItem

    item = ToilItem.objects.filter(project__team__memberships__user__username=member["username"]).first()
    page.goto(f"{live_server.url}/projects/{item.project.slug}/toil/")
    select = page.locator(f"#move-{item.pk}")
    select.focus()
    page.keyboard.press("ArrowUp" if select.evaluate("el => el.selectedIndex === el.options.length - 1") else "ArrowDown")
    chosen = select.input_value()
    assert chosen != item.status
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Move"
    page.keyboard.press("Enter")
    page.locator(f"#card-{item.pk}[data-status='{chosen}']").wait_for()
    item.refresh_from_db()
    assert item.status == chosen
    screenshot(page, "toil-keyboard-move")


def test_matrix_cards_move_with_the_keyboard(page, live_server, login, capsys):
    """The matrix's drag and drop has a keyboard path: the card's Move menu, then the reason dialog."""
    _demo_login(login, capsys, "manager")
    from adr.models import Adr

    page.goto(f"{live_server.url}/decisions/matrix/")
    card = page.locator(".matrix-card").first
    adr = Adr.objects.get(pk=card.get_attribute("data-adr"))
    placements = adr.placements.count()
    card.get_by_role("button", name="Move").focus()
    page.keyboard.press("Enter")
    # A reckless placement also needs a revisit date: pick a prudent cell, with the arrow keys.
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        cell = page.evaluate("document.activeElement.dataset.moveCell")
        if cell and cell.endswith("prudent"):
            break
    assert cell and cell.endswith("prudent")
    page.keyboard.press("Enter")
    reason = page.locator("#move-modal [name=reason]")
    reason.wait_for()
    expect(reason).to_be_focused()
    page.keyboard.type("Re-judged after the incident review.")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="moved to")).to_be_visible()
    adr.refresh_from_db()
    assert adr.placements.count() == placements + 1
    assert adr.placements.order_by("-placed_at", "-pk").first().cell == cell
    screenshot(page, "matrix-keyboard-move")
