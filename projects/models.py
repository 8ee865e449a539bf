"""Teams and memberships: who belongs where, with which role and how many hours a week."""
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MANAGERS_GROUP = "Managers"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

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
        return reverse("team_detail", kwargs={"slug": self.slug})


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
