"""One amount, one look: the portfolio, the project's ledger, the decommission evidence and the weekly digest
show the same figure in the same style, in English and in French (whole units on the dashboards)."""
from decimal import Decimal

import pytest
from django.utils import translation

from portal import portfolio
from projects import clock
from projects.decommission.services import decommission_request
from projects.ledger.months import add_months, month_start
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.conftest import client_for
from tests.factories import CostEntryFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
IN_LANGUAGES = pytest.mark.parametrize(("language", "exact", "whole"), [
    ("en", "€22,907.79", "€22,908"),
    ("fr", f"22{NNBSP}907,79{NBSP}€", f"22{NNBSP}908{NBSP}€"),
])


@pytest.fixture
def churn(team):
    """A project in run whose only cost, last month, is 22,907.79 of the base currency."""
    project = ProjectFactory(team=team, name="Churn model", slug="churn-model")
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    last_month = add_months(month_start(clock.today()), -1)
    CostEntryFactory(project=project, incurred_on=last_month.replace(day=10), amount=Decimal("22907.79"))
    ledger_rollup()
    project.refresh_from_db()
    return project


@IN_LANGUAGES
def test_the_portfolio_shows_the_amount_in_whole_units(churn, member, language, exact, whole):
    page = client_for(member).get("/portfolio/", headers={"accept-language": language}).content.decode()
    assert f'id="total-cost">{whole}</div>' in page
    assert f'<td class="text-end text-nowrap">{whole}</td>' in page


@IN_LANGUAGES
def test_the_project_ledger_shows_the_amount_to_the_cent(churn, member, language, exact, whole):
    page = client_for(member).get("/projects/churn-model/ledger/", headers={"accept-language": language}).content.decode()
    assert f'data-testid="window-cost">{exact}</dd>' in page
    assert f'<td class="text-end">{exact}' in page  # the cost entry


@IN_LANGUAGES
def test_the_decommission_evidence_shows_the_amount_to_the_cent(churn, member, language, exact, whole):
    with translation.override(language):
        request = decommission_request(actor=member, project=churn, reason="Costs more than it brings")
    ledger = next(section for section in request.evidence["sections"] if section["key"] == "ledger")
    assert exact in [value for _label, value in ledger["facts"]]
    assert exact in client_for(member).get(request.get_absolute_url(), headers={"accept-language": language}).content.decode()


@IN_LANGUAGES
def test_the_weekly_digest_shows_the_amount_in_whole_units(churn, language, exact, whole):
    with translation.override(language):
        overview = portfolio.portfolio_overview()
        text = portfolio.digest_text(overview["alerts"], overview["totals"], "https://portal.example.com")
    assert f"run cost {whole}," in text
