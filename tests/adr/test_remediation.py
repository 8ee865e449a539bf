"""Reckless shortcuts pay back: remediation tickets are toil items pointing at their decision; a
conscious and reckless decision without one is flagged, and past its revisit date while a ticket is
unfinished (or none exists) it is overdue."""
import pytest
from django.urls import reverse

from adr import selectors
from tests.conftest import client_for
from tests.factories import AdrFactory, ProjectFactory, ToilItemFactory
from tests.factories import reckless_shortcut as shortcut

pytestmark = pytest.mark.calendar



@pytest.fixture
def project(team):
    return ProjectFactory(team=team)


@pytest.mark.django_db
def test_no_remediation_until_a_ticket_exists(project, member):
    adr = shortcut(project, member, revisit_in_days=30)
    assert list(selectors.no_remediation()) == [adr]
    ToilItemFactory(project=project, remediates=adr)
    assert list(selectors.no_remediation()) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statuses", "overdue"),
    [([], True), (["in_progress"], True), (["accepted"], True), (["done", "planned"], True), (["automated", "done"], False)],
)
def test_overdue_past_the_revisit_date_while_a_ticket_is_unfinished(project, member, statuses, overdue):
    adr = shortcut(project, member, revisit_in_days=-1)
    for status in statuses:
        ToilItemFactory(project=project, remediates=adr, status=status)
    assert (adr in selectors.overdue_shortcuts()) is overdue
    assert (adr in selectors.matrix()["overdue"]) is overdue


@pytest.mark.django_db
def test_not_overdue_before_the_revisit_date(project, member):
    adr = shortcut(project, member, revisit_in_days=1)
    assert adr not in selectors.overdue_shortcuts()


@pytest.mark.django_db
def test_adr_page_offers_to_create_the_ticket_and_lists_it(project, member):
    adr = shortcut(project, member, revisit_in_days=10)
    client = client_for(member)
    page = client.get(adr.get_absolute_url()).content.decode()
    create_url = reverse("toil:item_create", args=[project.slug]) + f"?remediates={adr.pk}"
    assert 'data-testid="no-remediation-flag"' in page and create_url in page
    form = client.get(create_url).context["form"]
    assert form.initial["remediates"] == adr and adr.code in form.initial["title"]
    ToilItemFactory(project=project, remediates=adr, title="Move the cron job into the scheduler")
    page = client.get(adr.get_absolute_url()).content.decode()
    assert "Move the cron job into the scheduler" in page and 'data-testid="no-remediation-flag"' not in page


@pytest.mark.django_db
def test_a_ticket_belongs_to_the_project_of_its_decision(project, member, team):
    from django.core.exceptions import ValidationError

    from toil import services

    other_adr = AdrFactory(project=ProjectFactory(team=team))
    with pytest.raises(ValidationError, match="project of its decision"):
        services.toil_item_create(actor=member, project=project, title="Fix", minutes_per_occurrence=10, remediates=other_adr)
