"""The demo toil backlog: every project has one, one team is above the cap, one item shows its gain."""
import pytest
from django.core.management import call_command

from projects.models import Project, Team
from toil import selectors
from toil.models import TimeLog, ToilItem

pytestmark = pytest.mark.django_db


def test_seed_demo_toil_backlog(capsys):
    call_command("seed_demo")
    assert ToilItem.objects.values("project").distinct().count() >= 8
    assert TimeLog.objects.count() > 100

    teams = list(Team.objects.all())
    shares = selectors.team_weekly_share([team.pk for team in teams], weeks=4)
    levels = {team.slug: selectors.latest_complete_week(shares[team.pk]).level for team in teams}
    assert levels["risk-fraud"] == "alert"
    assert "ok" in levels.values()

    automated = ToilItem.objects.get(status="automated", project__slug="churn-prediction")
    gain = selectors.item_gain(automated)
    assert gain.measurable and gain.saved_hours_per_month > 0
    assert gain.actual_payback_months is not None


def test_seed_demo_twice_changes_no_toil(capsys):
    call_command("seed_demo")
    before = (list(ToilItem.objects.order_by("pk").values()), TimeLog.objects.count())
    call_command("seed_demo")
    assert (list(ToilItem.objects.order_by("pk").values()), TimeLog.objects.count()) == before
    assert Project.objects.filter(toil_items__isnull=True).count() < Project.objects.count()
