"""A decision's date is the one its author wrote; the day a review accepted it is kept beside it."""
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest

from adr import services
from projects import clock
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

WRITTEN = date(2026, 10, 2)


@pytest.fixture
def reviewer(team):
    return MembershipFactory(team=team, user=UserFactory(username="reviewer")).user


@pytest.fixture
def proposal(team, member, reviewer):
    project = ProjectFactory(team=team, slug="churn")
    return services.adr_create(
        actor=member, project=project, title="Score churn nightly", decided_on=WRITTEN, decision_makers=[member, reviewer],
    )


@pytest.mark.calendar
def test_accepting_keeps_the_written_date_and_records_the_day_of_acceptance(proposal, reviewer, set_clock):
    set_clock("2026-11-18T23:30")

    services.adr_review(actor=reviewer, adr=proposal, verdict="accepted", comment="Agreed at the meeting.")

    proposal.refresh_from_db()
    assert proposal.decided_on == WRITTEN
    assert proposal.accepted_on == clock.today() == date(2026, 11, 18)
    assert proposal.revisions.get(version=2).content["decided_on"] == "2026-10-02"


def test_without_a_written_date_the_day_of_acceptance_is_the_decision_date(team, member, reviewer):
    adr = services.adr_create(actor=member, project=ProjectFactory(team=team), title="Undated", decision_makers=[member, reviewer])

    services.adr_review(actor=reviewer, adr=adr, verdict="accepted", comment="Fine.")

    adr.refresh_from_db()
    assert adr.decided_on == adr.accepted_on == clock.today()


def test_a_rejection_records_no_acceptance(proposal, reviewer):
    services.adr_review(actor=reviewer, adr=proposal, verdict="rejected", comment="Too costly.")

    proposal.refresh_from_db()
    assert (proposal.decided_on, proposal.accepted_on) == (WRITTEN, None)


def test_the_decision_page_shows_both_dates(proposal, reviewer, set_clock):
    set_clock("2026-11-18T10:00")
    services.adr_review(actor=reviewer, adr=proposal, verdict="accepted", comment="Agreed.")

    page = client_for(reviewer).get(proposal.get_absolute_url()).content.decode()

    assert "2026-10-02" in page
    assert "accepted on 2026-11-18" in page


def test_decisions_accepted_before_the_field_existed_get_the_day_of_their_review(member, settings):
    from importlib import import_module

    from django.apps import apps

    from adr.models import Adr, Review
    from tests.factories import AdrFactory

    settings.TIME_ZONE = "Europe/Paris"
    adr = AdrFactory(status="accepted", decided_on=date(2026, 10, 2))
    Review.objects.create(adr=adr, reviewer=member, verdict="accepted", comment="Fine.",
                          reviewed_at=datetime(2026, 11, 3, 23, 30, tzinfo=dt_timezone.utc))
    rejected = AdrFactory(status="rejected")
    Review.objects.create(adr=rejected, reviewer=member, verdict="rejected", comment="No.")
    import_module("adr.migrations.0005_accepted_on_from_reviews").fill_accepted_on(apps, None)
    adr.refresh_from_db()
    assert (adr.decided_on, adr.accepted_on) == (date(2026, 10, 2), date(2026, 11, 4))  # the day in Paris
    assert Adr.objects.get(pk=rejected.pk).accepted_on is None
