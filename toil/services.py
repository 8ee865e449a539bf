"""Writes for the toil backlog: items, their moves across the board, time logs, and the people cost
of toil handed to the ledger."""
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import clock, permissions
from projects.common import jobs
from projects.models import Project, Team
from toil.models import CRITERIA_FIELDS, TimeLog, ToilItem, WipLimit

ITEM_FIELDS = (
    *CRITERIA_FIELDS, "title", "description", "classification", "frequency", "minutes_per_occurrence", "people",
    "strategy", "strategy_reason", "owner", "automation_effort_hours", "remediates",
)


def suggest_classification(**criteria: bool) -> str:
    """Toil or not toil? Google SRE's six properties suggest a class; the team may override it.

    Work that is manual and shows most properties is toil. Work with enduring value that is not
    repeated is engineering. What is left (recurring, not automatable, not tied to the service's
    growth: meetings, planning, admin) is overhead.
    """
    count = sum(bool(criteria.get(name)) for name in CRITERIA_FIELDS)
    if criteria.get("is_manual") and count >= 4:
        return ToilItem.Classification.TOIL
    if not criteria.get("has_no_enduring_value") and not criteria.get("is_repetitive"):
        return ToilItem.Classification.ENGINEERING
    return ToilItem.Classification.OVERHEAD


def _require_edit(actor: User, project: Project) -> None:
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied(_("Only members of the project's team can change its toil backlog."))


def _check_item(item: ToilItem) -> None:
    if item.strategy == ToilItem.Strategy.ACCEPT and not item.strategy_reason.strip():
        raise ValidationError({"strategy_reason": _("Say why this toil is accepted for now.")})
    if item.owner_id and not permissions.is_member(item.owner, item.project.team_id):
        raise ValidationError({"owner": _("The owner must be a member of the project's team.")})
    if item.remediates_id and item.remediates.project_id != item.project_id:
        raise ValidationError({"remediates": _("A remediation ticket belongs to the project of its decision.")})
    item.full_clean()


def _sync_costs_on_commit(project_id: int) -> None:
    from toil.tasks import sync_toil_costs

    transaction.on_commit(lambda: jobs.enqueue(sync_toil_costs, project_id))


@transaction.atomic
def toil_item_create(*, actor: User, project: Project, title: str, minutes_per_occurrence: int, **fields) -> ToilItem:
    _require_edit(actor, project)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown toil item fields: {sorted(unknown)}")
    if not fields.get("classification"):
        fields["classification"] = suggest_classification(**{name: fields.get(name, False) for name in CRITERIA_FIELDS})
    item = ToilItem(project=project, title=title, minutes_per_occurrence=minutes_per_occurrence, **fields)
    _check_item(item)
    item.save()
    return item


@transaction.atomic
def toil_item_update(*, actor: User, item: ToilItem, **fields) -> ToilItem:
    _require_edit(actor, item.project)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown toil item fields: {sorted(unknown)}")
    if "classification" in fields and not fields["classification"]:
        fields["classification"] = suggest_classification(
            **{name: fields.get(name, getattr(item, name)) for name in CRITERIA_FIELDS}
        )
    classification_before = item.classification
    for name, value in fields.items():
        setattr(item, name, value)
    _check_item(item)
    item.save()
    if item.classification != classification_before:
        _sync_costs_on_commit(item.project_id)
    return item


@transaction.atomic
def toil_item_move(*, actor: User, item: ToilItem, status: str, today: date | None = None) -> ToilItem:
    """Move a card to another column. The audit trail keeps every move (pghistory)."""
    _require_edit(actor, item.project)
    if status not in ToilItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == ToilItem.Status.ACCEPTED and not item.strategy_reason.strip():
        raise ValidationError({"status": _("Accepting toil needs a reason: edit the item and give one first.")})
    if status == item.status:
        return item
    was_finished = item.is_finished
    item.status = status
    if item.is_finished and not was_finished:
        item.finished_on = today or clock.today()
    elif not item.is_finished:
        item.finished_on = None
    item.full_clean()
    item.save(update_fields=["status", "finished_on", "updated_at"])
    return item


@transaction.atomic
def time_log_create(
    *, actor: User, item: ToilItem, minutes: int, logged_on: date | None = None, user: User | None = None,
    note: str = "",
) -> TimeLog:
    """Log minutes spent on an item, for yourself or, as a lead, for a member of the team."""
    person = user or actor
    if not permissions.can_edit_project(actor, item.project):
        raise PermissionDenied(_("Only members of the project's team can log time on its toil."))
    if not permissions.can_log_time_for(actor, item.project, person):
        raise ValidationError({"user": _("You may log time only for yourself; a team lead may log for the team's members.")})
    logged_on = logged_on or clock.today()
    if logged_on > clock.today():
        raise ValidationError({"logged_on": _("A log cannot be in the future.")})
    if minutes is None or minutes < 1:
        raise ValidationError({"minutes": _("Log at least one minute.")})
    if minutes > 24 * 60:
        raise ValidationError({"minutes": _("A day has at most 1,440 minutes.")})
    log = TimeLog(item=item, user=person, logged_on=logged_on, minutes=minutes, note=note, logged_by=actor)
    log.full_clean()
    log.save()
    _sync_costs_on_commit(item.project_id)
    return log


def _write_toil_cost(project: Project, month: date, minutes: int) -> None:
    """Hand one month's toil hours, unrounded, to the ledger, which owns run costs and prices them at the
    team's hourly rate (toil never writes ledger tables)."""
    from projects.ledger.services import toil_cost_set

    toil_cost_set(project=project, month=month, hours=Decimal(minutes) / 60)


def toil_costs_sync(*, project: Project) -> int:
    """Set the project's toil cost for every month it has logs; idempotent, so it can run any time."""
    from toil.selectors import toil_cost_by_month

    rows = toil_cost_by_month(project_id=project.pk)
    for row in rows:
        _write_toil_cost(project, row.month, row.minutes)
    return len(rows)


@transaction.atomic
def wip_limits_set(*, actor: User, team: Team, limits: dict[str, int | None]) -> None:
    """Set the team's WIP limit of each board column (None: no limit). Unchanged columns are left alone."""
    if not permissions.can_set_team_limits(actor, team):
        raise PermissionDenied(_("Only a lead of the team sets its WIP limits."))
    unknown = set(limits) - set(ToilItem.Status.values)
    if unknown:
        raise ValidationError(_("Unknown columns: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    current = {row.status: row for row in WipLimit.objects.select_for_update().filter(team=team)}
    for status, limit in limits.items():
        row = current.get(status) or WipLimit(team=team, status=status)  # a new row starts with no limit
        if row.limit == limit:
            continue
        row.limit = limit
        row.full_clean()
        row.save()
