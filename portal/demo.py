"""The demo organisation that `seed_demo` loads: realistic, and the same every time it runs."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction

from projects.models import MANAGERS_GROUP, Membership, Team

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


def logins() -> list[dict]:
    return [
        {"username": demo.username, "password": DEMO_PASSWORD, "role": demo.role, "teams": list(demo.teams)}
        for demo in USERS
    ]


def projects() -> list[dict]:
    return []
