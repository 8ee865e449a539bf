"""Factories for the tests: one per model, with realistic defaults."""
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from projects.models import MANAGERS_GROUP, Membership, Project, Team

PASSWORD = "test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    hourly_rate = Decimal("80.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    weekly_hours = Decimal("35")
    joined_on = date(2025, 1, 6)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "A model that predicts something useful."
    start_date = date(2025, 1, 1)


def make_manager(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=MANAGERS_GROUP)[0])
    return user


def make_admin(**kwargs) -> User:
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


# Ledger
from projects.ledger.models import CostEntry, ValueEntry  # noqa: E402


class CostEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostEntry

    project = factory.SubFactory(ProjectFactory)
    incurred_on = date(2025, 3, 10)
    category = CostEntry.Category.CLOUD
    amount = Decimal("100.00")
    currency = "EUR"
    description = "GPU instances"


class ValueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueEntry

    project = factory.SubFactory(ProjectFactory)
    realized_on = date(2025, 3, 20)
    kind = ValueEntry.Kind.COST_SAVED
    amount = Decimal("500.00")
    currency = "EUR"
    evidence = "Compared with last quarter's manual process."
    confidence = ValueEntry.Confidence.MEASURED


class ToilItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "toil.ToilItem"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Restart the pipeline by hand #{n}")
    is_manual = True
    is_repetitive = True
    is_automatable = True
    is_tactical = True
    classification = "toil"
    frequency = "week"
    minutes_per_occurrence = 30
    people = 1


class TimeLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "toil.TimeLog"

    item = factory.SubFactory(ToilItemFactory)
    user = factory.SubFactory(UserFactory)
    logged_by = factory.SelfAttribute("user")
    logged_on = date(2025, 3, 3)
    minutes = 60


class AdrFactory(factory.django.DjangoModelFactory):
    """A decision record written straight to the table; tests of the rules go through adr.services."""

    class Meta:
        model = "adr.Adr"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Decision {n}")
    context = "We need to choose."
    author = factory.SubFactory(UserFactory)


def reckless_shortcut(project, user, *, revisit_in_days: int):
    """A decision placed conscious and reckless, to be revisited that many days from the clock's today."""
    from datetime import timedelta

    from adr.models import Cell, Placement
    from projects import clock

    adr = AdrFactory(project=project)
    Placement.objects.create(
        adr=adr, cell=Cell.CONSCIOUS_RECKLESS, placed_by=user, reason="Deadline",
        revisit_by=clock.today() + timedelta(days=revisit_in_days),
    )
    return adr
