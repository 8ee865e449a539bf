"""Demo toil backlog for `seed_demo`: items per project and up to eighteen months of logs that vary week to
week (busier and quieter weeks, the same for a given day: seeded random numbers). The fraud team hovers
around the 50% cap, most weeks below it, and went above it last week; one automated item shows its gain."""
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import DateTimeField, Value
from django.db.models.functions import Cast, Least
from django.utils import timezone

from adr.models import Adr
from projects import clock
from projects.models import Membership, Phase, PhaseChange, Project
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
    weekly_minutes: int = 0  # logged in a usual week, from the project's go-live (a month after its start if never live)
    finished_weeks_ago: int | None = None  # automated/eliminated that many weeks ago; logs drop after it


HISTORY_WEEKS = 78
LOGS_START_AFTER = timedelta(days=28)  # the toil of a project not yet live shows about a month after it started
# How much busier than usual a team's week is: most weeks within 15% of usual.
LOAD_SPREAD, LOAD_RANGE = 0.15, (0.6, 1.4)
# The fraud team's last complete week: a certificate rotation broke the scoring pods twice.
LAST_WEEK_LOAD = {"risk-fraud": 1.35}

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
             S.IN_PROGRESS, effort=Decimal("80"), weekly_minutes=900),
    DemoItem("fraud-scoring", "Restart the scoring pods after certificate rotation", ALL_CRITERIA, "toil", "week", 120,
             S.IDENTIFIED, effort=Decimal("24"), weekly_minutes=420),
    DemoItem("fraud-scoring", "Hand-label chargebacks for retraining", MOST_CRITERIA, "toil", "week", 240, S.PLANNED,
             effort=Decimal("60"), weekly_minutes=480),
    DemoItem("credit-risk-explainer", "Answer auditors' ad-hoc explanation requests", dict(is_manual=True, is_tactical=True),
             "overhead", "month", 120, S.IDENTIFIED, strategy=ToilItem.Strategy.ELIMINATE),
    DemoItem("pump-maintenance", "Re-import sensor files rejected by the loader", ALL_CRITERIA, "toil", "week", 60,
             S.IN_PROGRESS, effort=Decimal("10"), weekly_minutes=1200),
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


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def seed(today: date) -> None:
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=back) for back in range(HISTORY_WEEKS, -1, -1)]
    projects = {project.slug: project for project in Project.objects.select_related("team")}
    went_live = dict(PhaseChange.objects.filter(to_phase=Phase.RUN).values_list("project_id", "changed_at"))
    members: dict[int, list[User]] = {}
    for membership in Membership.objects.select_related("user").order_by("role", "user__username"):
        members.setdefault(membership.team_id, []).append(membership.user)
    loads = {project.team_id: _team_loads(project.team.slug, weeks) for project in projects.values()}
    logs: list[TimeLog] = []
    for demo in ITEMS:
        project = projects[demo.project]
        people = members.get(project.team_id, [])
        started = clock.day_of(went_live[project.pk]) if project.pk in went_live else project.start_date + LOGS_START_AFTER
        first_week = max(weeks[0], started - timedelta(days=started.weekday()))
        finished_on = monday - timedelta(weeks=demo.finished_weeks_ago) if demo.finished_weeks_ago is not None else None
        item = ToilItem.objects.create(
            project=project, title=demo.title, **demo.criteria, classification=demo.classification, frequency=demo.frequency,
            minutes_per_occurrence=demo.minutes, status=demo.status, strategy=demo.strategy, strategy_reason=demo.reason,
            automation_effort_hours=demo.effort, owner=people[0] if people else None, finished_on=finished_on,
        )
        opened = _at(first_week - timedelta(days=3), 9)
        ToilItem.objects.filter(pk=item.pk).update(created_at=opened, updated_at=_at(finished_on, 16) if finished_on else opened)
        if demo.weekly_minutes and people:
            active = [week for week in weeks if week >= first_week]
            logs += _logs(item, demo, people, active, loads[project.team_id], finished_on, today)
    TimeLog.objects.bulk_create(logs)
    # Logged on the day they are for (the model stamps the clock's now).
    logged = Least(Cast("logged_on", DateTimeField()) + timedelta(hours=12), Value(clock.now(), output_field=DateTimeField()))
    TimeLog.objects.filter(item__in={log.item_id for log in logs}).update(created_at=logged)
    _seed_remediation_ticket(members, today)


def _team_loads(team_slug: str, weeks: list[date]) -> dict[date, float]:
    """How busy each week was for a team, the same for every item of the team."""
    rng = random.Random(f"toil-load:{team_slug}")
    low, high = LOAD_RANGE
    loads = {week: min(high, max(low, rng.gauss(1, LOAD_SPREAD))) for week in weeks}
    if team_slug in LAST_WEEK_LOAD:
        loads[weeks[-2]] = LAST_WEEK_LOAD[team_slug]
    return loads


def _logs(item: ToilItem, demo: DemoItem, people: list[User], weeks: list[date], loads: dict[date, float],
          finished_on: date | None, today: date) -> list[TimeLog]:
    """Each week's minutes, on two to five of its working days, by whoever of the team did it."""
    rng = random.Random(f"toil:{demo.project}:{demo.title}")
    logs = []
    for week in weeks:
        minutes = round(demo.weekly_minutes * loads[week] * rng.uniform(0.85, 1.15))
        if finished_on and week >= finished_on:
            minutes //= 6  # what is left after the change: the gain the item page shows
        days = sorted(rng.sample(range(5), rng.randint(2, 5)))
        for offset in days:
            day = week + timedelta(days=offset)
            person = rng.choice(people)
            if day > today or minutes < len(days):
                continue
            logs.append(TimeLog(item=item, user=person, logged_by=person, logged_on=day, minutes=minutes // len(days)))
    return logs


def _seed_remediation_ticket(members: dict[int, list[User]], today: date) -> None:
    """The fraud team's reckless shortcut gets its remediation ticket, still in progress past the revisit date."""
    shortcut = Adr.objects.get(project__slug="fraud-scoring", title="Keep features in Redis for real-time scoring")
    people = members.get(shortcut.project.team_id, [])
    ticket = ToilItem.objects.create(
        project=shortcut.project, remediates=shortcut,
        title=f"Pay back {shortcut.code}: move real-time features to a feature store",
        description="Redis was a shortcut for the launch; the features need versioning and backfills.",
        classification=ToilItem.Classification.ENGINEERING, frequency=ToilItem.Frequency.MONTH,
        minutes_per_occurrence=60, status=ToilItem.Status.IN_PROGRESS, strategy=ToilItem.Strategy.ELIMINATE,
        owner=people[0] if people else None,
    )
    ToilItem.objects.filter(pk=ticket.pk).update(
        created_at=_at(today - timedelta(days=120), 10), updated_at=_at(today - timedelta(days=45), 14)
    )
