"""Architecture decision records (MADR 4 structure), their revisions, review sign-offs and comments."""
from datetime import timedelta

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects import clock
from projects.common import search
from projects.models import Project, TimeStampedModel

# The markdown fields of a record, in the order MADR 4 writes them.
MARKDOWN_FIELDS = ("context", "drivers", "outcome", "consequences", "confirmation", "more_information")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DEPRECATED = "deprecated", _("Deprecated")
    SUPERSEDED = "superseded", _("Superseded")




def _names() -> ArrayField:
    return ArrayField(models.CharField(max_length=120), blank=True, default=list)


# The statuses of a decision in force: rejected, superseded and deprecated decisions are not.
IN_FORCE = (Status.PROPOSED, Status.ACCEPTED)


class AdrQuerySet(models.QuerySet):
    """The definitions every page, export, email and API answer starts from."""

    def in_force(self) -> "AdrQuerySet":
        return self.filter(status__in=IN_FORCE)

    def stale(self) -> "AdrQuerySet":
        """Proposed for longer than settings.ADR_STALE_AFTER_DAYS: still waiting for a review."""
        return self.filter(stale_q())


def stale_q() -> models.Q:
    """The stale rule as a condition, for counts that filter an aggregate with it."""
    return models.Q(status=Status.PROPOSED, created_at__lt=clock.now() - timedelta(days=settings.ADR_STALE_AFTER_DAYS))


# The sections a decision is searched by, by weight.
SEARCHED_SECTIONS = {
    "A": ("title",),
    "B": ("context", "chosen_option", "outcome"),
    "C": ("drivers", "consequences", "confirmation", "more_information"),
}


def search_document():
    """The stored `search` vector: the sections stemmed in English (the decision list's search, which
    finds "offers" for "offer"), and as written (the portal's search, where the start of a word finds it)."""
    vectors = [
        SearchVector(*fields, weight=weight, config=config)
        for config in ("english", search.CONFIG) for weight, fields in SEARCHED_SECTIONS.items()
    ]
    document = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return document


@pghistory.track()
class Adr(TimeStampedModel):
    Status = Status
    objects = AdrQuerySet.as_manager()

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="adrs", verbose_name=_("project"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    status_as_written = models.CharField(
        _("status as written"), max_length=120, blank=True, help_text=_("The status an imported file gave, verbatim.")
    )
    decided_on = models.DateField(_("date"), null=True, blank=True)
    # The day the review accepted it, kept apart so the date the author wrote stays as written.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    context = models.TextField(_("context and problem statement"), blank=True, help_text=_("Markdown."))
    drivers = models.TextField(_("decision drivers"), blank=True, help_text=_("Markdown, one driver a bullet."))
    options = models.JSONField(
        _("considered options"), default=list, blank=True,
        help_text=_("A list of {title, description, good, neutral, bad}; the three lists hold markdown points."),
    )
    chosen_option = models.CharField(_("chosen option"), max_length=200, blank=True)
    outcome = models.TextField(_("decision outcome"), blank=True, help_text=_("Why this option. Markdown."))
    consequences = models.TextField(_("consequences"), blank=True, help_text=_("Markdown."))
    confirmation = models.TextField(_("confirmation"), blank=True, help_text=_("How compliance is checked. Markdown."))
    more_information = models.TextField(_("more information"), blank=True, help_text=_("Markdown."))
    tags = ArrayField(models.CharField(max_length=40), blank=True, default=list, verbose_name=_("tags"))
    decision_makers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="adrs_deciding", verbose_name=_("decision-makers")
    )
    consulted = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="adrs_consulted", verbose_name=_("consulted")
    )
    informed = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="adrs_informed", verbose_name=_("informed")
    )
    # People outside the portal, kept as written.
    decision_makers_external = _names()
    consulted_external = _names()
    informed_external = _names()
    relates_to = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("relates to"))
    supersedes = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="superseded_by", verbose_name=_("supersedes")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adrs_written", verbose_name=_("author")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    # Front-matter keys the portal does not model, kept so an export gives them back (the matrix adds its own).
    front_matter_extra = models.JSONField(default=dict, blank=True)
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["project__name", "number"]
        verbose_name = _("decision record")
        verbose_name_plural = _("decision records")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="adr_number_unique_per_project"),
            models.UniqueConstraint(
                fields=["project", "source_file"], condition=~models.Q(source_file=""), name="adr_source_unique_per_project"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="adr_version_positive"),
        ]
        indexes = [
            GinIndex(fields=["search"], name="adr_search_gin"),
            GinIndex(fields=["tags"], name="adr_tags_gin"),
            models.Index(fields=["status", "created_at"], name="adr_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("adr:detail", kwargs={"slug": self.project.slug, "number": self.number})

    @property
    def code(self) -> str:
        return f"ADR-{self.number:04d}"

    @property
    def is_proposed(self) -> bool:
        return self.status == Status.PROPOSED


class AdrRevision(models.Model):
    """One saved version of a record's content; the newest equals the record itself."""

    adr = models.ForeignKey(Adr, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("decision record"))
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), default=clock.now)

    class Meta:
        ordering = ["adr", "version"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["adr", "version"], name="adr_revision_unique_version")]

    def __str__(self) -> str:
        return f"{self.adr_id} v{self.version}"


@pghistory.track()
class Review(models.Model):
    """A sign-off: a decision-maker (or team lead) accepts or rejects a proposed record."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    adr = models.ForeignKey(Adr, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("decision record"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"))
    reviewed_at = models.DateTimeField(_("reviewed at"), default=clock.now)

    class Meta:
        ordering = ["reviewed_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.adr_id}: {self.verdict} by {self.reviewer_id}"


@pghistory.track()
class Comment(models.Model):
    """A remark on a record. Removing one voids it: the text stays in the audit trail."""

    adr = models.ForeignKey(Adr, on_delete=models.CASCADE, related_name="comments", verbose_name=_("decision record"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("written at"), default=clock.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.adr_id}: comment by {self.author_id}"


class ReminderSent(models.Model):
    """One weekly stale-record reminder per person, so a repeated task run sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text=_("Monday of the week the reminder covers."))
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="adr_reminder_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


class Cell(models.TextChoices):
    """The conscious/reckless matrix: was the trade-off known, and was it weighed?"""

    CONSCIOUS_RECKLESS = "conscious_reckless", _("Conscious and reckless")
    CONSCIOUS_PRUDENT = "conscious_prudent", _("Conscious and prudent")
    UNCONSCIOUS_RECKLESS = "unconscious_reckless", _("Unconscious and reckless")
    UNCONSCIOUS_PRUDENT = "unconscious_prudent", _("Unconscious and prudent")


# The questionnaire that suggests a cell; each answer is yes or no.
PLACEMENT_QUESTIONS = (
    ("knew_tradeoff", _("Did we know the trade-off when we decided?")),
    ("weighed_alternatives", _("Did we weigh alternatives and write down the consequences?")),
    ("under_pressure", _("Were we deciding under pressure?")),
    ("hindsight", _("Do we now have hindsight the team lacked at the time?")),
)


@pghistory.track()
class Placement(models.Model):
    """One judgement of where a decision sits on the matrix. Never changed: re-judging adds a new one."""

    Cell = Cell

    adr = models.ForeignKey(Adr, on_delete=models.CASCADE, related_name="placements", verbose_name=_("decision record"))
    cell = models.CharField(_("cell"), max_length=24, choices=Cell.choices)
    suggested_cell = models.CharField(_("suggested cell"), max_length=24, choices=Cell.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    revisit_by = models.DateField(_("revisit by"), null=True, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)

    class Meta:
        ordering = ["adr", "placed_at", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(cell="conscious_reckless") | models.Q(revisit_by__isnull=False),
                name="placement_reckless_shortcut_has_revisit_date",
            ),
        ]
        indexes = [models.Index(fields=["adr", "-placed_at"], name="placement_latest")]

    def __str__(self) -> str:
        return f"{self.adr_id}: {self.cell}"


class OneOffTicketQuerySet(models.QuerySet):
    @staticmethod
    def _late() -> models.Q:
        """Still open after its due date: the one definition of a late one-off ticket."""
        return models.Q(status=OneOffTicket.Status.OPEN, due_on__lt=clock.today())

    def open(self) -> "OneOffTicketQuerySet":
        return self.filter(status=OneOffTicket.Status.OPEN)

    def late(self) -> "OneOffTicketQuerySet":
        return self.filter(self._late())

    def with_late_flag(self) -> "OneOffTicketQuerySet":
        """Each ticket with `is_late`, by the same definition."""
        return self.annotate(is_late=models.ExpressionWrapper(self._late(), output_field=models.BooleanField()))


@pghistory.track()
class OneOffTicket(TimeStampedModel):
    """A remediation ticket done once by a due date (a migration, a rewrite), perhaps followed in an outside
    tracker. It pays a decision back like a recurring toil item does, without the frequency and minutes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    adr = models.ForeignKey(Adr, on_delete=models.PROTECT, related_name="one_off_tickets", verbose_name=_("decision record"))
    title = models.CharField(_("title"), max_length=160)
    due_on = models.DateField(_("due on"))
    link = models.URLField(
        _("link to the ticket"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the work is followed, if outside the portal: an issue or ticket address (https://…)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = OneOffTicketQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("one-off remediation ticket")
        verbose_name_plural = _("one-off remediation tickets")
        indexes = [models.Index(fields=["adr", "status"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False) | models.Q(status="open", done_on__isnull=True),
                name="oneoffticket_done_on_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.adr.get_absolute_url()}#ticket-{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.DONE
