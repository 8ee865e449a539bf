"""The ledger's reference data: exchange rates (admins) and allocation rules (managers), each change followed by
the rollup of what it touches."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import permissions
from projects.ledger import focus
from projects.ledger.models import AllocationRule, ExchangeRate
from projects.ledger.months import month_start
from projects.ledger.rollup import schedule_rollup, schedule_rollup_all
from projects.models import Project


@transaction.atomic
def exchange_rate_set(*, actor: User, currency: str, month: date, rate: Decimal) -> ExchangeRate:
    if not permissions.can_manage_exchange_rates(actor):
        raise PermissionDenied(_("Only admins set exchange rates."))
    currency = (currency or "").upper()
    if currency == settings.PORTAL_BASE_CURRENCY:
        raise ValidationError({"currency": _("The base currency needs no rate.")})
    if rate is not None and rate <= 0:
        raise ValidationError({"rate": _("Enter a rate greater than zero.")})
    existing = ExchangeRate.objects.filter(currency=currency, month=month_start(month)).first()
    exchange_rate = existing or ExchangeRate(currency=currency, month=month_start(month))
    exchange_rate.rate = rate
    exchange_rate.full_clean()
    exchange_rate.save()
    transaction.on_commit(schedule_rollup_all)
    return exchange_rate


@transaction.atomic
def allocation_rule_create(*, actor: User, field: str, match: str, value: str, project: Project) -> AllocationRule:
    if not permissions.can_manage_allocation(actor):
        raise PermissionDenied(_("Only managers and admins change allocation rules."))
    value = (value or "").strip()
    if AllocationRule.objects.filter(field=field, match=match, value=value).exists():
        raise ValidationError({"value": _("A rule for this value already exists.")})
    rule = AllocationRule(field=field, match=match, value=value, project=project, created_by=actor)
    rule.full_clean()
    rule.save()
    reallocate_unallocated()
    return rule


@transaction.atomic
def allocation_rule_delete(*, actor: User, rule: AllocationRule) -> None:
    if not permissions.can_manage_allocation(actor):
        raise PermissionDenied(_("Only managers and admins change allocation rules."))
    rule.delete()


def reallocate_unallocated() -> int:
    """Give the unallocated rows to projects again, under the current rules; returns rows allocated."""
    focus.lock_imports()  # an import running now would keep its rows from the new rule
    project_ids = focus.allocate_rows(where="r.project_id IS NULL")
    schedule_rollup(project_ids)
    return len(project_ids)
