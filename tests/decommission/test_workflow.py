"""The decommission workflow: request with frozen evidence, approval by another manager, checklist,
completion that retires the project, cancellation, zombie costs and value freed."""
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from projects import clock
from projects.decommission import selectors, services
from projects.decommission.models import DecommissionRequest
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.conftest import client_for
from tests.factories import CostEntryFactory, MembershipFactory, make_manager

State = DecommissionRequest.State


def request_for(project, actor, reason="Costs more than it brings"):
    return services.decommission_request(actor=actor, project=project, reason=reason)


def finish_checklist(request, actor):
    for index, item in enumerate(request.checklist.all()):
        status, note = ("not_relevant", "No data feed") if index == 0 else ("done", "")
        services.checklist_item_update(actor=actor, item=item, status=status, note=note)


@pytest.mark.django_db
def test_a_member_requests_and_the_evidence_is_frozen(running_project, member, manager):
    CostEntryFactory(project=running_project, incurred_on=date(2026, 9, 10), amount=Decimal("1200"))
    ledger_rollup(project_ids=[running_project.pk], today=date(2026, 11, 24))
    request = request_for(running_project, member)
    ledger = next(section for section in request.evidence["sections"] if section["key"] == "ledger")
    assert ["2026-09", "Run", "€1,200.00", "€0.00", "0.00"] in ledger["table"]["rows"]
    assert request.checklist.count() == 7
    assert request.state == State.PROPOSED

    CostEntryFactory(project=running_project, incurred_on=date(2026, 9, 11), amount=Decimal("999"))
    ledger_rollup(project_ids=[running_project.pk], today=date(2026, 11, 24))
    request.refresh_from_db()
    ledger = next(section for section in request.evidence["sections"] if section["key"] == "ledger")
    assert ["2026-09", "Run", "€1,200.00", "€0.00", "0.00"] in ledger["table"]["rows"]


@pytest.mark.django_db
def test_a_request_notifies_managers(running_project, member, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_for(running_project, member)
    assert len(mail.outbox) == 1
    assert manager.email in mail.outbox[0].bcc and member.email not in mail.outbox[0].bcc
    assert "Recommender" in mail.outbox[0].subject


@pytest.mark.django_db
def test_outsider_cannot_request(running_project, outsider):
    with pytest.raises(PermissionDenied):
        request_for(running_project, outsider)
    assert not DecommissionRequest.objects.exists()


@pytest.mark.django_db
def test_a_manager_may_request_for_any_project(running_project, manager):
    assert request_for(running_project, manager).requested_by == manager


@pytest.mark.django_db
def test_only_one_open_request_per_project(running_project, member):
    request_for(running_project, member)
    with pytest.raises(ValidationError, match="already has an open"):
        request_for(running_project, member)


@pytest.mark.django_db
def test_requester_cannot_approve_their_own_request(running_project, manager):
    request = request_for(running_project, manager)
    with pytest.raises(PermissionDenied, match="cannot approve"):
        services.decommission_approve(actor=manager, request=request)
    request.refresh_from_db()
    assert request.state == State.PROPOSED


@pytest.mark.django_db
def test_a_member_cannot_approve(running_project, member, lead):
    request = request_for(running_project, member)
    with pytest.raises(PermissionDenied):
        services.decommission_approve(actor=lead, request=request)


@pytest.mark.django_db
def test_approval_moves_the_project_and_records_the_cost_it_frees(running_project, member, manager, set_clock):
    set_clock("2026-11-24T10:00")
    for month, amount in ((7, "300"), (8, "600"), (9, "900"), (10, "1200")):
        CostEntryFactory(project=running_project, incurred_on=date(2026, month, 3), amount=Decimal(amount))
    ledger_rollup(project_ids=[running_project.pk])
    request = request_for(running_project, member)
    approved = services.decommission_approve(actor=manager, request=request, comment="Go")
    running_project.refresh_from_db()
    assert approved.state == State.APPROVED and approved.phase_before == Phase.RUN
    assert running_project.phase == Phase.DECOMMISSIONING
    # The last three complete months before approval: August, September, October.
    assert approved.monthly_cost_freed == Decimal("900")


@pytest.mark.calendar
@pytest.mark.django_db
def test_the_cost_freed_is_the_average_of_the_three_complete_months_before_today(running_project, member, manager):
    today = clock.today()
    index = today.year * 12 + today.month - 1  # months since year 0, the running month
    for back, amount in ((4, "5000"), (3, "300"), (2, "600"), (1, "900"), (0, "7000")):
        year, month = divmod(index - back, 12)
        CostEntryFactory(project=running_project, incurred_on=date(year, month + 1, 1), amount=Decimal(amount))
    ledger_rollup(project_ids=[running_project.pk])
    approved = services.decommission_approve(actor=manager, request=request_for(running_project, member), comment="Go")
    assert approved.monthly_cost_freed == Decimal("600")


@pytest.mark.django_db
def test_rejection_needs_a_comment_and_stays_in_history(running_project, member, manager):
    request = request_for(running_project, member)
    with pytest.raises(ValidationError):
        services.decommission_reject(actor=manager, request=request, comment="")
    services.decommission_reject(actor=manager, request=request, comment="Value is coming next quarter")
    request.refresh_from_db()
    running_project.refresh_from_db()
    assert request.state == State.REJECTED and running_project.phase == Phase.RUN
    assert [event.action for event in request.timeline.all()] == ["requested", "rejected"]
    assert request_for(running_project, member).state == State.PROPOSED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "move"),
    [
        ([], "complete"),
        (["approve"], "approve"),
        (["approve"], "reject"),
        (["reject"], "approve"),
        (["reject"], "cancel"),
        (["cancel"], "approve"),
    ],
)
def test_illegal_moves_are_refused(running_project, member, manager, setup, move):
    request = request_for(running_project, member)
    other_manager = make_manager(username="other-manager")
    actions = {
        "approve": lambda: services.decommission_approve(actor=other_manager, request=request),
        "reject": lambda: services.decommission_reject(actor=other_manager, request=request, comment="no"),
        "cancel": lambda: services.decommission_cancel(actor=member, request=request, reason="changed our mind"),
        "complete": lambda: services.decommission_complete(actor=member, request=request),
    }
    for step in setup:
        actions[step]()
    request.refresh_from_db()
    state_before = request.state
    with pytest.raises(ValidationError):
        actions[move]()
    request.refresh_from_db()
    assert request.state == state_before


@pytest.mark.django_db
def test_completion_requires_every_item_done_or_not_relevant(running_project, member, manager):
    request = services.decommission_approve(actor=manager, request=request_for(running_project, member))
    first = request.checklist.first()
    services.checklist_item_update(actor=member, item=first, status="done")
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    with pytest.raises(ValidationError, match="6 checklist items are still to do"):
        services.decommission_complete(actor=member, request=request)
    with pytest.raises(ValidationError, match="not relevant"):
        services.checklist_item_update(actor=member, item=request.checklist.last(), status="not_relevant", note="")
    finish_checklist(request, member)
    services.decommission_complete(actor=member, request=request)
    request.refresh_from_db()
    running_project.refresh_from_db()
    assert request.state == State.COMPLETED and running_project.phase == Phase.RETIRED
    assert running_project.phase_changes.last().to_phase == Phase.RETIRED


@pytest.mark.django_db
def test_checklist_items_are_worked_by_the_team_and_assigned_within_it(running_project, member, manager, outsider):
    request = services.decommission_approve(actor=manager, request=request_for(running_project, member))
    item = request.checklist.first()
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(actor=outsider, item=item, status="done")
    with pytest.raises(ValidationError, match="member of the project's team"):
        services.checklist_item_assign(actor=member, item=item, assignee=outsider)
    colleague = MembershipFactory(team=running_project.team).user
    services.checklist_item_assign(actor=member, item=item, assignee=colleague)
    item.refresh_from_db()
    done = services.checklist_item_update(actor=colleague, item=item, status="done", note="Endpoint removed")
    assert (done.status, done.done_by, done.assignee) == ("done", colleague, colleague)


@pytest.mark.django_db
def test_leaving_the_team_ends_an_assignment(running_project, member, manager):
    from projects.models import Membership
    from projects.services import membership_remove

    request = services.decommission_approve(actor=manager, request=request_for(running_project, member))
    item = request.checklist.first()
    leaver = MembershipFactory(team=running_project.team).user
    services.checklist_item_assign(actor=member, item=item, assignee=leaver)
    lead = MembershipFactory(team=running_project.team, role="lead").user
    membership_remove(actor=lead, membership=Membership.objects.get(team=running_project.team, user=leaver))

    item.refresh_from_db()
    assert item.assignee is None
    leaver = type(leaver).objects.get(pk=leaver.pk)  # their next request
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(actor=leaver, item=item, status="done")


@pytest.mark.django_db
def test_the_checklist_is_closed_before_approval(running_project, member):
    request = request_for(running_project, member)
    with pytest.raises(ValidationError, match="approved"):
        services.checklist_item_update(actor=member, item=request.checklist.first(), status="done")


@pytest.mark.django_db
def test_cancelling_after_approval_restores_the_phase(running_project, member, manager):
    request = services.decommission_approve(actor=manager, request=request_for(running_project, member))
    services.decommission_cancel(actor=member, request=request, reason="A new customer signed up")
    running_project.refresh_from_db()
    request.refresh_from_db()
    assert request.state == State.CANCELLED and running_project.phase == Phase.RUN


@pytest.mark.django_db
def test_every_move_is_in_the_audit_trail(running_project, member, manager):
    request = services.decommission_approve(actor=manager, request=request_for(running_project, member))
    states = list(DecommissionRequest.pgh_event_model.objects.filter(pgh_obj=request).values_list("state", flat=True))
    assert states[0] == "proposed" and states[-1] == "approved"


def retire(project, member, manager, when: datetime):
    request = services.decommission_approve(actor=manager, request=request_for(project, member))
    finish_checklist(request, member)
    services.decommission_complete(actor=member, request=request)
    Project.objects.filter(pk=project.pk).update(phase_changed_at=when)
    DecommissionRequest.objects.filter(pk=request.pk).update(completed_at=when)
    project.refresh_from_db()
    return request


@pytest.mark.django_db
def test_a_cost_after_retirement_is_a_zombie(running_project, member, manager):
    retire(running_project, member, manager, datetime(2026, 10, 15, 12, tzinfo=dt_timezone.utc))
    CostEntryFactory(project=running_project, incurred_on=date(2026, 10, 1), amount=Decimal("50"))
    assert selectors.zombie_costs(running_project) == []
    assert selectors.zombie_project_ids() == set()
    CostEntryFactory(project=running_project, incurred_on=date(2026, 11, 2), amount=Decimal("75"), description="GPU node")
    assert [(cost.day, cost.amount) for cost in selectors.zombie_costs(running_project)] == [(date(2026, 11, 2), Decimal("75"))]
    assert selectors.zombie_project_ids() == {running_project.pk}
    request = DecommissionRequest.objects.get(project=running_project)
    page = client_for(member).get(f"/decommissions/{request.pk}/").content.decode()
    assert "2 Nov 2026 · €75.00 · GPU node" in page  # the day, the amount and what it is


@pytest.mark.calendar
@pytest.mark.django_db
def test_value_freed_sums_completed_decommissions(team, member, manager):
    from tests.factories import ProjectFactory

    this_year = clock.today().year
    for index, (year, freed) in enumerate(((this_year, "900"), (this_year - 1, "400"))):
        project = ProjectFactory(team=team, slug=f"old-{index}")
        Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
        project.refresh_from_db()
        request = retire(project, member, manager, datetime(year, 6, 1, tzinfo=dt_timezone.utc))
        DecommissionRequest.objects.filter(pk=request.pk).update(monthly_cost_freed=Decimal(freed))
    assert selectors.value_freed(this_year) == Decimal("900")
    assert selectors.value_freed() == Decimal("1300")


@pytest.mark.calendar
@pytest.mark.django_db
def test_a_retired_project_takes_costs_from_a_manager_only(running_project, member, manager):
    from projects.ledger.services import cost_entry_create

    retire(running_project, member, manager, clock.now() - timedelta(days=20))
    cost = dict(project=running_project, incurred_on=clock.today(), category="cloud", amount=Decimal("12"), currency="EUR")
    with pytest.raises(PermissionDenied):
        cost_entry_create(actor=member, **cost)
    cost_entry_create(actor=manager, **cost)
    assert [zombie.amount for zombie in selectors.zombie_costs(running_project)] == [Decimal("12")]


@pytest.mark.calendar
@pytest.mark.django_db
def test_the_evidence_has_toil_and_decisions(running_project, member):
    from adr.models import Cell, Placement
    from tests.factories import AdrFactory, TimeLogFactory, ToilItemFactory

    last_month_end = clock.today().replace(day=1) - timedelta(days=1)  # the evidence looks at complete months
    TimeLogFactory(item=ToilItemFactory(project=running_project), logged_on=last_month_end, minutes=90, user=member)
    shortcut = AdrFactory(project=running_project, status="accepted")
    Placement.objects.create(adr=shortcut, cell=Cell.CONSCIOUS_RECKLESS, placed_by=member, revisit_by=date(2020, 1, 1))
    AdrFactory(project=running_project, status="proposed")
    sections = {section["key"]: section for section in request_for(running_project, member).evidence["sections"]}
    assert ["Toil hours, last 12 months", "1.50"] in sections["toil"]["facts"]
    decisions = dict(sections["decisions"]["facts"])
    assert (decisions["Open (proposed) decisions"], decisions["Conscious and reckless decisions in force"], decisions["Of which overdue"]) == ("1", "1", "1")
