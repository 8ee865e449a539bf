"""Writes for the ledger's entries: costs and values, their voiding, and the toil cost the toil backlog sets.
Exchange rates and allocation rules are in projects.ledger.reference, FOCUS imports in projects.ledger.imports,
the rollup in projects.ledger.rollup."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import clock, permissions
from projects.ledger.models import MONEY, CostEntry, ValueEntry
from projects.ledger.months import month_start
from projects.ledger.rollup import schedule_rollup
from projects.models import Project

MONEY_PLACES = Decimal(1).scaleb(-MONEY["decimal_places"])


def _require_ledger_edit(actor: User, project: Project) -> None:
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its ledger."))


@transaction.atomic
def cost_entry_create(
    *, actor: User, project: Project, incurred_on: date, category: str, amount: Decimal, currency: str,
    description: str = "", source: str = CostEntry.Source.MANUAL,
) -> CostEntry:
    if not permissions.can_record_cost(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its ledger."))
    if source == CostEntry.Source.TOIL:
        raise ValidationError({"source": _("Toil cost is written by the toil backlog only.")})
    entry = CostEntry(
        project=project, incurred_on=incurred_on, category=category, amount=amount, currency=(currency or "").upper(),
        description=description.strip(), source=source, created_by=actor,
    )
    entry.full_clean()
    entry.save()
    schedule_rollup([project.pk])
    return entry


@transaction.atomic
def value_entry_create(
    *, actor: User, project: Project, realized_on: date, kind: str, amount: Decimal, currency: str,
    evidence: str, confidence: str,
) -> ValueEntry:
    _require_ledger_edit(actor, project)
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Say how the value was measured.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("Value is not negative: void a wrong entry instead.")})
    entry = ValueEntry(
        project=project, realized_on=realized_on, kind=kind, amount=amount, currency=(currency or "").upper(),
        evidence=evidence, confidence=confidence, created_by=actor,
    )
    entry.full_clean()
    entry.save()
    schedule_rollup([project.pk])
    return entry


def _void(entry: CostEntry | ValueEntry, *, actor: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is voided.")})
    if entry.is_voided:
        raise ValidationError({"reason": _("This entry is already voided.")})
    entry.voided_at, entry.voided_by, entry.void_reason = clock.now(), actor, reason
    entry.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    schedule_rollup([entry.project_id])


@transaction.atomic
def cost_entry_void(*, actor: User, entry: CostEntry, reason: str) -> CostEntry:
    _require_ledger_edit(actor, entry.project)
    if entry.source == CostEntry.Source.TOIL:
        raise ValidationError({"reason": _("Toil cost follows the toil logs: correct the logs instead.")})
    _void(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def value_entry_void(*, actor: User, entry: ValueEntry, reason: str) -> ValueEntry:
    _require_ledger_edit(actor, entry.project)
    _void(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def toil_cost_set(*, project: Project, month: date, hours: Decimal, actor: User | None = None) -> CostEntry | None:
    """Set the people cost of a project's toil for one month, priced at the team's hourly rate.

    Called by the toil backlog whenever its logs change; calling it again with the same hours changes
    nothing. A changed figure voids the previous entry, so the audit trail keeps both.
    """
    month = month_start(month)
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    # Kept to the ledger's 14 places (money is rounded for display only), so the same hours compare equal.
    amount = (Decimal(hours) * project.team.hourly_rate).quantize(MONEY_PLACES)
    current = CostEntry.objects.filter(
        project=project, incurred_on=month, source=CostEntry.Source.TOIL, voided_at__isnull=True
    ).first()
    if current is not None and current.amount == amount and current.currency == settings.PORTAL_BASE_CURRENCY:
        return current
    if current is not None:
        current.voided_at, current.voided_by = clock.now(), actor
        current.void_reason = _("Toil hours changed: recomputed.")
        current.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    schedule_rollup([project.pk])
    if not amount:
        return None
    entry = CostEntry(
        project=project, incurred_on=month, category=CostEntry.Category.PEOPLE, source=CostEntry.Source.TOIL,
        amount=amount, currency=settings.PORTAL_BASE_CURRENCY, created_by=actor,
        description=_("Toil: %(hours)s h at %(rate)s") % {
            "hours": Decimal(hours).quantize(Decimal("0.01")), "rate": project.team.hourly_rate,
        },
    )
    entry.full_clean()
    entry.save()
    return entry
