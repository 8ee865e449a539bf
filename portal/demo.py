"""The demo organisation that `seed_demo` loads: realistic, and the same every time it runs."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.contrib.auth.models import Group, User
from django.db import transaction

from projects.decommission import demo as decommission_demo
from projects.ledger import demo as ledger_demo
from projects.ledger import services as ledger_services
from toil import demo as toil_demo
from toil import tasks as toil_tasks
from adr import demo as adr_demo
from projects.models import HEALTH_ITEMS, MANAGERS_GROUP, HealthCheck, Membership, Phase, PhaseChange, Project, Team

DEMO_PASSWORD = "governance-demo"


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
class DemoProject:
    slug: str
    name: str
    team: str
    path: tuple[str, ...]  # phases after conception, in order
    summary: str
    hypothesis: str
    owner: str
    tags: tuple[str, ...]
    start: date


PROJECTS = [
    DemoProject(
        "churn-prediction", "Churn prediction", "customer-analytics", (Phase.BUILD, Phase.RUN),
        "Scores every subscriber monthly for the risk of leaving.",
        "Retention offers sent to the top decile keep 2% more subscribers a year; measured against a hold-out group.",
        "Head of Retention", ("churn", "batch", "xgboost"), date(2024, 3, 1),
    ),
    DemoProject(
        "uplift-campaign", "Uplift modelling for the spring campaign", "customer-analytics", (Phase.BUILD,),
        "Targets the customers a marketing offer actually changes.",
        "Contacting only persuadable customers cuts campaign cost by 30% at equal conversions; A/B test on the spring mailing.",
        "Marketing Director", ("uplift", "marketing"), date(2025, 9, 15),
    ),
    DemoProject(
        "fraud-scoring", "Card fraud scoring", "risk-fraud", (Phase.BUILD, Phase.RUN),
        "Real-time score on every card payment.",
        "Blocks 40% more fraudulent amount at the same false-positive rate; measured on confirmed chargebacks.",
        "Chief Risk Officer", ("fraud", "real-time"), date(2023, 11, 1),
    ),
    DemoProject(
        "credit-risk-explainer", "Credit risk explanations", "risk-fraud", (),
        "Readable reasons for every credit decision, for customers and auditors.",
        "Cuts complaint handling time by a third; measured on complaint tickets.",
        "Head of Compliance", ("explainability", "credit"), date(2026, 9, 1),
    ),
    DemoProject(
        "pump-maintenance", "Predictive maintenance of pumps", "industrial-ai", (Phase.BUILD, Phase.RUN),
        "Predicts pump failures two weeks ahead from vibration and pressure sensors.",
        "Avoids 6 unplanned stops a year at 40 k€ each; measured on the maintenance log.",
        "Plant Operations Manager", ("iot", "maintenance", "time-series"), date(2024, 1, 10),
    ),
    DemoProject(
        "signal-clustering", "Time-series signal clustering", "industrial-ai", (Phase.BUILD,),
        "Groups sensor signals into operating regimes to spot drifting machines.",
        "Engineers find abnormal regimes in hours instead of days; measured on investigation tickets.",
        "Reliability Engineering Lead", ("time-series", "clustering"), date(2025, 6, 2),
    ),
    DemoProject(
        "demand-forecast", "Weekly demand forecast", "forecasting", (Phase.BUILD, Phase.RUN),
        "Forecasts weekly demand per store and product family.",
        "Lowers stock-outs by 15% and overstock by 10%; measured on inventory reports.",
        "Supply Chain Director", ("forecasting", "batch"), date(2023, 5, 1),
    ),
    DemoProject(
        "product-recommender", "Product recommender", "forecasting", (Phase.BUILD, Phase.RUN),
        "Recommends products on the web shop's home page.",
        "Raises basket size by 3%; measured by A/B test on the home page.",
        "E-commerce Director", ("recommendation", "real-time"), date(2023, 2, 1),
    ),
    DemoProject(
        "chatbot-prototype", "Support chatbot prototype", "customer-analytics", (Phase.RETIRED,),
        "A prototype answering support questions; abandoned after the pilot.",
        "Deflects 20% of support tickets; measured on ticket volume.",
        "Customer Service Manager", ("nlp", "prototype"), date(2025, 2, 1),
    ),
    DemoProject(
        "legacy-churn-v1", "Churn model v1 (legacy)", "customer-analytics",
        (Phase.BUILD, Phase.RUN, Phase.DECOMMISSIONING, Phase.RETIRED),
        "The first churn model, replaced by churn prediction.",
        "Same as churn prediction; superseded.", "Head of Retention", ("churn", "legacy"), date(2021, 4, 1),
    ),
    DemoProject(
        "batch-scoring-v1", "Batch fraud scoring v1", "risk-fraud", (Phase.BUILD, Phase.RUN, Phase.DECOMMISSIONING),
        "Nightly fraud batch, replaced by real-time scoring.",
        "Catches fraud the day after; superseded by card fraud scoring.", "Chief Risk Officer", ("fraud", "batch", "legacy"),
        date(2021, 9, 1),
    ),
]

PHASE_REASONS = {
    Phase.BUILD: "Hypothesis agreed with the business; data access granted.",
    Phase.RUN: "Value proven on the pilot; threshold tests pass.",
    Phase.DECOMMISSIONING: "Decommission approved.",
    Phase.RETIRED: "Stopped: the value did not justify the run cost.",
}


def is_empty() -> bool:
    return not User.objects.exists()


@transaction.atomic
def seed() -> None:
    teams = {}
    for slug, name, rate, description in TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug, defaults={"name": name, "hourly_rate": rate, "description": description}
        )
    managers, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    for demo in USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"first_name": demo.first_name, "last_name": demo.last_name, "email": f"{demo.username}@example.com"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = demo.role == "admin"
        user.save()
        if demo.role == "manager":
            user.groups.add(managers)
        for team_slug in demo.teams:
            Membership.objects.update_or_create(
                team=teams[team_slug],
                user=user,
                defaults={
                    "role": Membership.Role.LEAD if demo.role == "lead" else Membership.Role.MEMBER,
                    "joined_on": date(2025, 1, 6),
                },
            )
    seed_projects()
    adr_demo.seed()
    ledger_demo.seed()
    toil_demo.seed()
    toil_tasks.sync_all_toil_costs()
    ledger_services.ledger_rollup()
    decommission_demo.seed()


def seed_projects() -> None:
    users = {user.username: user for user in User.objects.filter(username__in=[demo.username for demo in USERS])}
    leads = {demo.teams[0]: users[demo.username] for demo in USERS if demo.role == "lead"}
    for demo in PROJECTS:
        team = Team.objects.get(slug=demo.team)
        project, created = Project.objects.get_or_create(
            slug=demo.slug,
            defaults={
                "team": team, "name": demo.name, "summary": demo.summary, "value_hypothesis": demo.hypothesis,
                "business_owner": demo.owner, "tags": list(demo.tags), "start_date": demo.start,
                "repository_url": f"https://git.example.com/{demo.team}/{demo.slug}",
            },
        )
        if not created:
            continue
        lead = leads[demo.team]
        when = datetime.combine(demo.start, datetime.min.time(), tzinfo=dt_timezone.utc)
        PhaseChange.objects.create(project=project, to_phase=Phase.CONCEPTION, reason="Project created.", changed_by=lead, changed_at=when)
        previous = Phase.CONCEPTION
        for step, phase in enumerate(demo.path, start=1):
            when += timedelta(days=120 if phase != Phase.RETIRED else 60)
            PhaseChange.objects.create(
                project=project, from_phase=previous, to_phase=phase, reason=PHASE_REASONS[phase], changed_by=lead, changed_at=when
            )
            previous = phase
        Project.objects.filter(pk=project.pk).update(phase=previous, phase_changed_at=when)
        in_scope = [item for item in HEALTH_ITEMS if item.phase in (Phase.CONCEPTION, Phase.BUILD, Phase.RUN)[: len(demo.path) + 1]]
        for index, item in enumerate(in_scope):
            if index % 3 == 2:
                continue
            HealthCheck.objects.create(
                project=project, item=item.key, status=("yes", "partly", "no")[index % 4 % 3],
                note="" if index % 2 else "Checked at the last review.", checked_by=lead, checked_at=when,
            )


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
