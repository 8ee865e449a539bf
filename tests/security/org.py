"""The fixture organisation of the security suites: two teams, each with a project and the objects
every app hangs on a project, plus a retired project, so that every URL can be filled with real ids."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from portal import services as portal_services
from projects import clock
from projects.decommission import services as decommission_services
from projects.decommission.models import DecommissionRequest
from projects.ledger.models import AllocationRule, CostEntry, FocusImport, ValueEntry
from projects.models import Membership, Phase, Project, Team
from tests.factories import (
    CostEntryFactory,
    MembershipFactory,
    ProjectFactory,
    TeamFactory,
    ToilItemFactory,
    UserFactory,
    ValueEntryFactory,
    make_admin,
    make_manager,
)

ROLES = ("anonymous", "member", "outsider", "lead", "manager", "admin")
"""anonymous; member of the owning team; member of another team; lead of the owning team; manager; admin."""


@dataclass
class Org:
    team: Team
    other_team: Team
    project: Project
    other_project: Project
    retired: Project
    users: dict[str, User | None]
    cost: CostEntry
    value: ValueEntry
    retired_cost: CostEntry
    toil_item: object
    other_toil_item: object
    decommission: DecommissionRequest
    focus_import: FocusImport
    rule: AllocationRule
    lead_membership: Membership
    adr: object = None
    comment: object = None
    ticket: object = None
    tokens: dict[str, int] = field(default_factory=dict)


def _set_phase(project: Project, phase: str) -> Project:
    Project.objects.filter(pk=project.pk).update(phase=phase)
    project.refresh_from_db()
    return project


def build_org() -> Org:
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    other_team = TeamFactory(name="Risk", slug="risk")
    member = MembershipFactory(team=team, user=UserFactory(username="member")).user
    lead_membership = MembershipFactory(team=team, user=UserFactory(username="lead"), role=Membership.Role.LEAD)
    outsider = MembershipFactory(team=other_team, user=UserFactory(username="outsider")).user
    MembershipFactory(team=other_team, user=UserFactory(username="risk-lead"), role=Membership.Role.LEAD)
    users = {
        "anonymous": None,
        "member": member,
        "outsider": outsider,
        "lead": lead_membership.user,
        "manager": make_manager(username="manager"),
        "admin": make_admin(username="root"),
    }
    project = _set_phase(ProjectFactory(team=team, name="Churn prediction", slug="churn"), Phase.RUN)
    other_project = _set_phase(ProjectFactory(team=other_team, name="Fraud score", slug="fraud"), Phase.RUN)
    retired = _set_phase(ProjectFactory(team=team, name="Old forecaster", slug="old-forecaster"), Phase.RETIRED)
    for owned in (project, other_project):
        CostEntryFactory(project=owned)
        ValueEntryFactory(project=owned)
    cost = CostEntryFactory(project=project, amount=Decimal("250.00"))
    value = ValueEntryFactory(project=project, amount=Decimal("900.00"))
    retired_cost = CostEntryFactory(project=retired)
    toil_item = ToilItemFactory(project=project, owner=member)
    other_toil_item = ToilItemFactory(project=other_project, owner=outsider)
    decommission = decommission_services.decommission_request(
        actor=member, project=project, reason="Nobody reads the churn scores any more."
    )
    focus_import = FocusImport.objects.create(
        file_name="billing-2025-03.csv", sha256="0" * 64, status=FocusImport.Status.DONE, created_by=users["manager"]
    )
    rule = AllocationRule.objects.create(
        field=AllocationRule.Field.SUB_ACCOUNT, value="acct-churn", project=project, created_by=users["manager"]
    )
    org = Org(
        team=team, other_team=other_team, project=project, other_project=other_project, retired=retired, users=users,
        cost=cost, value=value, retired_cost=retired_cost, toil_item=toil_item, other_toil_item=other_toil_item,
        decommission=decommission, focus_import=focus_import, rule=rule, lead_membership=lead_membership,
    )
    from adr import services as adr_services

    org.adr = adr_services.adr_create(
        actor=member, project=project, title="Use a feature store", context="Features are computed twice.",
        outcome="One store for training and serving.",
    )
    org.adr = adr_services.adr_update(
        actor=member, adr=org.adr, expected_version=org.adr.version, consequences="One more service to run."
    )
    org.comment = adr_services.comment_add(actor=member, adr=org.adr, body="Which store?")
    org.ticket = adr_services.ticket_create(
        actor=member, adr=org.adr, title="Drop the second pipeline", due_on=clock.today() + timedelta(days=20), owner=member
    )
    expires = clock.today() + timedelta(days=30)
    for role, user in users.items():
        if user is not None:
            org.tokens[role] = portal_services.api_token_create(
                actor=user, name=f"{role} token", scope="read", expires_on=expires
            ).token.pk
    return org


def approve(org: Org) -> DecommissionRequest:
    """Move the fixture request to approved, so that its checklist can be worked on."""
    return decommission_services.decommission_approve(actor=org.users["manager"], request=org.decommission, comment="")


TODAY = date(2025, 3, 14)
