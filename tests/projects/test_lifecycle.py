"""Phase moves: only the allowed ones, each recorded with who, when and why."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import Phase, PhaseChange
from tests.factories import ProjectFactory, ValueEntryFactory


def move(project, actor, to_phase, reason="because"):
    change = services.project_change_phase(actor=actor, project=project, to_phase=to_phase, reason=reason)
    project.refresh_from_db()
    return change


@pytest.fixture
def project(team):
    """A project whose value is already proven, so that it may go live."""
    project = ProjectFactory(team=team)
    ValueEntryFactory(project=project)
    return project


@pytest.mark.django_db
def test_forward_moves_are_recorded_with_who_and_why(project, member):
    change = move(project, member, Phase.BUILD, "Data access granted")
    assert project.phase == Phase.BUILD
    assert (change.from_phase, change.to_phase, change.reason, change.changed_by) == ("conception", "build", "Data access granted", member)


@pytest.mark.django_db
def test_moves_offered_per_phase(project, member):
    assert services.phase_moves(project) == [Phase.BUILD, Phase.RETIRED]
    move(project, member, Phase.BUILD)
    assert services.phase_moves(project) == [Phase.RUN, Phase.RETIRED]
    move(project, member, Phase.RUN)
    assert services.phase_moves(project) == [Phase.BUILD]


@pytest.mark.django_db
def test_a_project_in_run_can_be_rebuilt(project, member):
    move(project, member, Phase.BUILD)
    move(project, member, Phase.RUN)
    move(project, member, Phase.BUILD, "Rebuild on the new feature store")
    assert project.phase == Phase.BUILD


@pytest.mark.django_db
@pytest.mark.parametrize("start", [Phase.CONCEPTION, Phase.BUILD])
def test_a_project_can_be_abandoned_before_run(project, member, start):
    if start == Phase.BUILD:
        move(project, member, Phase.BUILD)
    move(project, member, Phase.RETIRED, "The pilot showed no value")
    assert project.phase == Phase.RETIRED


@pytest.mark.django_db
def test_run_reaches_retired_only_through_decommissioning(project, member):
    move(project, member, Phase.BUILD)
    move(project, member, Phase.RUN)
    for target in (Phase.RETIRED, Phase.DECOMMISSIONING):
        with pytest.raises(ValidationError, match="decommission workflow"):
            move(project, member, target)
    assert project.phase == Phase.RUN


@pytest.mark.django_db
@pytest.mark.parametrize("target", [Phase.RUN, Phase.DECOMMISSIONING, Phase.CONCEPTION])
def test_skipping_or_going_back_from_conception_is_refused(project, member, target):
    with pytest.raises(ValidationError):
        move(project, member, target)
    assert project.phase == Phase.CONCEPTION
    assert not PhaseChange.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_move_needs_a_reason(project, member):
    with pytest.raises(ValidationError, match="why"):
        move(project, member, Phase.BUILD, "  ")
    assert project.phase == Phase.CONCEPTION


@pytest.mark.django_db
def test_member_of_another_team_cannot_move_the_phase(project, outsider):
    with pytest.raises(PermissionDenied):
        move(project, outsider, Phase.BUILD)
    project.refresh_from_db()
    assert project.phase == Phase.CONCEPTION


@pytest.mark.django_db
def test_a_retired_project_is_read_only_for_its_team(project, member):
    move(project, member, Phase.RETIRED, "abandoned")
    with pytest.raises(PermissionDenied, match="retired"):
        services.project_update(actor=member, project=project, name="Renamed")


@pytest.mark.django_db
def test_the_decommission_workflow_makes_its_own_moves(project, member, manager):
    move(project, member, Phase.BUILD)
    move(project, member, Phase.RUN)
    services.project_change_phase(actor=manager, project=project, to_phase=Phase.DECOMMISSIONING, reason="approved", workflow="decommission")
    services.project_change_phase(actor=manager, project=project, to_phase=Phase.RUN, reason="cancelled", workflow="decommission")
    project.refresh_from_db()
    assert project.phase == Phase.RUN
    services.project_change_phase(actor=manager, project=project, to_phase=Phase.DECOMMISSIONING, reason="approved", workflow="decommission")
    services.project_change_phase(actor=manager, project=project, to_phase=Phase.RETIRED, reason="done", workflow="decommission")
    project.refresh_from_db()
    assert project.phase == Phase.RETIRED
    assert [c.to_phase for c in project.phase_changes.all()][-4:] == ["decommissioning", "run", "decommissioning", "retired"]


@pytest.mark.django_db
def test_the_phase_form_preselects_no_move_and_an_empty_choice_changes_nothing(project, member):
    import re

    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(member)
    html = client.get(project.get_absolute_url()).content.decode()
    select = re.search(r'<select name="to_phase"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]+)</option>', select)
    assert options == [("", " selected", "Choose a phase…"), ("build", "", "Build"), ("retired", "", "Retired (abandoned before it ran)")]
    response = client.post(reverse("projects:project_phase", kwargs={"slug": project.slug}), {"to_phase": "", "reason": "Why not"})
    project.refresh_from_db()
    assert project.phase == Phase.CONCEPTION and not PhaseChange.objects.filter(project=project).exists()
    assert response.status_code in (200, 400)
