"""Writes for teams, memberships and projects. Every write checks the actor's rights, validates,
and runs in a transaction."""
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import State

from projects import clock, permissions
from projects.ledger.rollup import schedule_rollup
from projects.ledger.selectors import has_proof_of_value
from projects.models import (
    HEALTH_ITEM_KEYS, ChecklistItem, DecommissionRequest, HealthCheck, Membership, Phase, PhaseChange, Project, Team,
)


@transaction.atomic
def membership_add(
    *, actor: User, team: Team, user: User, role: str, weekly_hours: Decimal, joined_on: date
) -> Membership:
    if not permissions.can_manage_members(actor, team):
        raise PermissionDenied(_("Only a lead of this team or an admin can add members."))
    if Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": _("%(user)s is already a member of this team.") % {"user": user}})
    membership = Membership(team=team, user=user, role=role, weekly_hours=weekly_hours, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    team = membership.team
    if not permissions.can_manage_members(actor, team):
        raise PermissionDenied(_("Only a lead of this team or an admin can remove members."))
    if membership.is_lead and not team.memberships.filter(role=Membership.Role.LEAD).exclude(pk=membership.pk).exists():
        raise ValidationError(_("A team keeps at least one lead: name another lead first."))
    # Whoever leaves the team stops working its decommission checklists.
    ChecklistItem.objects.filter(
        assignee_id=membership.user_id, request__project__team=team, request__state__in=DecommissionRequest.OPEN_STATES
    ).update(assignee=None)
    membership.delete()


def _require_edit(actor: User, project: Project) -> None:
    if not permissions.can_edit_project(actor, project):
        if project.is_retired and permissions.is_member(actor, project.team_id):
            raise PermissionDenied(_("This project is retired: it is read-only."))
        raise PermissionDenied(_("Only members of the project's team can change it."))


RESERVED_SLUGS = {"new"}  # paths under /projects/ that are not projects

PROJECT_FIELDS = (
    "name", "slug", "summary", "description", "value_hypothesis", "business_owner",
    "repository_url", "dashboard_url", "runbook_url", "tags", "start_date",
)


@transaction.atomic
def project_create(*, actor: User, team: Team, name: str, slug: str, **fields) -> Project:
    if not permissions.can_create_project(actor, team):
        raise PermissionDenied(_("You can only create projects for your own teams."))
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("“%(slug)s” is reserved; choose another slug.") % {"slug": slug}})
    project = Project(team=team, name=name, slug=slug, **fields)
    project.full_clean()
    project.save()
    PhaseChange.objects.create(
        project=project, from_phase="", to_phase=project.phase, reason=_("Project created."), changed_by=actor
    )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields) -> Project:
    _require_edit(actor, project)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    if fields.get("slug", project.slug) in RESERVED_SLUGS:
        raise ValidationError({"slug": _("“%(slug)s” is reserved; choose another slug.") % {"slug": fields["slug"]}})
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


def phase_moves(project: Project) -> list[str]:
    """The phases a person may move the project to from the phase form (not the decommission workflow)."""
    targets = {
        target
        for transition in project.get_available_phase_transitions()
        if transition.custom.get("workflow") != "decommission"
        for target in _targets(transition)
    }
    return [phase for phase in Phase.values if phase in targets]


def _targets(transition) -> tuple[str, ...]:
    target = transition.target
    return tuple(target.allowed_states) if isinstance(target, State) else (target,)


def _transition_to(project: Project, to_phase: str, *, workflow: str | None):
    for transition in project.get_available_phase_transitions():
        if transition.custom.get("workflow") == workflow and to_phase in _targets(transition):
            return transition
    return None


@transaction.atomic
def project_change_phase(
    *, actor: User, project: Project, to_phase: str, reason: str, workflow: str | None = None, override: bool = False
) -> PhaseChange:
    """Move a project to another phase, recording who, when and why.

    Going live (build to run) needs proof of value: a realized value entry with evidence, or a
    manager's `override`, whose reason stays in the phase history.

    `workflow="decommission"` is for the decommission workflow's own moves (into decommissioning,
    to retired, and back when a request is cancelled); the phase form cannot make them.
    """
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    project.refresh_from_db(fields=["phase"])
    # A manager's override is itself the permission to let the project go live.
    manager_override = override and to_phase == Phase.RUN and permissions.can_approve(actor)
    if workflow is None and not manager_override:
        _require_edit(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the phase changes.")})
    from_phase = project.phase
    transition = _transition_to(project, to_phase, workflow=workflow)
    if transition is None:
        if workflow is None and project.phase in (Phase.RUN, Phase.DECOMMISSIONING) and to_phase in (
            Phase.DECOMMISSIONING,
            Phase.RETIRED,
        ):
            raise ValidationError(
                {"to_phase": _("A project in run is retired only through the decommission workflow: request a decommission.")}
            )
        raise ValidationError(
            {"to_phase": _("A project in %(from)s cannot move to %(to)s.") % {"from": project.get_phase_display(), "to": Phase(to_phase).label if to_phase in Phase.values else to_phase}}
        )
    override = override and transition.name == "go_live" and workflow is None
    if transition.name == "go_live" and workflow is None:
        if has_proof_of_value(project):
            override = False
            if manager_override:
                _require_edit(actor, project)  # no override is needed, so it gives no right to move the project
        elif not override:
            raise ValidationError(
                {"to_phase": _("Going live needs proof of value: record a realized value entry with its evidence first, or ask a manager to override.")}
            )
        elif not permissions.can_approve(actor):
            raise PermissionDenied(_("Only a manager can let a project into run without proof of value."))
    method = getattr(project, transition.name)
    if transition.name == "cancel_decommission":
        method(back_to=to_phase)
    else:
        method()
    project.phase_changed_at = clock.now()
    project.save(update_fields=["phase", "phase_changed_at", "updated_at"])
    schedule_rollup([project.pk])  # the underwater flag depends on the phase
    return PhaseChange.objects.create(
        project=project, from_phase=from_phase, to_phase=project.phase, reason=reason, changed_by=actor,
        changed_at=project.phase_changed_at, override=override,
    )


@transaction.atomic
def health_check_set(*, actor: User, project: Project, item: str, status: str, note: str = "") -> HealthCheck:
    _require_edit(actor, project)
    if item not in HEALTH_ITEM_KEYS:
        raise ValidationError({"item": _("Unknown checklist item.")})
    check, _created = HealthCheck.objects.get_or_create(
        project=project, item=item, defaults={"status": status, "note": note, "checked_by": actor}
    )
    check.status, check.note, check.checked_by, check.checked_at = status, note, actor, clock.now()
    check.full_clean()
    check.save()
    return check
