"""The cost-versus-value ledger: cost and value entries, exchange rates, FOCUS imports and their rows,
allocation rules, and the monthly summary that the rollup computes and the pages read."""
from datetime import timezone as dt_timezone

import pghistory
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Phase, Project, TimeStampedModel

# Billing exports carry many decimals; a month is the sum of many tiny rows: keep them all.
MONEY = {"max_digits": 30, "decimal_places": 14}
currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, such as EUR."))


class Voidable(models.Model):
    """Ledger lines are never deleted: they are voided with a reason."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("voided by")
    )
    void_reason = models.TextField(_("void reason"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


@pghistory.track()
class ExchangeRate(TimeStampedModel):
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    month = models.DateField(_("month"), help_text=_("First day of the month the rate applies to."))
    rate = models.DecimalField(
        _("rate"), max_digits=20, decimal_places=10, help_text=_("Base currency for one unit of this currency.")
    )

    class Meta:
        ordering = ["-month", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="exchangerate_one_per_month"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchangerate_rate_positive"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="exchangerate_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m}: {self.rate}"


@pghistory.track()
class CostEntry(TimeStampedModel, Voidable):
    class Category(models.TextChoices):
        CLOUD = "cloud", _("Cloud / infrastructure")
        LICENCES = "licences", _("Licences")
        PEOPLE = "people", _("People (not toil)")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        FOCUS = "focus", _("FOCUS import")
        TOIL = "toil", _("Toil")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="cost_entries", verbose_name=_("project"))
    incurred_on = models.DateField(_("incurred on"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    description = models.CharField(_("description"), max_length=240, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-incurred_on", "-pk"]
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        indexes = [models.Index(fields=["project", "incurred_on"])]
        constraints = [
            # The toil service keeps one live entry per project and month.
            models.UniqueConstraint(
                fields=["project", "incurred_on"],
                condition=models.Q(source="toil", voided_at__isnull=True),
                name="costentry_one_toil_entry_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.amount} {self.currency} ({self.incurred_on})"

    @property
    def kind_display(self) -> str:
        """What the cost is, as the pages name it: toil is shown as toil, not as its people category."""
        return str(_("Toil")) if self.source == self.Source.TOIL else self.get_category_display()


@pghistory.track()
class ValueEntry(TimeStampedModel, Voidable):
    class Kind(models.TextChoices):
        REVENUE = "revenue", _("Revenue gained")
        COST_SAVED = "cost_saved", _("Cost saved")
        HOURS_SAVED = "hours_saved", _("Hours saved")
        RISK_AVOIDED = "risk_avoided", _("Risk avoided")
        OTHER = "other", _("Other")

    class Confidence(models.TextChoices):
        MEASURED = "measured", _("Measured")
        ESTIMATED = "estimated", _("Estimated")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="value_entries", verbose_name=_("project"))
    realized_on = models.DateField(_("realized on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    evidence = models.TextField(_("evidence"), help_text=_("How it was measured. Markdown."))
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-realized_on", "-pk"]
        verbose_name = _("value entry")
        verbose_name_plural = _("value entries")
        indexes = [models.Index(fields=["project", "realized_on"])]

    def __str__(self) -> str:
        return f"{self.project}: {self.amount} {self.currency} ({self.realized_on})"


@pghistory.track()
class AllocationRule(TimeStampedModel):
    class Field(models.TextChoices):
        SUB_ACCOUNT = "sub_account_id", _("SubAccountId")
        RESOURCE = "resource_id", _("ResourceId")
        SERVICE = "service_name", _("ServiceName")

    class Match(models.TextChoices):
        EXACT = "exact", _("Exact")
        PATTERN = "pattern", _("Pattern (* matches anything)")

    field = models.CharField(_("column"), max_length=20, choices=Field.choices)
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, default=Match.EXACT)
    value = models.CharField(_("value"), max_length=500)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="allocation_rules", verbose_name=_("project"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["field", "match", "value"]
        verbose_name = _("allocation rule")
        verbose_name_plural = _("allocation rules")
        constraints = [models.UniqueConstraint(fields=["field", "match", "value"], name="allocationrule_unique")]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.match} {self.value} → {self.project}"


@pghistory.track()
class FocusImport(TimeStampedModel, Voidable):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        DUPLICATE = "duplicate", _("Already imported")
        FAILED = "failed", _("Refused")

    file_name = models.CharField(_("file"), max_length=255)
    upload = models.FileField(_("upload"), upload_to="focus/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[currency_validator],
        help_text=_("Only for files without a BillingCurrency column."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_replaced = models.PositiveIntegerField(_("earlier rows replaced"), default=0)
    duplicates_skipped = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("FOCUS import")
        verbose_name_plural = _("FOCUS imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("ledger:home") + f"#import-{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DUPLICATE, self.Status.FAILED)


# A live FOCUS row is one that counts: its import finished and was not voided, and no later import re-issued
# its billing period. The same, for raw SQL over `projects_focusrow r JOIN projects_focusimport i`:
LIVE_FOCUS_ROW_SQL = "r.replaced_by_id IS NULL AND i.voided_at IS NULL AND i.status = 'done'"
# A FOCUS row belongs to the UTC day and month of its charge period, as billed (raw SQL over `r`).
FOCUS_MONTH_SQL = "date_trunc('month', r.charge_period_start AT TIME ZONE 'UTC')::date"


# The phases whose months are run months.
RUN_PHASES = (Phase.RUN.value, Phase.DECOMMISSIONING.value)


# Run months in raw SQL. A calendar month (TIME_ZONE's calendar) is a run month of a project when it began with
# the project in run or decommissioning, so the go-live month is not one. The phase at an instant comes from the
# project's phase history: before its first move, the phase that move left (none when it is the creation); a
# project without history has always been in its current phase.
# PHASE_SPANS_SQL goes in the query's WITH clause: the spans of time each project spent in each phase.
PHASE_SPANS_SQL = """phase_spans AS (
    SELECT project_id, phase, since, until FROM (
        SELECT c.project_id, c.to_phase AS phase, c.changed_at AS since,
               coalesce(lead(c.changed_at) OVER (PARTITION BY c.project_id ORDER BY c.changed_at, c.id), 'infinity') AS until
        FROM projects_phasechange c
        UNION ALL
        SELECT * FROM (
            SELECT DISTINCT ON (c.project_id) c.project_id, c.from_phase, '-infinity'::timestamptz, c.changed_at
            FROM projects_phasechange c ORDER BY c.project_id, c.changed_at, c.id
        ) before_history
        UNION ALL
        SELECT p.id, p.phase, '-infinity', 'infinity' FROM projects_project p
        WHERE NOT EXISTS (SELECT 1 FROM projects_phasechange c WHERE c.project_id = p.id)
    ) spans
    WHERE phase <> '' AND since < until
)"""


def month_phase_join(alias: str, project: str, month: str) -> str:
    """The join that finds the phase span `alias` holding the start of the month beginning on `month` (a date)
    for `project`: `{alias}.phase` is the phase the month began in (null before the project existed). Spans of
    one project never overlap, so the join adds no rows. The query passes TIME_ZONE as the parameter `tz`."""
    start = f"({month}::timestamp AT TIME ZONE %(tz)s)"
    return f"LEFT JOIN phase_spans {alias} ON {alias}.project_id = {project} AND {alias}.since <= {start} AND {start} < {alias}.until"


def run_month_sql(alias: str) -> str:
    """True for a run month, from the span `month_phase_join` found; the query passes RUN_PHASES as `run_phases`."""
    return f"coalesce({alias}.phase = ANY(%(run_phases)s), false)"


class FocusRowQuerySet(models.QuerySet):
    def live(self) -> "FocusRowQuerySet":
        return self.filter(
            replaced_by__isnull=True, focus_import__voided_at__isnull=True, focus_import__status=FocusImport.Status.DONE
        )

    def with_billing_day(self) -> "FocusRowQuerySet":
        """`billing_day`: the UTC day of the charge, as billed."""
        return self.alias(billing_day=TruncDate("charge_period_start", tzinfo=dt_timezone.utc))


class FocusRow(models.Model):
    """One billing line of an import. Not tracked row by row: the import is the audit record.

    Millions of rows arrive in one statement, so the foreign keys carry no database constraint
    (no per-row trigger): the import writes only ids it has just read, and rows are never deleted.
    """

    focus_import = models.ForeignKey(FocusImport, on_delete=models.DO_NOTHING, related_name="rows", db_constraint=False)
    line = models.PositiveIntegerField()
    charge_period_start = models.DateTimeField()
    charge_period_end = models.DateTimeField(null=True)
    effective_cost = models.DecimalField(**MONEY)
    billed_cost = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    billing_account_id = models.CharField(max_length=500, blank=True)
    billing_period_start = models.DateTimeField(null=True)
    charge_category = models.CharField(max_length=40, blank=True)
    charge_class = models.CharField(max_length=40, blank=True)
    tags = models.JSONField(null=True)
    sub_account_id = models.CharField(max_length=500, blank=True)
    resource_id = models.TextField(blank=True)
    service_name = models.CharField(max_length=500, blank=True)
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False
    )
    replaced_by = models.ForeignKey(
        FocusImport, on_delete=models.DO_NOTHING, null=True, related_name="replaced_rows", db_constraint=False,
        db_index=False,
    )

    objects = FocusRowQuerySet.as_manager()

    class Meta:
        ordering = ["focus_import", "line"]
        indexes = [
            models.Index(fields=["project", "charge_period_start"]),
            models.Index(fields=["billing_account_id", "billing_period_start"]),
            # Rows arrive unreplaced: a partial index costs an import nothing and still finds a replacement's rows.
            models.Index(fields=["replaced_by"], condition=models.Q(replaced_by__isnull=False), name="focusrow_replaced_by"),
        ]

    def __str__(self) -> str:
        return f"{self.focus_import_id}:{self.line}"

    @property
    def billing_day(self):
        """The UTC day of the charge, as billed (`with_billing_day()` in SQL)."""
        return self.charge_period_start.astimezone(dt_timezone.utc).date()


class LedgerMonth(models.Model):
    """One project and month, as the rollup computed it; amounts in the base currency."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ledger_months")
    month = models.DateField()
    cost_cloud = models.DecimalField(default=0, **MONEY)
    cost_licences = models.DecimalField(default=0, **MONEY)
    cost_people = models.DecimalField(default=0, **MONEY)
    cost_toil = models.DecimalField(default=0, **MONEY)
    cost_other = models.DecimalField(default=0, **MONEY)
    cost_total = models.DecimalField(default=0, **MONEY)
    value_total = models.DecimalField(default=0, **MONEY)
    value_estimated = models.DecimalField(default=0, **MONEY)
    ratio = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    cumulative_cost = models.DecimalField(default=0, **MONEY)
    cumulative_value = models.DecimalField(default=0, **MONEY)
    trailing_cost = models.DecimalField(default=0, **MONEY)
    trailing_value = models.DecimalField(default=0, **MONEY)
    unconverted_count = models.PositiveIntegerField(default=0)
    # The phase the month began in (see PHASE_SPANS_SQL): only run months are judged by the underwater rule.
    phase = models.CharField(max_length=20, blank=True, choices=Phase.choices)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="ledgermonth_one_per_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"

    @property
    def run_month(self) -> bool:
        return self.phase in RUN_PHASES


class LedgerStatus(models.Model):
    """The underwater flag of a project and the figures behind it."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="ledger_status")
    underwater = models.BooleanField(default=False)
    underwater_since = models.DateField(null=True)
    window_start = models.DateField()
    window_end = models.DateField()
    window_cost = models.DecimalField(default=0, **MONEY)
    window_value = models.DecimalField(default=0, **MONEY)
    window_value_estimated = models.DecimalField(default=0, **MONEY)
    window_unconverted = models.PositiveIntegerField(default=0)
    # Run months in the window: fewer than the window's length is "not enough run history", never underwater.
    run_months = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ledger status")

    def __str__(self) -> str:
        return f"{self.project_id}: {'underwater' if self.underwater else 'afloat'}"

    @property
    def window_months(self) -> int:
        return (self.window_end.year - self.window_start.year) * 12 + self.window_end.month - self.window_start.month + 1

    @property
    def enough_run_history(self) -> bool:
        """A full window of run months: only then is the project judged underwater or afloat."""
        return self.run_months >= self.window_months

    @property
    def verdict(self) -> str:
        """What the underwater rule says of the project: "underwater", "afloat", "not_enough_run_history" (in
        run, with fewer run months than the window) or "not_in_run"."""
        if self.underwater:
            return "underwater"
        if self.project.phase != Phase.RUN:
            return "not_in_run"
        return "afloat" if self.enough_run_history else "not_enough_run_history"

    @property
    def estimated_share(self):
        if not self.window_value:
            return None
        return self.window_value_estimated / self.window_value
