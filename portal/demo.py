"""The demo organisation that `seed_demo` loads: eighteen months or so of history, written relative to the
day it runs and the same for a given day. A database that already holds the demo keeps it as it is."""
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from adr import demo as adr_demo
from projects import clock
from projects.common import notifications
from projects.decommission import demo as decommission_demo
from projects.ledger import demo as ledger_demo
from projects.ledger.rollup import ledger_rollup
from projects.ledger.months import add_months, month_start
from projects.models import HEALTH_ITEMS, MANAGERS_GROUP, HealthCheck, Membership, Phase, PhaseChange, Project, Team
from toil import demo as toil_demo
from toil import services as toil_services
from toil.models import TimeLog

DEMO_PASSWORD = "governance-demo"
# Everyone joined their team this many months before the day of the seed, before any of the history.
JOINED_MONTHS_AGO = 36


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # member, lead, manager or admin
    teams: tuple[str, ...] = ()


TEAMS = [
    ("customer-analytics", "Customer Analytics", Decimal("85.00"), "Churn, uplift and customer lifetime models."),
    ("risk-fraud", "Risk & Fraud", Decimal("95.00"), "Fraud scoring and credit risk models."),
    ("industrial-ai", "Industrial AI", Decimal("90.00"), "Predictive maintenance and signal analysis for plants."),
    ("forecasting", "Forecasting & Recommendation", Decimal("80.00"), "Demand forecasts and recommenders."),
]

USERS = [
    DemoUser("admin", "Ada", "Admin", "admin"),
    DemoUser("maria", "Maria", "Manager", "manager"),
    DemoUser("hugo", "Hugo", "Director", "manager"),
    DemoUser("lea", "Léa", "Lambert", "lead", ("customer-analytics",)),
    DemoUser("sam", "Sam", "Okafor", "member", ("customer-analytics",)),
    DemoUser("nina", "Nina", "Park", "member", ("customer-analytics",)),
    DemoUser("raj", "Raj", "Mehta", "lead", ("risk-fraud",)),
    DemoUser("olga", "Olga", "Ivanova", "member", ("risk-fraud",)),
    DemoUser("tom", "Tom", "Weber", "lead", ("industrial-ai",)),
    DemoUser("ines", "Inès", "Moreau", "member", ("industrial-ai",)),
    DemoUser("ken", "Ken", "Sato", "lead", ("forecasting",)),
    DemoUser("zoe", "Zoé", "Martin", "member", ("forecasting",)),
]


@dataclass(frozen=True)
class Step:
    """A move into `phase` on day `day` of the month `months_ago` months before the month of the seed."""

    phase: str
    months_ago: int
    day: int
    by: str = ""  # a username; the team's lead when empty


@dataclass(frozen=True)
class DemoProject:
    slug: str
    name: str
    team: str
    steps: tuple[Step, ...]  # the first is the project's creation, in conception
    summary: str
    hypothesis: str
    owner: str
    tags: tuple[str, ...]


PROJECTS = [
    DemoProject(
        "churn-prediction", "Churn prediction", "customer-analytics",
        (Step(Phase.CONCEPTION, 24, 3), Step(Phase.BUILD, 22, 10), Step(Phase.RUN, 15, 12)),
        "Scores every subscriber monthly for the risk of leaving.",
        "Retention offers sent to the top decile keep 2% more subscribers a year; measured against a hold-out group.",
        "Head of Retention", ("churn", "batch", "xgboost"),
    ),
    DemoProject(
        "uplift-campaign", "Uplift modelling for the spring campaign", "customer-analytics",
        (Step(Phase.CONCEPTION, 8, 15), Step(Phase.BUILD, 7, 1)),
        "Targets the customers a marketing offer actually changes.",
        "Contacting only persuadable customers cuts campaign cost by 30% at equal conversions; A/B test on the spring mailing.",
        "Marketing Director", ("uplift", "marketing"),
    ),
    DemoProject(
        "fraud-scoring", "Card fraud scoring", "risk-fraud",
        (Step(Phase.CONCEPTION, 30, 1), Step(Phase.BUILD, 27, 6), Step(Phase.RUN, 14, 4)),
        "Real-time score on every card payment.",
        "Blocks 40% more fraudulent amount at the same false-positive rate; measured on confirmed chargebacks.",
        "Chief Risk Officer", ("fraud", "real-time"),
    ),
    DemoProject(
        "credit-risk-explainer", "Credit risk explanations", "risk-fraud",
        (Step(Phase.CONCEPTION, 2, 1),),
        "Readable reasons for every credit decision, for customers and auditors.",
        "Cuts complaint handling time by a third; measured on complaint tickets.",
        "Head of Compliance", ("explainability", "credit"),
    ),
    DemoProject(
        "pump-maintenance", "Predictive maintenance of pumps", "industrial-ai",
        (Step(Phase.CONCEPTION, 26, 10), Step(Phase.BUILD, 24, 3), Step(Phase.RUN, 15, 20)),
        "Predicts pump failures two weeks ahead from vibration and pressure sensors.",
        "Avoids 6 unplanned stops a year at 40 k€ each; measured on the maintenance log.",
        "Plant Operations Manager", ("iot", "maintenance", "time-series"),
    ),
    DemoProject(
        "signal-clustering", "Time-series signal clustering", "industrial-ai",
        (Step(Phase.CONCEPTION, 14, 2), Step(Phase.BUILD, 12, 1), Step(Phase.RUN, 2, 10)),
        "Groups sensor signals into operating regimes to spot drifting machines.",
        "Engineers find abnormal regimes in hours instead of days; measured on investigation tickets.",
        "Reliability Engineering Lead", ("time-series", "clustering"),
    ),
    DemoProject(
        "demand-forecast", "Weekly demand forecast", "forecasting",
        (Step(Phase.CONCEPTION, 22, 1), Step(Phase.BUILD, 20, 1), Step(Phase.RUN, 13, 6)),
        "Forecasts weekly demand per store and product family.",
        "Lowers stock-outs by 15% and overstock by 10%; measured on inventory reports.",
        "Supply Chain Director", ("forecasting", "batch"),
    ),
    DemoProject(
        "product-recommender", "Product recommender", "forecasting",
        (Step(Phase.CONCEPTION, 34, 2), Step(Phase.BUILD, 32, 1), Step(Phase.RUN, 26, 8)),
        "Recommends products on the web shop's home page.",
        "Raises basket size by 3%; measured by A/B test on the home page.",
        "E-commerce Director", ("recommendation", "real-time"),
    ),
    DemoProject(
        "chatbot-prototype", "Support chatbot prototype", "customer-analytics",
        (Step(Phase.CONCEPTION, 13, 1), Step(Phase.BUILD, 12, 1), Step(Phase.RETIRED, 9, 20)),
        "A prototype answering support questions; abandoned after the pilot.",
        "Deflects 20% of support tickets; measured on ticket volume.",
        "Customer Service Manager", ("nlp", "prototype"),
    ),
    DemoProject(
        "legacy-churn-v1", "Churn model v1 (legacy)", "customer-analytics",
        (
            Step(Phase.CONCEPTION, 60, 1), Step(Phase.BUILD, 58, 1), Step(Phase.RUN, 52, 5),
            Step(Phase.DECOMMISSIONING, 5, 14, by="maria"), Step(Phase.RETIRED, 3, 18),
        ),
        "The first churn model, replaced by churn prediction.",
        "Same as churn prediction; superseded.", "Head of Retention", ("churn", "legacy"),
    ),
    DemoProject(
        "batch-scoring-v1", "Batch fraud scoring v1", "risk-fraud",
        (
            Step(Phase.CONCEPTION, 55, 1), Step(Phase.BUILD, 53, 1), Step(Phase.RUN, 48, 3),
            Step(Phase.DECOMMISSIONING, 1, 8, by="hugo"),
        ),
        "Nightly fraud batch, replaced by real-time scoring.",
        "Catches fraud the day after; superseded by card fraud scoring.", "Chief Risk Officer", ("fraud", "batch", "legacy"),
    ),
]

PHASE_REASONS = {
    Phase.CONCEPTION: "Project created.",
    Phase.BUILD: "Hypothesis agreed with the business; data access granted.",
    Phase.RUN: "Value proven on the pilot; threshold tests pass.",
}
ABANDONED = "Stopped after the pilot: the value did not justify the run cost."
# The words of the decommission workflow's own moves (projects.decommission.services).
DECOMMISSION_APPROVED = "Decommission approved by %(who)s."
DECOMMISSION_COMPLETED = "Decommission completed: every checklist item is done or not relevant."


def is_empty() -> bool:
    return not User.objects.exists()


def is_seeded() -> bool:
    return Project.objects.filter(slug__in=[demo.slug for demo in PROJECTS]).exists()


def _at(day: date, hour: int = 10) -> datetime:
    """An instant on `day` in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _step_day(step: Step, today: date) -> date:
    return add_months(month_start(today), -step.months_ago).replace(day=step.day)


@transaction.atomic
def seed() -> bool:
    """Load the demo as of today; False, changing nothing, when the database already holds it. Its
    history is written without telling anyone: seeding sends no email."""
    if is_seeded():
        return False
    with notifications.muted():
        _seed()
    return True


def _seed() -> None:
    today = clock.today()  # read once: every part of the history counts back from the same day
    seed_people(today)
    seed_projects(today)
    adr_demo.seed(today)
    ledger_demo.seed(today)
    toil_demo.seed(today)
    for project in Project.objects.filter(Exists(TimeLog.objects.filter(item__project=OuterRef("pk")))):
        toil_services.toil_costs_sync(project=project)
    ledger_demo.date_toil_costs()
    ledger_rollup(today=today)
    decommission_demo.seed(today)
    ledger_rollup(today=today)  # the decommissions add the costs that arrived after a retirement


def seed_people(today: date) -> None:
    joined_on = add_months(month_start(today), -JOINED_MONTHS_AGO)
    teams = {}
    for slug, name, rate, description in TEAMS:
        teams[slug], created = Team.objects.get_or_create(
            slug=slug, defaults={"name": name, "hourly_rate": rate, "description": description}
        )
        if created:
            Team.objects.filter(pk=teams[slug].pk).update(created_at=_at(joined_on, 9), updated_at=_at(joined_on, 9))
    managers, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    for demo in USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"first_name": demo.first_name, "last_name": demo.last_name, "email": f"{demo.username}@example.com"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.date_joined = _at(joined_on, 9)
        user.is_staff = user.is_superuser = demo.role == "admin"
        user.save()
        if demo.role == "manager":
            user.groups.add(managers)
        for team_slug in demo.teams:
            Membership.objects.update_or_create(
                team=teams[team_slug],
                user=user,
                defaults={"role": Membership.Role.LEAD if demo.role == "lead" else Membership.Role.MEMBER, "joined_on": joined_on},
            )
    Membership.objects.filter(team__in=teams.values()).update(created_at=_at(joined_on, 9), updated_at=_at(joined_on, 9))


def seed_projects(today: date) -> None:
    users = {user.username: user for user in User.objects.filter(username__in=[demo.username for demo in USERS])}
    leads = {demo.teams[0]: users[demo.username] for demo in USERS if demo.role == "lead"}
    teams = {team.slug: team for team in Team.objects.all()}
    for demo in PROJECTS:
        lead = leads[demo.team]
        start = _step_day(demo.steps[0], today)
        project = Project.objects.create(
            slug=demo.slug, team=teams[demo.team], name=demo.name, summary=demo.summary, value_hypothesis=demo.hypothesis,
            business_owner=demo.owner, tags=list(demo.tags), start_date=start,
            repository_url=f"https://git.example.com/{demo.team}/{demo.slug}",
        )
        previous = ""
        for step in demo.steps:
            actor = users[step.by] if step.by else lead
            changed_at = _at(_step_day(step, today))
            PhaseChange.objects.create(
                project=project, from_phase=previous, to_phase=step.phase, reason=_reason(step.phase, previous, actor),
                changed_by=actor, changed_at=changed_at,
            )
            previous = step.phase
        Project.objects.filter(pk=project.pk).update(
            phase=previous, phase_changed_at=changed_at, created_at=_at(start), updated_at=changed_at
        )
        reached = [step.phase for step in demo.steps]
        in_scope = [item for item in HEALTH_ITEMS if item.phase in reached]
        for index, item in enumerate(in_scope):
            if index % 3 == 2:
                continue
            HealthCheck.objects.create(
                project=project, item=item.key, status=("yes", "partly", "no")[index % 4 % 3],
                note="" if index % 2 else "Checked at the last review.", checked_by=lead, checked_at=changed_at,
            )


def _reason(phase: str, previous: str, actor: User) -> str:
    if phase == Phase.DECOMMISSIONING:
        return DECOMMISSION_APPROVED % {"who": actor.get_full_name() or actor.username}
    if phase == Phase.RETIRED:
        return DECOMMISSION_COMPLETED if previous == Phase.DECOMMISSIONING else ABANDONED
    return PHASE_REASONS[phase]


def logins() -> list[dict]:
    return [
        {"username": demo.username, "password": DEMO_PASSWORD, "role": demo.role, "teams": list(demo.teams)}
        for demo in USERS
    ]


def projects() -> list[dict]:
    return [
        {"slug": slug, "team": team, "phase": phase}
        for slug, team, phase in Project.objects.filter(slug__in=[demo.slug for demo in PROJECTS])
        .order_by("slug")
        .values_list("slug", "team__slug", "phase")
    ]
