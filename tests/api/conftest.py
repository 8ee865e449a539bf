"""Fixtures for the API tests: tokens and clients that send them."""
from datetime import timedelta

import pytest
from django.test import Client

from portal import services
from projects import clock
from tests.factories import ProjectFactory


def make_token(user, scope: str = "write", days: int = 30, name: str = "pipeline") -> str:
    return services.api_token_create(
        actor=user, name=name, scope=scope, expires_on=clock.today() + timedelta(days=days)
    ).secret


def api_client(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def member_api(member):
    return api_client(make_token(member))


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, name="Churn model", slug="churn-model")


@pytest.fixture
def other_project(other_team):
    return ProjectFactory(team=other_team, name="Fraud model", slug="fraud-model")
