"""Demo toil backlog for `seed_demo`: items per project, weeks of logs, one team above the 50% cap,
and one automated item whose before/after gain shows. Idempotent: items are keyed by title, and
logs are written only for an item that has none."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from adr.models import Adr
from projects import clock
from projects.models import Membership, Project
from toil.models import TimeLog, ToilItem

S = ToilItem.Status
ALL_CRITERIA = dict(
    is_manual=True, is_repetitive=True, is_automatable=True, is_tactical=True, has_no_enduring_value=True,
    scales_with_service=True,
)
MOST_CRITERIA = dict(is_manual=True, is_repetitive=True, is_automatable=True, has_no_enduring_value=True)


@dataclass(frozen=True)
class DemoItem:
    project: str
    title: str
    criteria: dict
    classification: str
    frequency: str
    minutes: int
    status: str
    strategy: str = ToilItem.Strategy.AUTOMATE
    reason: str = ""
    effort: Decimal | None = None
    weekly_minutes: int = 0  # logged each working week over the last WEEKS weeks
    finished_weeks_ago: int | None = None  # automated/eliminated that many weeks ago; logs drop after it


WEEKS = 10

ITEMS = [
    DemoItem("churn-prediction", "Re-run the monthly scoring by hand when the feed is late", ALL_CRITERIA, "toil", "month",
             180, S.PLANNED, effort=Decimal("16"), weekly_minutes=60),
    DemoItem("churn-prediction", "Copy scores into the CRM export", MOST_CRITERIA, "toil", "week", 45, S.AUTOMATED,
             effort=Decimal("12"), weekly_minutes=240, finished_weeks_ago=4),
    DemoItem("churn-prediction", "Quarterly model review with Retention", {}, "overhead", "month", 90, S.ACCEPTED,
             strategy=ToilItem.Strategy.ACCEPT, reason="The business wants this meeting; it is overhead, not toil."),
    DemoItem("uplift-campaign", "Rebuild the campaign audience by hand", MOST_CRITERIA, "toil", "week", 60, S.IDENTIFIED,
             effort=Decimal("20"), weekly_minutes=60),
    DemoItem("fraud-scoring", "Triage false-positive alerts from the fraud desk", ALL_CRITERIA, "toil", "day", 90,
             S.IN_PROGRESS, effort=Decimal("80"), weekly_minutes=1200),
    DemoItem("fraud-scoring", "Restart the scoring pods after certificate rotation", ALL_CRITERIA, "toil", "week", 120,
             S.IDENTIFIED, effort=Decimal("24"), weekly_minutes=600),
    DemoItem("fraud-scoring", "Hand-label chargebacks for retraining", MOST_CRITERIA, "toil", "week", 240, S.PLANNED,
             effort=Decimal("60"), weekly_minutes=660),
    DemoItem("credit-risk-explainer", "Answer auditors' ad-hoc explanation requests", dict(is_manual=True, is_tactical=True),
             "overhead", "month", 120, S.IDENTIFIED, strategy=ToilItem.Strategy.ELIMINATE),
    DemoItem("pump-maintenance", "Re-import sensor files rejected by the loader", ALL_CRITERIA, "toil", "week", 60,
             S.IN_PROGRESS, effort=Decimal("10"), weekly_minutes=1500),
    DemoItem("pump-maintenance", "Document the alerting runbook", {}, "engineering", "month", 60, S.DONE,
             strategy=ToilItem.Strategy.ELIMINATE),
    DemoItem("signal-clustering", "Regenerate cluster plots for the plant report", MOST_CRITERIA, "toil", "month", 120,
             S.IDENTIFIED, weekly_minutes=30),
    DemoItem("demand-forecast", "Patch holiday calendars before each season", MOST_CRITERIA, "toil", "month", 240,
             S.PLANNED, effort=Decimal("8"), weekly_minutes=60),
    DemoItem("product-recommender", "Purge blocked products from recommendations", ALL_CRITERIA, "toil", "week", 30,
             S.ELIMINATED, strategy=ToilItem.Strategy.ELIMINATE, effort=Decimal("6"), weekly_minutes=90,
             finished_weeks_ago=3),
    DemoItem("batch-scoring-v1", "Re-run the nightly batch after failures", ALL_CRITERIA, "toil", "week", 90, S.ACCEPTED,
             strategy=ToilItem.Strategy.ACCEPT, reason="The model is being decommissioned.", weekly_minutes=120),
]


def seed() -> None:
    today = clock.today()
    monday = today - timedelta(days=today.weekday())
    projects = {project.slug: project for project in Project.objects.select_related("team")}
    members: dict[int, list[User]] = {}
    for membership in Membership.objects.select_related("user").order_by("role", "user__username"):
        members.setdefault(membership.team_id, []).append(membership.user)
    for demo in ITEMS:
        project = projects.get(demo.project)
        if project is None:
            continue
        people = members.get(project.team_id, [])
        finished_on = monday - timedelta(weeks=demo.finished_weeks_ago) if demo.finished_weeks_ago is not None else None
        item, _created = ToilItem.objects.get_or_create(
            project=project, title=demo.title,
            defaults={
                **demo.criteria, "classification": demo.classification, "frequency": demo.frequency,
                "minutes_per_occurrence": demo.minutes, "status": demo.status, "strategy": demo.strategy,
                "strategy_reason": demo.reason, "automation_effort_hours": demo.effort,
                "owner": people[0] if people else None, "finished_on": finished_on,
            },
        )
        if not demo.weekly_minutes or not people or item.logs.exists():
            continue
        TimeLog.objects.bulk_create(_logs(item, demo, people, monday, finished_on, today))
    _seed_remediation_ticket(members)


def _seed_remediation_ticket(members: dict[int, list[User]]) -> None:
    """The fraud team's reckless shortcut gets its remediation ticket, still in progress past the revisit date."""
    shortcut = Adr.objects.filter(project__slug="fraud-scoring", title="Keep features in Redis for real-time scoring").first()
    if shortcut is None:
        return
    people = members.get(shortcut.project.team_id, [])
    ToilItem.objects.get_or_create(
        project=shortcut.project, remediates=shortcut,
        defaults={
            "title": f"Pay back {shortcut.code}: move real-time features to a feature store",
            "description": "Redis was a shortcut for the launch; the features need versioning and backfills.",
            "classification": ToilItem.Classification.ENGINEERING, "frequency": ToilItem.Frequency.MONTH,
            "minutes_per_occurrence": 60, "status": ToilItem.Status.IN_PROGRESS, "strategy": ToilItem.Strategy.ELIMINATE,
            "owner": people[0] if people else None,
        },
    )


def _logs(item: ToilItem, demo: DemoItem, people: list[User], monday: date, finished_on: date | None, today: date):
    logs = []
    for week in range(WEEKS, -1, -1):
        start = monday - timedelta(weeks=week)
        for offset in range(5):
            day = start + timedelta(days=offset)
            if day > today:
                break
            minutes = demo.weekly_minutes // 5
            if finished_on and day >= finished_on:
                minutes //= 6  # what is left after the change: the gain the item page shows
            if minutes <= 0:
                continue
            person = people[(offset + week) % len(people)]
            logs.append(TimeLog(item=item, user=person, logged_by=person, logged_on=day, minutes=minutes))
    return logs
