"""Shared fixtures: the roles of the portal, each as a logged-in client; the day the suite runs on."""
import os
import time
from datetime import datetime

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
    if not any(_parses(value, pattern) for pattern in clock.FORMATS):
        raise pytest.UsageError(f"--today={value}: give a day (YYYY-MM-DD) or a day and time (YYYY-MM-DDTHH:MM).")
    os.environ[clock.ENVIRONMENT_VARIABLE] = value
    os.environ[clock.STARTED_VARIABLE] = repr(time.time())


def pytest_report_header(config):
    from django.conf import settings

    from projects import clock

    return f"clock: {clock.now():%Y-%m-%d %H:%M} UTC, today {clock.today()} in {settings.TIME_ZONE}"


@pytest.fixture
def set_clock():
    """Move the one clock for one test: `set_clock("2027-01-01T00:30")`, a wall-clock time in TIME_ZONE.
    The run's clock comes back afterwards."""
    from projects import clock

    saved = {name: os.environ.get(name) for name in (clock.ENVIRONMENT_VARIABLE, clock.STARTED_VARIABLE)}

    def move(value: str) -> None:
        os.environ[clock.ENVIRONMENT_VARIABLE] = value
        os.environ[clock.STARTED_VARIABLE] = repr(time.time())

    yield move
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _parses(value: str, pattern: str) -> bool:
    try:
        datetime.strptime(value, pattern)
    except ValueError:
        return False
    return True


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
