"""The measures: weekly toil share against capacity, before/after gains, monthly toil cost."""
from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from tests.factories import MembershipFactory, ProjectFactory, TeamFactory, TimeLogFactory, ToilItemFactory
from toil import selectors
from toil.selectors import share_level

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 3, 3)
NEXT_THURSDAY = date(2025, 3, 13)


@pytest.fixture
def crew(team):
    """Ana (35 h, there all along) and Ben (20 h) who joins on Wednesday 5 March."""
    ana = MembershipFactory(team=team, weekly_hours=Decimal("35"), joined_on=date(2024, 1, 1)).user
    ben = MembershipFactory(team=team, weekly_hours=Decimal("20"), joined_on=date(2025, 3, 5)).user
    return ana, ben


def test_capacity_counts_a_member_from_the_day_they_join_and_the_running_week_so_far(team, crew):
    shares = selectors.team_weekly_share([team.pk], weeks=2, today=NEXT_THURSDAY)[team.pk]
    assert [share.week for share in shares] == [MONDAY, date(2025, 3, 10)]
    # Week of the 3rd: Ana 5 days × 7 h + Ben Wednesday to Friday, 3 × 4 h.
    assert shares[0].capacity_hours == Decimal("47.00")
    # The running week up to Thursday: Ana 4 × 7 h, Ben 4 × 4 h.
    assert shares[1].capacity_hours == Decimal("44.00")


def test_share_counts_only_toil_of_the_team(team, crew, project):
    ana, ben = crew
    toil = ToilItemFactory(project=project)
    engineering = ToilItemFactory(project=project, classification="engineering")
    TimeLogFactory(item=toil, user=ana, logged_on=date(2025, 3, 4), minutes=1000)
    TimeLogFactory(item=toil, user=ben, logged_on=date(2025, 3, 9), minutes=410)  # a Sunday: same week
    TimeLogFactory(item=engineering, user=ana, logged_on=date(2025, 3, 4), minutes=600)
    TimeLogFactory(item=ToilItemFactory(project=ProjectFactory(team=TeamFactory())), logged_on=date(2025, 3, 4), minutes=900)
    TimeLogFactory(item=toil, user=ana, logged_on=date(2025, 3, 11), minutes=900)

    first, second = selectors.team_weekly_share([team.pk], weeks=2, today=NEXT_THURSDAY)[team.pk]

    assert first.toil_hours == Decimal("23.50")
    assert first.percent == 50
    assert first.level == "alert"
    assert second.toil_hours == Decimal("15.00")
    assert second.level == "warning"


def test_team_without_members_has_no_share(team):
    (share,) = selectors.team_weekly_share([team.pk], weeks=1, today=NEXT_THURSDAY)[team.pk]
    assert share.capacity_hours == 0
    assert share.share is None
    assert share.level == "none"


def test_share_of_several_teams_in_one_query(team, other_team, crew, django_assert_num_queries):
    with django_assert_num_queries(1):
        shares = selectors.team_weekly_share([team.pk, other_team.pk], weeks=12, today=NEXT_THURSDAY)
    assert len(shares[team.pk]) == len(shares[other_team.pk]) == 12


@pytest.mark.parametrize(
    ("share", "level"),
    [(Decimal("0.2"), "ok"), (Decimal("0.34"), "warning"), (Decimal("0.5"), "alert"), (Decimal("0.8"), "alert")],
)
def test_cap_alert_and_warning_levels(share, level):
    assert share_level(share) == level


@override_settings(TOIL_SHARE_CAP=0.4)
def test_cap_is_a_setting():
    assert share_level(Decimal("0.42")) == "alert"


def test_before_and_after_over_windows_of_the_same_length(project):
    effort = Decimal("10")
    item = ToilItemFactory(project=project, status="automated", finished_on=date(2025, 3, 31),
                           automation_effort_hours=effort, frequency="week", minutes_per_occurrence=60)
    for day in (date(2025, 1, 10), date(2025, 3, 10), date(2025, 3, 20)):
        TimeLogFactory(item=item, logged_on=day, minutes=600)
    TimeLogFactory(item=item, logged_on=date(2025, 4, 5), minutes=120)
    TimeLogFactory(item=item, logged_on=date(2025, 5, 20), minutes=600)  # outside the after window

    gain = selectors.item_gain(item, today=date(2025, 4, 30))

    assert gain.window_days == 30  # 30 days since, so 30 days before: the January log is out
    assert gain.before_hours_per_month == Decimal("20.3")  # 20 h in 30 days
    assert gain.after_hours_per_month == Decimal("2.0")
    assert gain.saved_hours_per_month == Decimal("18.3")
    assert gain.actual_payback_months == Decimal("0.5")
    assert gain.estimated_payback_months == item.estimated_payback_months


def test_gain_on_the_day_of_the_change_is_not_measurable(project):
    item = ToilItemFactory(project=project, status="eliminated", finished_on=date(2025, 3, 31))
    TimeLogFactory(item=item, logged_on=date(2025, 3, 3), minutes=60)
    gain = selectors.item_gain(item, today=date(2025, 3, 31))
    assert not gain.measurable


def test_no_gain_for_unfinished_or_done_items(project):
    assert selectors.item_gain(ToilItemFactory(project=project, status="in_progress")) is None
    assert selectors.item_gain(ToilItemFactory(project=project, status="done", finished_on=date(2025, 1, 1))) is None


def test_toil_cost_per_month_at_the_team_rate(project):
    item = ToilItemFactory(project=project)
    TimeLogFactory(item=item, logged_on=date(2025, 2, 27), minutes=90)
    TimeLogFactory(item=item, logged_on=date(2025, 3, 3), minutes=30)
    TimeLogFactory(item=item, logged_on=date(2025, 3, 4), minutes=20)
    TimeLogFactory(item=ToilItemFactory(project=project, classification="overhead"), logged_on=date(2025, 4, 1), minutes=60)

    rows = selectors.toil_cost_by_month(project_id=project.pk)

    # The team fixture's rate is 80.00 an hour.
    assert [(row.month, row.hours, row.amount) for row in rows] == [
        (date(2025, 2, 1), Decimal("1.50"), Decimal("120.00")),
        (date(2025, 3, 1), Decimal("0.83"), Decimal("66.67")),
        (date(2025, 4, 1), Decimal("0.00"), Decimal("0.00")),
    ]


def test_member_joining_on_a_weekend_counts_from_the_next_working_day(team):
    MembershipFactory(team=team, weekly_hours=Decimal("35"), joined_on=date(2025, 3, 8))  # a Saturday
    first, second = selectors.team_weekly_share([team.pk], weeks=2, today=date(2025, 3, 14))[team.pk]
    assert (first.capacity_hours, second.capacity_hours) == (Decimal("0.00"), Decimal("35.00"))


def test_member_joining_later_in_the_running_week_adds_nothing_yet(team, crew):
    MembershipFactory(team=team, weekly_hours=Decimal("35"), joined_on=date(2025, 3, 14))
    *_earlier, running = selectors.team_weekly_share([team.pk], weeks=2, today=NEXT_THURSDAY)[team.pk]
    assert running.capacity_hours == Decimal("44.00")


def test_logs_after_today_do_not_count(team, crew, project):
    TimeLogFactory(item=ToilItemFactory(project=project), user=crew[0], logged_on=date(2025, 3, 14), minutes=600)
    *_earlier, running = selectors.team_weekly_share([team.pk], weeks=2, today=NEXT_THURSDAY)[team.pk]
    assert running.toil_hours == 0
