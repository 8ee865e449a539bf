"""A demo member logs in through the browser and sees their home page."""
import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_member_logs_in_and_sees_home(page, login, capsys):
    call_command("seed_demo", "--json")
    logins = json.loads(capsys.readouterr().out)["users"]
    sam = next(user for user in logins if user["role"] == "member")

    login(sam["username"], sam["password"])

    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.get_by_role("link", name="Customer Analytics")).to_be_visible()
    screenshot(page, "home-member")


def test_wrong_password_shows_an_error(page, live_server, django_user_model):
    django_user_model.objects.create_user("someone", password="right-password-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("someone")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "/accounts/login/" in page.url
