"""A decommission request, its checklist and its timeline."""
from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from projects import clock
from projects.models import Phase, Project, TimeStampedModel


DEFAULT_CHECKLIST = [
    ("Tell the users and consumers", "Who depends on the predictions? Tell them when and what replaces it."),
    ("Unplug consumers", "Stop sending predictions; remove the routing and feature flags that call the model."),
    ("Stop scheduled jobs and data feeds", "Training, scoring and ingestion schedules; upstream extracts made for this project."),
    ("Archive what reproduces the last model", "Code version, training data and model artifact, with their locations in the note."),
    ("Revoke credentials and access", "Service accounts, API keys, database users and shared folders."),
    ("Delete infrastructure and code", "Delete or archive the repository, endpoints, buckets, clusters and dashboards."),
    ("Confirm that costs have stopped", "Check the next billing export: no cost should arrive for this project."),
]


class ChecklistTemplateItem(models.Model):
    """The default checklist a new request starts with; admins edit it in the admin."""

    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("decommission checklist template item")
        verbose_name_plural = _("decommission checklist template")

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class DecommissionRequest(TimeStampedModel):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.PROPOSED, State.APPROVED, State.IN_PROGRESS)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="decommissions", verbose_name=_("project"))
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    reason = models.TextField(_("reason"), help_text=_("Why switch it off? Markdown."))
    evidence = models.JSONField(_("evidence"), default=dict, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    phase_before = models.CharField(_("phase before"), max_length=20, choices=Phase.choices, blank=True)
    monthly_cost_freed = models.DecimalField(
        _("monthly run cost freed"), max_digits=20, decimal_places=6, default=Decimal("0"),
        help_text=_("Average monthly run cost of the last complete months before approval."),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decommission request")
        verbose_name_plural = _("decommission requests")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state__in=["proposed", "approved", "in_progress"]),
                name="decommission_one_open_request_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("decommission:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(field=state, source=State.PROPOSED, target=State.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=State.PROPOSED, target=State.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.IN_PROGRESS)
    def start(self) -> None:
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.COMPLETED)
    def complete(self) -> None:
        pass

    @transition(field=state, source=[State.PROPOSED, State.APPROVED, State.IN_PROGRESS], target=State.CANCELLED)
    def cancel(self) -> None:
        pass


@pghistory.track()
class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    request = models.ForeignKey(DecommissionRequest, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("request"))
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="decommission_items",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_relevant") | ~models.Q(note=""),
                name="checklist_not_relevant_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DecommissionEvent(models.Model):
    """One line of a request's timeline: what happened, who did it, when, and what they said."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        STARTED = "started", _("Work started")
        ITEM = "item", _("Checklist")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        ZOMBIE = "zombie", _("Cost after retirement")

    request = models.ForeignKey(DecommissionRequest, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("request"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by"))
    at = clock.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("decommission event")
        verbose_name_plural = _("decommission events")

    def __str__(self) -> str:
        return f"{self.request}: {self.action}"
