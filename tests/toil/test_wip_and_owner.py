"""The board's WIP limits, set per column by a team's lead and counted over all the team's projects, and the
board's filter by owner."""
import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, ToilItemFactory, UserFactory
from toil import selectors, services
from toil.models import ToilItem, WipLimit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger(ledger_calls):
    return ledger_calls


def limits_url(team):
    return reverse("toil:wip_limits", args=[team.slug])


def test_a_lead_sets_limits_and_clearing_one_keeps_its_history(lead, team):
    client = client_for(lead)
    form = client.get(limits_url(team)).context["form"]
    assert set(form.fields) == set(ToilItem.Status.values)
    response = client.post(limits_url(team), {"in_progress": "2", "planned": "5"})
    assert response.status_code == 302 and response["Location"].endswith(f"?team={team.slug}")
    assert selectors.wip_limits(team)["in_progress"] == 2 and selectors.wip_limits(team)["done"] is None
    client.post(limits_url(team), {"planned": "5"})
    row = WipLimit.objects.get(team=team, status="in_progress")
    assert row.limit is None
    assert [event.limit for event in row.events.order_by("pgh_id")] == [2, None]


@pytest.mark.parametrize("value", ["0", "-3", "1000", "two"])
def test_a_limit_is_a_whole_number_from_1_to_999(lead, team, value):
    response = client_for(lead).post(limits_url(team), {"in_progress": value})
    assert response.status_code == 400
    assert response.context["form"].errors["in_progress"]
    assert 'id="id_in_progress-error"' in response.content.decode()
    assert not WipLimit.objects.exists()


def test_a_member_may_not_set_limits(member, team):
    with pytest.raises(Exception, match="lead"):
        services.wip_limits_set(actor=member, team=team, limits={"in_progress": 1})
    assert client_for(member).post(limits_url(team), {"in_progress": "1"}).status_code == 403
    assert not WipLimit.objects.exists()


def test_the_column_counts_the_teams_items_over_all_its_projects(member, lead, team, project):
    other_project = ProjectFactory(team=team)
    ToilItemFactory(project=project, status="in_progress")
    ToilItemFactory(project=other_project, status="in_progress")
    ToilItemFactory(project=ProjectFactory(), status="in_progress")  # another team's
    services.wip_limits_set(actor=lead, team=team, limits={"in_progress": 2})
    assert selectors.wip(team)["in_progress"].count == 2 and selectors.wip(team)["in_progress"].level == "full"
    html = client_for(member).get(f"/projects/{project.slug}/toil/").content.decode()
    assert 'id="wip-in_progress"' in html and "wip-full" in html and f"{team.name}: 2 of 2" in html
    html = client_for(member).get(f"/toil/?team={team.slug}").content.decode()
    assert "wip-full" in html
    assert 'id="wip-in_progress"' not in client_for(member).get("/toil/").content.decode()  # all teams: no one limit


def test_moving_past_the_limit_is_allowed_and_said(member, lead, team, project):
    ToilItemFactory(project=project, status="in_progress")
    item = ToilItemFactory(project=project, status="planned")
    services.wip_limits_set(actor=lead, team=team, limits={"in_progress": 1})
    response = client_for(member).post(reverse("toil:item_move", args=[item.pk]), {"status": "in_progress"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "over its WIP limit of 1" in html and 'data-testid="wip-notice"' in html
    assert 'id="wip-in_progress"' in html and 'hx-swap-oob="true"' in html and "wip-over" in html
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_the_board_filters_by_owner(member, team, project):
    maria = MembershipFactory(team=team, user=UserFactory(username="maria", first_name="Maria", last_name="Rossi")).user
    ToilItemFactory(project=project, owner=maria, title="Rotate the keys")
    ToilItemFactory(project=project, owner=member, title="Restart the pods")
    response = client_for(member).get("/toil/?owner=maria")
    html = response.content.decode()
    assert "Rotate the keys" in html and "Restart the pods" not in html
    assert "Maria Rossi (maria)" in html


@pytest.mark.parametrize("size", [10, 2000])
def test_the_board_with_limits_runs_a_bounded_number_of_queries(member, lead, team, project, size, django_assert_max_num_queries):
    ToilItem.objects.bulk_create(
        ToilItem(project=project, title=f"Item {n}", minutes_per_occurrence=10, status=ToilItem.Status.values[n % 7],
                 strategy_reason="ok")
        for n in range(size)
    )
    services.wip_limits_set(actor=lead, team=team, limits={"in_progress": 3, "planned": 10})
    client = client_for(member)
    with django_assert_max_num_queries(14):
        assert client.get(f"/projects/{project.slug}/toil/").status_code == 200
    with django_assert_max_num_queries(15):  # the chosen team's share chart, and its WIP: limits and counts
        assert client.get(f"/toil/?team={team.slug}").status_code == 200
