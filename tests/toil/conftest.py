"""Fixtures for the toil tests: a project of the `team` fixture, and a recorder for the ledger hand-off."""
import pytest

from tests.factories import ProjectFactory


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, name="Churn prediction", slug="churn")


@pytest.fixture
def ledger_calls(monkeypatch):
    """Records what toil hands to the ledger, and lets it through to the real ledger service."""
    from toil import services

    calls = []
    real = services._write_toil_cost

    def record(project, month, minutes):
        calls.append((project.slug, month, minutes))
        real(project, month, minutes)

    monkeypatch.setattr("toil.services._write_toil_cost", record)
    return calls
