"""Chromium, driven by Playwright, against the live test server."""
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield browser
        browser.close()


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _log_in(page, live_server, username: str, password: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    return lambda username, password: _log_in(page, live_server, username, password)


@pytest.fixture
def session(browser, live_server):
    """Another person at another browser: `session("maria", password)` gives their logged-in page."""
    contexts = []

    def open_session(username: str, password: str):
        context, page = _new_page(browser)
        contexts.append(context)
        return _log_in(page, live_server, username, password)

    yield open_session
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
