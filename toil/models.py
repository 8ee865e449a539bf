"""The toil backlog: toil items of a project, and the minutes people log against them."""
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects import clock
from projects.models import Project, Team, TimeStampedModel

# Average occurrences in a month of 52 weeks / 12, five working days a week.
OCCURRENCES_PER_MONTH = {
    "day": Decimal(5 * 52) / Decimal(12),
    "week": Decimal(52) / Decimal(12),
    "month": Decimal(1),
}

# Google SRE's six properties of toil, in the order the form shows them.
CRITERIA = (
    ("is_manual", _("Manual"), _("A person runs it by hand, even through a script they launch.")),
    ("is_repetitive", _("Repetitive"), _("It is done again and again, not once.")),
    ("is_automatable", _("Automatable"), _("A machine could do it as well; no human judgement is needed.")),
    ("is_tactical", _("Tactical"), _("Interrupt-driven and reactive, not strategy-driven.")),
    ("has_no_enduring_value", _("No enduring value"), _("The service is in the same state after it is done.")),
    ("scales_with_service", _("Grows with the service"), _("It grows linearly with users, traffic or models.")),
)
CRITERIA_FIELDS = [name for name, _label, _help in CRITERIA]


@pghistory.track()
class ToilItem(TimeStampedModel):
    class Classification(models.TextChoices):
        TOIL = "toil", _("Toil")
        ENGINEERING = "engineering", _("Engineering")
        OVERHEAD = "overhead", _("Overhead")

    class Frequency(models.TextChoices):
        DAY = "day", _("Per working day")
        WEEK = "week", _("Per week")
        MONTH = "month", _("Per month")

    class Strategy(models.TextChoices):
        ELIMINATE = "eliminate", _("Eliminate (change the process)")
        AUTOMATE = "automate", _("Automate all or part of it")
        ACCEPT = "accept", _("Accept for now")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        AUTOMATED = "automated", _("Automated")
        ELIMINATED = "eliminated", _("Eliminated")
        DONE = "done", _("Done")
        ACCEPTED = "accepted", _("Accepted")

    # Finished work: what closes a remediation ticket (registered with adr.remediation). "Accepted" toil is not
    # finished: the debt is still there.
    FINISHED = (Status.AUTOMATED, Status.ELIMINATED, Status.DONE)
    # Where the before/after comparison applies: the toil itself was removed.
    GAINED = (Status.AUTOMATED, Status.ELIMINATED)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="toil_items", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    is_manual = models.BooleanField(_("manual"), default=False)
    is_repetitive = models.BooleanField(_("repetitive"), default=False)
    is_automatable = models.BooleanField(_("automatable"), default=False)
    is_tactical = models.BooleanField(_("tactical"), default=False)
    has_no_enduring_value = models.BooleanField(_("no enduring value"), default=False)
    scales_with_service = models.BooleanField(_("grows with the service"), default=False)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, default=Classification.TOIL
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEK)
    minutes_per_occurrence = models.PositiveIntegerField(
        _("minutes per occurrence"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    people = models.PositiveSmallIntegerField(
        _("people involved"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    strategy = models.CharField(_("strategy"), max_length=10, choices=Strategy.choices, default=Strategy.AUTOMATE)
    strategy_reason = models.TextField(_("reason for the strategy"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )
    automation_effort_hours = models.DecimalField(
        _("effort to automate (hours)"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    remediates = models.ForeignKey(
        "adr.Adr", on_delete=models.SET_NULL, null=True, blank=True, related_name="remediation_tickets",
        verbose_name=_("remediates decision"),
        help_text=_("The decision this work pays back: a remediation ticket of a conscious and reckless shortcut."),
    )

    class Meta:
        ordering = ["project__name", "title"]
        verbose_name = _("toil item")
        verbose_name_plural = _("toil items")
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["status", "classification"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes_per_occurrence__gte=1), name="toilitem_minutes_positive"),
            models.CheckConstraint(condition=models.Q(people__gte=1), name="toilitem_people_positive"),
            models.CheckConstraint(
                condition=models.Q(automation_effort_hours__isnull=True) | models.Q(automation_effort_hours__gte=0),
                name="toilitem_effort_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("toil:item_detail", kwargs={"pk": self.pk})

    @property
    def hours_per_month(self) -> Decimal:
        """The estimate: minutes per occurrence × occurrences per month × people, in hours."""
        minutes = Decimal(self.minutes_per_occurrence or 0) * OCCURRENCES_PER_MONTH[self.frequency] * (self.people or 0)
        return (minutes / 60).quantize(Decimal("0.1"))

    @property
    def estimated_payback_months(self) -> Decimal | None:
        if self.automation_effort_hours is None or not self.hours_per_month:
            return None
        return (self.automation_effort_hours / self.hours_per_month).quantize(Decimal("0.1"))

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def criteria(self) -> list[tuple[str, bool]]:
        return [(label, getattr(self, name)) for name, label, _help in CRITERIA]


@pghistory.track()
class TimeLog(models.Model):
    item = models.ForeignKey(ToilItem, on_delete=models.PROTECT, related_name="logs", verbose_name=_("toil item"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="toil_logs", verbose_name=_("person")
    )
    logged_on = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    created_at = clock.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-logged_on", "-pk"]
        verbose_name = _("time log")
        verbose_name_plural = _("time logs")
        indexes = [models.Index(fields=["item", "logged_on"]), models.Index(fields=["logged_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1) & models.Q(minutes__lte=24 * 60), name="timelog_minutes_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.item} · {self.minutes} min on {self.logged_on}"


@pghistory.track()
class WipLimit(TimeStampedModel):
    """How many of a team's toil items one board column may hold at once (work in progress), set by its lead.
    Clearing a limit keeps the row with no limit, so the audit trail shows every change."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="toil_wip_limits", verbose_name=_("team"))
    status = models.CharField(_("column"), max_length=12, choices=ToilItem.Status.choices)
    limit = models.PositiveSmallIntegerField(
        _("limit"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )

    class Meta:
        ordering = ["team", "status"]
        verbose_name = _("WIP limit")
        verbose_name_plural = _("WIP limits")
        constraints = [
            models.UniqueConstraint(fields=["team", "status"], name="wiplimit_one_per_column"),
            models.CheckConstraint(condition=models.Q(limit__isnull=True) | models.Q(limit__gte=1), name="wiplimit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.status}: {self.limit}"
