"""Shared fixtures: the roles of the portal, each as a logged-in client; the day the suite runs on."""
import os
import time

import pytest
from django.test import Client

from tests.factories import MembershipFactory, TeamFactory, UserFactory, make_admin, make_manager

# The day the suite runs on when neither --today nor PORTAL_TODAY names one: a Wednesday in mid-month.
DEFAULT_TODAY = "2026-11-18T10:00"


def pytest_addoption(parser):
    parser.addoption(
        "--today", metavar="YYYY-MM-DD[THH:MM]",
        help=f"run the suite as if on that day (a wall-clock time in TIME_ZONE; the clock runs on from there). "
             f"Default: PORTAL_TODAY, else {DEFAULT_TODAY}.",
    )


def pytest_configure(config):
    """Start the one clock (projects.clock) at the chosen instant, in this process and, through the
    environment, in every process the tests start."""
    from projects import clock

    value = (config.getoption("--today") or os.environ.get(clock.ENVIRONMENT_VARIABLE) or DEFAULT_TODAY).strip()
    try:
        clock.parse_start(value, "UTC")  # the form only: the zone is read when the clock is
    except ValueError as error:
        raise pytest.UsageError(f"--today: {error}") from error
    os.environ[clock.ENVIRONMENT_VARIABLE] = value
    os.environ[clock.STARTED_VARIABLE] = repr(time.time())


def pytest_report_header(config):
    from django.conf import settings

    from projects import clock

    return f"clock: {clock.now():%Y-%m-%d %H:%M} UTC, today {clock.today()} in {settings.TIME_ZONE}"


@pytest.fixture
def set_clock(monkeypatch):
    """Move the one clock for one test: `set_clock("2027-01-01T00:30")`, a wall-clock time in TIME_ZONE.
    The clock reads the environment on every call, so the run's clock comes back with it afterwards."""
    from projects import clock

    def move(value: str) -> None:
        monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, value)
        monkeypatch.setenv(clock.STARTED_VARIABLE, repr(time.time()))

    return move


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """A request in another language leaves it active on the thread: the next test starts in the default again."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def team():
    return TeamFactory(name="Customer Analytics", slug="customer-analytics")


@pytest.fixture
def other_team():
    return TeamFactory(name="Risk", slug="risk")


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, user=UserFactory(username="member")).user


@pytest.fixture
def lead(team):
    return MembershipFactory(team=team, user=UserFactory(username="lead"), role="lead").user


@pytest.fixture
def outsider(other_team):
    return MembershipFactory(team=other_team, user=UserFactory(username="outsider")).user


@pytest.fixture
def manager():
    return make_manager(username="manager")


@pytest.fixture
def admin_user():
    return make_admin(username="root")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
