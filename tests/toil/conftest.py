"""Fixtures for the toil tests: a project of the `team` fixture, and a recorder for the ledger hand-off."""
import pytest

from tests.factories import ProjectFactory


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, name="Churn prediction", slug="churn")


@pytest.fixture
def ledger_calls(monkeypatch):
    """The ledger's `ledger_set_toil_cost` is built on another branch and not merged yet: record what
    toil hands to `_write_toil_cost` instead. The only stand-in in the toil tests."""
    calls = []
    monkeypatch.setattr(
        "toil.services._write_toil_cost",
        lambda project, month, hours, amount: calls.append((project.slug, month, hours, amount)),
    )
    return calls
