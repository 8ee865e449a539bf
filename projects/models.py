"""Teams and memberships; projects, their lifecycle phase and their MLOps health checklist."""
from decimal import Decimal
from typing import NamedTuple

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from projects import clock

MANAGERS_GROUP = "Managers"


class TimeStampedModel(models.Model):
    created_at = clock.DateTimeField(_("created"), auto_now_add=True)
    updated_at = clock.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


@pghistory.track()
class Team(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    hourly_rate = models.DecimalField(
        _("hourly rate"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Cost of one hour of the team's time, in the base currency. Prices toil."),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(condition=models.Q(hourly_rate__gte=0), name="team_hourly_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:team_detail", kwargs={"slug": self.slug})


@pghistory.track()
class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEAD = "lead", _("Team lead")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(settings.PORTAL_DEFAULT_WEEKLY_HOURS),
        validators=[MinValueValidator(Decimal("0"))],
    )
    joined_on = models.DateField(_("joined on"), help_text=_("Counts toward the team's capacity from this day."))

    class Meta:
        ordering = ["team__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user_per_team"),
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gte=0) & models.Q(weekly_hours__lte=168),
                name="membership_weekly_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.team} ({self.get_role_display()})"

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD


class Phase(models.TextChoices):
    CONCEPTION = "conception", _("Conception")
    BUILD = "build", _("Build")
    RUN = "run", _("Run")
    DECOMMISSIONING = "decommissioning", _("Decommissioning")
    RETIRED = "retired", _("Retired")


# Moves that only the decommission workflow makes; the phase form never offers them.
DECOMMISSION_WORKFLOW = {"workflow": "decommission"}


@pghistory.track()
class Project(TimeStampedModel):
    Phase = Phase

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="projects", verbose_name=_("team"))
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, help_text=_("Used in the project's address; letters, digits and dashes.")
    )
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    value_hypothesis = models.TextField(
        _("value hypothesis"),
        blank=True,
        help_text=_("What business value the project is meant to create, and how it will be measured. Markdown."),
    )
    business_owner = models.CharField(_("business owner"), max_length=120, blank=True)
    repository_url = models.URLField(_("repository"), blank=True)
    dashboard_url = models.URLField(_("dashboards"), blank=True)
    runbook_url = models.URLField(_("runbook"), blank=True)
    tags = ArrayField(models.CharField(max_length=40), blank=True, default=list, verbose_name=_("tags"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    phase = FSMField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.CONCEPTION)
    phase_changed_at = models.DateTimeField(_("phase changed"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [GinIndex(fields=["tags"], name="project_tags_gin"), models.Index(fields=["team", "phase"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", kwargs={"slug": self.slug})

    @property
    def is_retired(self) -> bool:
        return self.phase == Phase.RETIRED

    @transition(field=phase, source=Phase.CONCEPTION, target=Phase.BUILD)
    def start_build(self) -> None:
        pass

    @transition(field=phase, source=Phase.BUILD, target=Phase.RUN)
    def go_live(self) -> None:
        pass

    @transition(field=phase, source=Phase.RUN, target=Phase.BUILD)
    def rebuild(self) -> None:
        pass

    @transition(field=phase, source=[Phase.CONCEPTION, Phase.BUILD], target=Phase.RETIRED)
    def abandon(self) -> None:
        pass

    @transition(field=phase, source=[Phase.RUN, Phase.BUILD], target=Phase.DECOMMISSIONING, custom=DECOMMISSION_WORKFLOW)
    def begin_decommission(self) -> None:
        pass

    @transition(field=phase, source=Phase.DECOMMISSIONING, target=Phase.RETIRED, custom=DECOMMISSION_WORKFLOW)
    def retire(self) -> None:
        pass

    @transition(
        field=phase, source=Phase.DECOMMISSIONING, target=RETURN_VALUE(Phase.RUN, Phase.BUILD), custom=DECOMMISSION_WORKFLOW
    )
    def cancel_decommission(self, back_to: str) -> str:
        return back_to


@pghistory.track()
class PhaseChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_changes", verbose_name=_("project"))
    from_phase = models.CharField(_("from"), max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to"), max_length=20, choices=Phase.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), default=clock.now)
    override = models.BooleanField(
        _("manager override"), default=False, help_text=_("A manager let the project into run without proof of value.")
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")

    def __str__(self) -> str:
        return f"{self.project}: {self.from_phase or '—'} → {self.to_phase}"


class HealthItem(NamedTuple):
    key: str
    phase: str
    label: str


HEALTH_ITEMS: tuple[HealthItem, ...] = (
    HealthItem("value-metric-agreed", Phase.CONCEPTION, _("The value hypothesis and its business metric are agreed with the business")),
    HealthItem("data-available", Phase.CONCEPTION, _("The data needed is available and its owners are known")),
    HealthItem("notebooks-refactored", Phase.BUILD, _("Notebook code is refactored into tested code")),
    HealthItem("experiments-traced", Phase.BUILD, _("Experiments are traced (parameters, data version, metrics)")),
    HealthItem("environments-separated", Phase.BUILD, _("Development and production environments are separated")),
    HealthItem(
        "triple-reproducible",
        Phase.BUILD,
        _("The {code, data, model} triple is reproducible: code versioned, libraries pinned, training data kept, model artifacts never overwritten"),
    ),
    HealthItem("deployment-automated", Phase.BUILD, _("Deployment is automated (CI/CD, infrastructure as code)")),
    HealthItem("threshold-tests", Phase.BUILD, _("Business threshold tests gate releases")),
    HealthItem("simplest-model", Phase.BUILD, _("The simplest model that does the job; any extra complexity is justified by an ADR")),
    HealthItem("existing-it-reused", Phase.BUILD, _("Existing IT is reused rather than shadow IT")),
    HealthItem("serving-fits-usage", Phase.RUN, _("Serving fits the usage (batch or real time)")),
    HealthItem("monitoring-alerting", Phase.RUN, _("Monitoring and alerting on errors and latency")),
    HealthItem("drift-watched", Phase.RUN, _("Data and concept drift are watched")),
    HealthItem("toil-measured", Phase.RUN, _("Toil is measured")),
    HealthItem("value-measured", Phase.RUN, _("Realized value is measured against the hypothesis")),
)
HEALTH_ITEM_KEYS = [item.key for item in HEALTH_ITEMS]
# Phases whose checklist items count for a project in a given phase (its own and the earlier ones).
PHASES_IN_SCOPE = {
    Phase.CONCEPTION: [Phase.CONCEPTION],
    Phase.BUILD: [Phase.CONCEPTION, Phase.BUILD],
    Phase.RUN: [Phase.CONCEPTION, Phase.BUILD, Phase.RUN],
    Phase.DECOMMISSIONING: [Phase.CONCEPTION, Phase.BUILD, Phase.RUN],
    Phase.RETIRED: [Phase.CONCEPTION, Phase.BUILD, Phase.RUN],
}


@pghistory.track()
class HealthCheck(models.Model):
    class Status(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="health_checks", verbose_name=_("project"))
    item = models.CharField(_("item"), max_length=40, choices=[(item.key, item.label) for item in HEALTH_ITEMS])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"), default=clock.now)

    class Meta:
        ordering = ["project", "item"]
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="healthcheck_one_per_item")]

    def __str__(self) -> str:
        return f"{self.project}: {self.item} = {self.status}"


from projects.ledger.models import (  # noqa: E402,F401  registered here so Django finds them in the projects app
    AllocationRule,
    CostEntry,
    ExchangeRate,
    FocusImport,
    FocusRow,
    LedgerMonth,
    LedgerStatus,
    ValueEntry,
)
from projects.decommission.models import (  # noqa: E402,F401  registered here so Django finds them in the projects app
    ChecklistItem,
    ChecklistTemplateItem,
    DecommissionEvent,
    DecommissionRequest,
)
from projects.common.jobs import PendingJob  # noqa: E402,F401  registered here so Django finds it in the projects app
