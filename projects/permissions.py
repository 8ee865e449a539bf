"""The one place that says who may do what. Views, services and the API all ask here.

Everyone logged in may read everything. Members of a team change their team's objects; team leads
also manage their team's members; managers review and approve; superusers are admins.
"""
from django.contrib.auth.models import AnonymousUser, User

from projects.models import MANAGERS_GROUP, Membership, Project, Team

AnyUser = User | AnonymousUser


def _team_roles(user: AnyUser) -> dict[int, str]:
    """The user's role per team id, loaded once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_portal_team_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("team_id", "role"))
        user._portal_team_roles = cached
    return cached


def team_ids(user: AnyUser) -> set[int]:
    return set(_team_roles(user))


def is_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_superuser


def is_manager(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    cached = getattr(user, "_portal_is_manager", None)
    if cached is None:
        cached = user.groups.filter(name=MANAGERS_GROUP).exists()
        user._portal_is_manager = cached
    return cached


def is_member(user: AnyUser, team: Team | int) -> bool:
    team_id = team if isinstance(team, int) else team.pk
    return team_id in _team_roles(user)


def is_lead(user: AnyUser, team: Team | int) -> bool:
    team_id = team if isinstance(team, int) else team.pk
    return _team_roles(user).get(team_id) == Membership.Role.LEAD


def role_name(user: AnyUser) -> str:
    """The broadest role a user holds: admin, manager, lead or member."""
    if is_admin(user):
        return "admin"
    if is_manager(user):
        return "manager"
    if Membership.Role.LEAD in _team_roles(user).values():
        return "lead"
    return "member"


def can_view(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


def can_edit_team_work(user: AnyUser, team: Team | int) -> bool:
    """Change the objects that belong to a team: its projects, decisions, ledger, toil."""
    return is_admin(user) or is_member(user, team)


def can_manage_members(user: AnyUser, team: Team | int) -> bool:
    return is_admin(user) or is_lead(user, team)


def can_set_team_limits(user: AnyUser, team: Team | int) -> bool:
    """Set how the team works: its toil board's WIP limits. A lead of the team, or an admin."""
    return is_admin(user) or is_lead(user, team)


def can_approve(user: AnyUser) -> bool:
    """Approve or reject what needs a manager (decommissioning, overrides)."""
    return is_manager(user)


def can_edit_project(user: AnyUser, project: Project) -> bool:
    """Change a project and everything in it. A retired project is read-only for its team."""
    if is_admin(user):
        return True
    return is_member(user, project.team_id) and not project.is_retired


def can_create_project(user: AnyUser, team: Team | int) -> bool:
    return can_edit_team_work(user, team)


def can_record_cost(user: AnyUser, project: Project) -> bool:
    """Record a cost by hand: the team while the project lives; a manager also after it is retired,
    because bills keep arriving for switched-off projects."""
    return can_edit_project(user, project) or (project.is_retired and is_manager(user))


def can_import_costs(user: AnyUser) -> bool:
    """A billing export spans every team: only managers and admins import or void one."""
    return is_manager(user)


def can_manage_allocation(user: AnyUser) -> bool:
    return is_manager(user)


def can_manage_exchange_rates(user: AnyUser) -> bool:
    return is_admin(user)


def can_request_decommission(user: AnyUser, project: Project) -> bool:
    return can_edit_project(user, project) or is_manager(user)


def can_steer_decommission(user: AnyUser, project: Project) -> bool:
    """Assign checklist items and cancel a request: the project's team, an admin, or a manager."""
    return is_manager(user) or can_work_decommission_item(user, project)


def can_work_decommission_item(user: AnyUser, project: Project) -> bool:
    """Tick, assign and complete the checklist: the project's team (items are assigned within it) or an admin.

    A person who leaves the team loses the items assigned to them with it.
    """
    return can_edit_team_work(user, project.team_id)


def can_log_time_for(actor: AnyUser, project: Project, person: User) -> bool:
    """Log toil minutes for `person`: yourself on your team's project; a lead or admin for any team member."""
    if not can_edit_project(actor, project) or not is_member(person, project.team_id):
        return False
    return actor.pk == person.pk or is_admin(actor) or is_lead(actor, project.team_id)


def can_see_who_logged(user: AnyUser, team: Team | int) -> bool:
    """Who logged what is for the team and managers; everyone else sees totals."""
    return is_member(user, team) or is_manager(user)


def can_review_decision(user: AnyUser, *, project: Project, author_id: int, decision_maker_ids: set[int]) -> bool:
    """Accept or reject a proposed decision: one of its decision-makers or a lead of its team, never its author."""
    if not user.is_authenticated or user.pk == author_id or project.is_retired:
        return False
    return user.pk in decision_maker_ids or is_lead(user, project.team_id) or is_admin(user)


def can_name_decision_makers(user: AnyUser, *, project: Project, author_id: int) -> bool:
    """Change who decides on a record: its author or a lead of its team (else anyone could name themselves and
    accept alone)."""
    return user.is_authenticated and (user.pk == author_id or is_lead(user, project.team_id) or is_admin(user))


def can_remove_comment(user: AnyUser, *, project: Project, comment_author_id: int) -> bool:
    """Remove a comment on a decision: its author, a lead of the project's team, or an admin."""
    return user.is_authenticated and (user.pk == comment_author_id or is_lead(user, project.team_id) or is_admin(user))
