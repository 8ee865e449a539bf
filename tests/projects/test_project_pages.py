"""Project pages: list with filters, create, edit, phase change and health checklist, with rights."""
import pytest
from django.urls import reverse

from projects.models import HEALTH_ITEM_KEYS, HealthCheck, Phase, Project
from tests.conftest import client_for
from tests.factories import ProjectFactory, TeamFactory


def create_form(team, **overrides):
    return {
        "team": team.pk, "name": "Churn prediction", "slug": "churn", "summary": "Scores subscribers",
        "description": "", "value_hypothesis": "Keeps 2% more subscribers", "business_owner": "Retention",
        "repository_url": "https://git.example.com/churn", "dashboard_url": "", "runbook_url": "",
        "tags": "Churn, batch", "start_date": "2026-01-05", **overrides,
    }


@pytest.mark.django_db
def test_member_creates_a_project_for_their_team(member, team):
    response = client_for(member).post(reverse("projects:project_create"), create_form(team))
    project = Project.objects.get(slug="churn")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.team == team and project.tags == ["churn", "batch"] and project.phase == Phase.CONCEPTION
    assert project.phase_changes.count() == 1


@pytest.mark.django_db
def test_cannot_create_a_project_for_another_team(member, team, other_team):
    response = client_for(member).post(reverse("projects:project_create"), create_form(other_team))
    assert response.status_code == 400
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"repository_url": "javascript:alert(1)"}, "repository_url", "Enter a valid URL"),
        ({"slug": "new"}, "slug", "reserved"),
        ({"slug": "not a slug"}, "slug", "Enter a valid"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(member, team, overrides, field, message):
    response = client_for(member).post(reverse("projects:project_create"), create_form(team, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_duplicate_slug_is_refused(member, team):
    ProjectFactory(team=team, slug="churn")
    response = client_for(member).post(reverse("projects:project_create"), create_form(team))
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_member_of_another_team_gets_403_on_edit_and_nothing_changes(outsider, team):
    project = ProjectFactory(team=team, name="Original")
    client = client_for(outsider)
    assert client.get(reverse("projects:project_edit", args=[project.slug])).status_code == 403
    response = client.post(reverse("projects:project_edit", args=[project.slug]), {**create_form(team), "name": "Hijacked", "slug": project.slug})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "Original"


@pytest.mark.django_db
def test_member_edits_their_project(member, team):
    project = ProjectFactory(team=team)
    form = {**create_form(team), "name": "Renamed", "slug": project.slug}
    del form["team"]
    response = client_for(member).post(reverse("projects:project_edit", args=[project.slug]), form)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Renamed"


@pytest.mark.django_db
def test_everyone_reads_a_project_but_only_the_team_sees_edit_controls(outsider, member, team):
    project = ProjectFactory(team=team, description="**bold** <script>alert(1)</script>")
    outsider_page = client_for(outsider).get(project.get_absolute_url()).content.decode()
    member_page = client_for(member).get(project.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in outsider_page and "<script>alert" not in outsider_page
    assert "Edit project" not in outsider_page and "Change phase" not in outsider_page
    assert "Edit project" in member_page and "Change phase" in member_page


@pytest.mark.django_db
def test_phase_change_from_the_page(member, team):
    project = ProjectFactory(team=team)
    response = client_for(member).post(reverse("projects:project_phase", args=[project.slug]), {"to_phase": "build", "reason": "Data ready"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.phase == Phase.BUILD


@pytest.mark.django_db
def test_refused_phase_change_shows_the_reason(member, team):
    project = ProjectFactory(team=team)
    response = client_for(member).post(reverse("projects:project_phase", args=[project.slug]), {"to_phase": "run", "reason": "skip"})
    assert response.status_code == 400
    assert "cannot move to Run" in response.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.CONCEPTION


@pytest.mark.django_db
def test_outsider_cannot_change_phase_or_checklist(outsider, team):
    project = ProjectFactory(team=team)
    client = client_for(outsider)
    assert client.post(reverse("projects:project_phase", args=[project.slug]), {"to_phase": "build", "reason": "x"}).status_code == 403
    assert client.post(reverse("projects:health_check", args=[project.slug, "data-available"]), {"status": "yes"}).status_code == 403
    project.refresh_from_db()
    assert project.phase == Phase.CONCEPTION and not HealthCheck.objects.exists()


@pytest.mark.django_db
def test_health_checklist_score_counts_current_and_earlier_phases(member, team):
    project = ProjectFactory(team=team)
    client = client_for(member)
    url = lambda item: reverse("projects:health_check", args=[project.slug, item])  # noqa: E731
    client.post(url("value-metric-agreed"), {"status": "yes", "note": "Signed off"}, headers={"HX-Request": "true"})
    response = client.post(url("data-available"), {"status": "partly"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-testid="health-score">75%' in response.content.decode()
    check = HealthCheck.objects.get(project=project, item="value-metric-agreed")
    assert (check.status, check.note, check.checked_by) == ("yes", "Signed off", member)


@pytest.mark.django_db
def test_unknown_checklist_item_is_404(member, team):
    project = ProjectFactory(team=team)
    assert client_for(member).post(reverse("projects:health_check", args=[project.slug, "no-such-item"]), {"status": "yes"}).status_code == 404


@pytest.mark.django_db
def test_list_filters_by_team_phase_tag_and_search(member, team, other_team):
    ProjectFactory(team=team, name="Churn", tags=["churn"])
    ProjectFactory(team=other_team, name="Fraud", tags=["fraud"])
    client = client_for(member)
    page = lambda **q: client.get(reverse("projects:project_list"), q).content.decode()  # noqa: E731
    assert "Churn" in page(team=team.slug) and "Fraud" not in page(team=team.slug)
    assert "Fraud" in page(tag="fraud") and "Churn" not in page(tag="fraud")
    assert "Fraud" in page(q="fra") and "Churn" not in page(q="fra")
    assert "Churn" in page(phase="conception") and "Churn" not in page(phase="run")


@pytest.mark.django_db
def test_htmx_list_request_returns_only_the_results(member, team):
    ProjectFactory(team=team, name="Churn")
    response = client_for(member).get(reverse("projects:project_list"), {"q": "churn"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">') and "Churn" in body and "<nav" not in body.split("results")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 200])
def test_project_list_runs_a_bounded_number_of_queries(django_assert_max_num_queries, member, count):
    teams = [TeamFactory() for _ in range(5)]
    for index in range(count):
        ProjectFactory(team=teams[index % 5], tags=["t%d" % (index % 7)])
    client = client_for(member)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("projects:project_list"), {"sort": "team"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_project_page_runs_a_bounded_number_of_queries(django_assert_max_num_queries, member, team):
    from tests.factories import AdrFactory, CostEntryFactory, ToilItemFactory

    project = ProjectFactory(team=team)
    client = client_for(member)
    with django_assert_max_num_queries(40) as small:
        client.get(project.get_absolute_url())
    for _index in range(25):
        AdrFactory(project=project)
        CostEntryFactory(project=project)
        ToilItemFactory(project=project)
    for item in HEALTH_ITEM_KEYS:
        HealthCheck.objects.create(project=project, item=item, status="yes", checked_by=member)
    with django_assert_max_num_queries(len(small)):
        client.get(project.get_absolute_url())


def _in_build(team):
    project = ProjectFactory(team=team)
    Project.objects.filter(pk=project.pk).update(phase=Phase.BUILD)
    project.refresh_from_db()
    return project


@pytest.mark.django_db
def test_going_live_without_proof_of_value_is_refused_with_the_reason(member, team):
    project = _in_build(team)
    response = client_for(member).post(reverse("projects:project_phase", args=[project.slug]), {"to_phase": "run", "reason": "Ready"})
    assert response.status_code == 400
    assert "Going live needs proof of value" in response.content.decode()
    assert "override" not in response.context["phase_form"].fields
    project.refresh_from_db()
    assert project.phase == Phase.BUILD


@pytest.mark.django_db
def test_a_manager_overrides_proof_of_value_from_the_project_page(manager, team):
    project = _in_build(team)
    client = client_for(manager)
    assert "Manager&#x27;s override" in client.get(project.get_absolute_url()).content.decode()
    response = client.post(
        reverse("projects:project_phase", args=[project.slug]), {"to_phase": "run", "reason": "Regulatory deadline", "override": "on"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    change = project.phase_changes.last()
    assert project.phase == Phase.RUN and change.override and change.changed_by == manager
    assert "manager's override" in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_manager_cannot_make_other_moves_on_a_team_project(manager, team):
    project = ProjectFactory(team=team)
    response = client_for(manager).post(reverse("projects:project_phase", args=[project.slug]), {"to_phase": "build", "reason": "x"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.phase == Phase.CONCEPTION


@pytest.mark.django_db
def test_the_sort_control_is_a_select_listing_each_choice_once(member, team):
    ProjectFactory(team=team, name="Beta", start_date="2025-01-01")
    ProjectFactory(team=team, name="Alpha", start_date="2026-01-01")
    client = client_for(member)
    html = client.get(reverse("projects:project_list")).content.decode()
    import re

    select = re.search(r'<select name="sort"[^>]*>(.*?)</select>', html, re.S)
    assert select and 'class="form-select"' in select.group(0)
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", select.group(1))
    assert labels == ["Name", "Team", "Phase", "Newest start first", "Last changed first"]
    names = [project.name for project in client.get(reverse("projects:project_list"), {"sort": "start"}).context["filter"].qs]
    assert names[:2] == ["Alpha", "Beta"]
    assert client.get(reverse("projects:project_list"), {"sort": "bogus"}).status_code == 200
