"""Toil items and time logs: the estimate, the helper's suggestion, the rules a write must keep."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import clock
from tests.factories import MembershipFactory, ToilItemFactory, UserFactory
from toil import services
from toil.models import TimeLog, ToilItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("frequency", "minutes", "people", "expected"),
    [("day", 30, 1, Decimal("10.8")), ("week", 60, 2, Decimal("8.7")), ("month", 90, 1, Decimal("1.5"))],
)
def test_hours_per_month_estimate(frequency, minutes, people, expected):
    item = ToilItem(frequency=frequency, minutes_per_occurrence=minutes, people=people)
    assert item.hours_per_month == expected


def test_estimated_payback_is_effort_over_monthly_hours():
    item = ToilItem(frequency="week", minutes_per_occurrence=60, people=2, automation_effort_hours=Decimal("26"))
    assert item.estimated_payback_months == Decimal("3.0")


def test_no_payback_estimate_without_effort():
    assert ToilItem(frequency="week", minutes_per_occurrence=60, people=1).estimated_payback_months is None


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (dict(is_manual=True, is_repetitive=True, is_automatable=True, is_tactical=True), "toil"),
        (dict(is_manual=True, is_repetitive=True, is_automatable=True, has_no_enduring_value=True,
              is_tactical=True, scales_with_service=True), "toil"),
        (dict(is_repetitive=True, is_automatable=True, is_tactical=True, has_no_enduring_value=True), "overhead"),
        ({}, "engineering"),
        (dict(is_manual=True, is_tactical=True), "engineering"),
        (dict(is_manual=True, is_repetitive=True), "overhead"),
    ],
)
def test_classification_suggestion(criteria, expected):
    assert services.suggest_classification(**criteria) == expected


def test_create_uses_the_suggestion_when_no_class_is_chosen(member, project):
    item = services.toil_item_create(
        actor=member, project=project, title="Restart pods", minutes_per_occurrence=20,
        is_manual=True, is_repetitive=True, is_automatable=True, is_tactical=True, classification="",
    )
    assert item.classification == "toil"


def test_team_can_override_the_suggestion(member, project):
    item = services.toil_item_create(
        actor=member, project=project, title="Restart pods", minutes_per_occurrence=20,
        is_manual=True, is_repetitive=True, is_automatable=True, is_tactical=True, classification="overhead",
    )
    assert item.classification == "overhead"


def test_outsider_cannot_create_an_item(outsider, project):
    with pytest.raises(PermissionDenied):
        services.toil_item_create(actor=outsider, project=project, title="x", minutes_per_occurrence=5)
    assert not ToilItem.objects.exists()


def test_accepting_toil_needs_a_reason(member, project):
    with pytest.raises(ValidationError) as error:
        services.toil_item_create(actor=member, project=project, title="x", minutes_per_occurrence=5, strategy="accept")
    assert "strategy_reason" in error.value.message_dict
    assert not ToilItem.objects.exists()


def test_owner_must_be_in_the_team(member, outsider, project):
    with pytest.raises(ValidationError) as error:
        services.toil_item_create(actor=member, project=project, title="x", minutes_per_occurrence=5, owner=outsider)
    assert "owner" in error.value.message_dict


def test_finished_statuses():
    assert set(ToilItem.FINISHED) == {"automated", "eliminated", "done"}
    assert "done" in ToilItem.Status.values


def test_move_to_automated_records_the_day_and_the_audit_trail(member, project):
    item = ToilItemFactory(project=project)
    services.toil_item_move(actor=member, item=item, status="automated", today=date(2025, 5, 2))
    item.refresh_from_db()
    assert (item.status, item.finished_on) == ("automated", date(2025, 5, 2))
    assert list(item.events.order_by("pgh_id").values_list("status", flat=True)) == ["identified", "automated"]


def test_move_back_out_of_finished_clears_the_day(member, project):
    item = ToilItemFactory(project=project, status="automated", finished_on=date(2025, 5, 2))
    services.toil_item_move(actor=member, item=item, status="in_progress")
    item.refresh_from_db()
    assert item.finished_on is None


def test_move_to_accepted_without_reason_is_refused(member, project):
    item = ToilItemFactory(project=project)
    with pytest.raises(ValidationError):
        services.toil_item_move(actor=member, item=item, status="accepted")
    item.refresh_from_db()
    assert item.status == "identified"


def test_outsider_cannot_move(outsider, project):
    item = ToilItemFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.toil_item_move(actor=outsider, item=item, status="planned")
    item.refresh_from_db()
    assert item.status == "identified"


@pytest.mark.calendar
def test_member_logs_own_time(member, project):
    item = ToilItemFactory(project=project)
    log = services.time_log_create(actor=member, item=item, minutes=25)
    assert (log.user, log.logged_by, log.logged_on, log.minutes) == (member, member, clock.today(), 25)


@pytest.mark.parametrize("minutes", [0, -15, 1441])
def test_bad_minutes_are_refused(member, project, minutes):
    item = ToilItemFactory(project=project)
    with pytest.raises(ValidationError) as error:
        services.time_log_create(actor=member, item=item, minutes=minutes)
    assert "minutes" in error.value.message_dict
    assert not TimeLog.objects.exists()


@pytest.mark.calendar
def test_log_in_the_future_is_refused(member, project):
    item = ToilItemFactory(project=project)
    with pytest.raises(ValidationError) as error:
        services.time_log_create(actor=member, item=item, minutes=10, logged_on=clock.today() + timedelta(days=1))
    assert "logged_on" in error.value.message_dict
    assert not TimeLog.objects.exists()


def test_member_cannot_log_for_a_teammate(member, team, project):
    teammate = MembershipFactory(team=team).user
    item = ToilItemFactory(project=project)
    with pytest.raises(ValidationError) as error:
        services.time_log_create(actor=member, item=item, minutes=10, user=teammate)
    assert "user" in error.value.message_dict
    assert not TimeLog.objects.exists()


def test_lead_logs_for_a_member(lead, member, project):
    item = ToilItemFactory(project=project)
    log = services.time_log_create(actor=lead, item=item, minutes=10, user=member)
    assert (log.user, log.logged_by) == (member, lead)


def test_lead_cannot_log_for_someone_outside_the_team(lead, project):
    item = ToilItemFactory(project=project)
    with pytest.raises(ValidationError):
        services.time_log_create(actor=lead, item=item, minutes=10, user=UserFactory())
    assert not TimeLog.objects.exists()


def test_outsider_cannot_log(outsider, project):
    item = ToilItemFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.time_log_create(actor=outsider, item=item, minutes=10)
    assert not TimeLog.objects.exists()


def test_reclassifying_an_item_updates_the_ledger(member, project, ledger_calls, django_capture_on_commit_callbacks):
    item = ToilItemFactory(project=project)
    services.time_log_create(actor=member, item=item, minutes=60, logged_on=date(2025, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        services.toil_item_update(actor=member, item=item, classification="engineering")
    assert ledger_calls == [("churn", date(2025, 3, 1), 0)]
