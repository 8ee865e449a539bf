"""At 390 px wide, no page of the portal scrolls sideways: every page of the permission matrix that
answers GET with HTML is opened in Chromium as the admin (who may open them all) and as a member."""
import pytest
from django.urls import reverse

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD
from tests.security.org import build_org
from tests.security.test_permission_matrix import CASES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390

# The elements that stick out of the viewport, outside any wrapper that scrolls or clips them.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(parent).overflowX)) return true;
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !clipped(element)) {
      found.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}.${[...element.classList].join(".")} (${Math.round(box.right)} px)`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, found: found.slice(0, 5)};
}"""


def html_pages(org, role: str) -> list[str]:
    urls = []
    for case in CASES:
        if not case.get or role not in case.get or case.setup is not None:
            continue
        url = reverse(case.name, kwargs=case.kwargs(org, role))
        if url not in urls:
            urls.append(url)
    return urls


@pytest.mark.parametrize("role", ["admin", "member"])
def test_no_page_scrolls_sideways_at_390_px(browser, live_server, role):
    org = build_org()
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(org.users[role].username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        wide, seen = {}, 0
        for url in html_pages(org, role):
            if url.startswith("/accounts/logout"):
                continue
            response = page.request.get(f"{live_server.url}{url}")
            if "text/html" not in response.headers.get("content-type", "") or response.status >= 300:
                continue
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            seen += 1
            measured = page.evaluate(OVERFLOWING)
            if measured["scroll"] > measured["width"] + 1:
                wide[url] = measured
            if role == "admin" and url in ("/projects/", "/decisions/"):
                screenshot(page, f"small-screen{url.rstrip('/').replace('/', '-')}-390")
        assert seen >= 30, seen
        assert not wide, "\n".join(f"{url}: {m['scroll']} px wide; {m['found']}" for url, m in wide.items())
    finally:
        context.close()
