"""Shared fixtures: the roles of the portal, each as a logged-in client."""
import pytest
from django.test import Client

from tests.factories import MembershipFactory, TeamFactory, UserFactory, make_admin, make_manager


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
