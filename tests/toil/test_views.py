"""The toil pages as people use them: who sees what, who may change what, and bounded queries."""
from datetime import timedelta

import pytest

from projects import clock
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, TimeLogFactory, ToilItemFactory
from toil.models import TimeLog, ToilItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger(ledger_calls):
    """Every log schedules the ledger hand-off; record it rather than reach the unmerged ledger."""
    return ledger_calls


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(f"/projects/{project.slug}/toil/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_cannot_log(client, project):
    item = ToilItemFactory(project=project)
    response = client.post(f"/toil/items/{item.pk}/log/", {"minutes": "30"})
    assert response.status_code == 302
    assert not TimeLog.objects.exists()


def test_board_shows_columns_and_cards(member, project):
    ToilItemFactory(project=project, title="Restart pods", status="planned")
    response = client_for(member).get("/toil/")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Identified", "Planned", "In progress", "Automated", "Eliminated", "Done", "Accepted"):
        assert label in html
    assert "Restart pods" in html
    assert "2.2 h/month" in html


def test_board_filters_by_team(member, project, other_team):
    ToilItemFactory(project=project, title="Ours")
    ToilItemFactory(project=ProjectFactory(team=other_team), title="Theirs")
    html = client_for(member).get("/toil/", {"team": other_team.slug}).content.decode()
    assert "Theirs" in html and "Ours" not in html


def test_board_filter_by_htmx_returns_the_board_only(member, project):
    ToilItemFactory(project=project, title="Ours")
    response = client_for(member).get("/toil/", {"q": "our"}, headers={"HX-Request": "true", "HX-Target": "board-area"})
    html = response.content.decode()
    assert 'id="board-area"' in html and "<html" not in html and "Ours" in html


def test_outsider_sees_cards_without_controls(outsider, project):
    item = ToilItemFactory(project=project)
    html = client_for(outsider).get(f"/projects/{project.slug}/toil/").content.decode()
    assert item.title in html
    assert f"/toil/items/{item.pk}/move/" not in html
    assert "New toil item" not in html


def test_member_creates_an_item_with_the_suggested_class(member, project):
    response = client_for(member).post(f"/projects/{project.slug}/toil/new/", {
        "title": "Re-run the scoring", "is_manual": "on", "is_repetitive": "on", "is_automatable": "on",
        "is_tactical": "on", "classification": "", "frequency": "week", "minutes_per_occurrence": "45",
        "people": "1", "strategy": "automate",
    })
    item = ToilItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/toil/items/{item.pk}/"
    assert (item.classification, item.project) == ("toil", project)


def test_bad_item_input_shows_the_error_next_to_the_field(member, project):
    response = client_for(member).post(f"/projects/{project.slug}/toil/new/", {
        "title": "Accept it", "frequency": "week", "minutes_per_occurrence": "-5", "people": "1", "strategy": "accept",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_minutes_per_occurrence-error"' in html
    assert not ToilItem.objects.exists()


def test_accept_without_reason_is_shown_at_the_reason(member, project):
    response = client_for(member).post(f"/projects/{project.slug}/toil/new/", {
        "title": "Accept it", "frequency": "week", "minutes_per_occurrence": "5", "people": "1", "strategy": "accept",
    })
    assert response.status_code == 400
    assert 'id="id_strategy_reason-error"' in response.content.decode()
    assert not ToilItem.objects.exists()


def test_outsider_cannot_create(outsider, project):
    response = client_for(outsider).post(f"/projects/{project.slug}/toil/new/", {"title": "x"})
    assert response.status_code == 403
    assert not ToilItem.objects.exists()


def test_helper_suggests_as_boxes_change(member):
    response = client_for(member).post(
        "/toil/classify/", {"is_manual": "on", "is_repetitive": "on", "is_automatable": "on", "is_tactical": "on"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="suggestion"' in html and "<strong>Toil</strong>" in html and "4 criteria of 6" in html


def test_member_edits_an_item(member, project):
    item = ToilItemFactory(project=project, title="Old")
    response = client_for(member).post(f"/toil/items/{item.pk}/edit/", {
        "title": "New", "classification": "overhead", "frequency": "month", "minutes_per_occurrence": "30",
        "people": "2", "strategy": "eliminate",
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.classification, item.people) == ("New", "overhead", 2)


def test_outsider_cannot_edit(outsider, project):
    item = ToilItemFactory(project=project, title="Old")
    response = client_for(outsider).post(f"/toil/items/{item.pk}/edit/", {"title": "New"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Old"


@pytest.mark.calendar
def test_move_by_htmx_returns_the_card_in_its_new_status(member, project):
    item = ToilItemFactory(project=project)
    response = client_for(member).post(f"/toil/items/{item.pk}/move/", {"status": "automated"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-status="automated"' in html and "<html" not in html
    item.refresh_from_db()
    assert item.status == "automated" and item.finished_on == clock.today()


def test_move_without_htmx_redirects_back(member, project):
    item = ToilItemFactory(project=project)
    response = client_for(member).post(f"/toil/items/{item.pk}/move/", {"status": "planned", "next": "/toil/"})
    assert response.status_code == 302 and response["Location"] == "/toil/"


def test_refused_move_shows_why_on_the_card(member, project):
    item = ToilItemFactory(project=project)
    response = client_for(member).post(f"/toil/items/{item.pk}/move/", {"status": "accepted"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "identified"


def test_outsider_cannot_move(outsider, project):
    item = ToilItemFactory(project=project)
    response = client_for(outsider).post(f"/toil/items/{item.pk}/move/", {"status": "done"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "identified"


@pytest.mark.calendar
def test_quick_log_from_the_board(member, project):
    item = ToilItemFactory(project=project)
    response = client_for(member).post(
        f"/toil/items/{item.pk}/log/", {"minutes": "30", "quick": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "30 min logged in 30 days" in response.content.decode()
    log = TimeLog.objects.get()
    assert (log.user, log.minutes, log.logged_on) == (member, 30, clock.today())


@pytest.mark.calendar
def test_log_form_errors_stay_next_to_the_field(member, project):
    item = ToilItemFactory(project=project)
    client = client_for(member)
    future = (clock.today() + timedelta(days=2)).isoformat()
    negative = client.post(f"/toil/items/{item.pk}/log/", {"minutes": "-10"})
    in_future = client.post(f"/toil/items/{item.pk}/log/", {"minutes": "10", "logged_on": future})
    assert negative.status_code == in_future.status_code == 400
    assert 'id="id_minutes-error"' in negative.content.decode()
    assert "cannot be in the future" in in_future.content.decode()
    assert not TimeLog.objects.exists()


def test_member_cannot_log_for_a_teammate_through_the_form(member, team, project):
    teammate = MembershipFactory(team=team).user
    item = ToilItemFactory(project=project)
    response = client_for(member).post(f"/toil/items/{item.pk}/log/", {"minutes": "10", "user": teammate.pk})
    assert response.status_code == 400
    assert 'id="id_user-error"' in response.content.decode()
    assert not TimeLog.objects.exists()


def test_outsider_cannot_log(outsider, project):
    item = ToilItemFactory(project=project)
    response = client_for(outsider).post(f"/toil/items/{item.pk}/log/", {"minutes": "10"})
    assert response.status_code == 403
    assert not TimeLog.objects.exists()


def test_team_and_managers_see_who_logged_others_see_totals(member, outsider, manager, project):
    item = ToilItemFactory(project=project)
    TimeLogFactory(item=item, user=member, minutes=45)
    for user, sees_names in ((member, True), (manager, True), (outsider, False)):
        html = client_for(user).get(f"/toil/items/{item.pk}/").content.decode()
        assert "45 min in 1 log" in html
        assert (member.get_full_name() in html) is sees_names, user


@pytest.mark.calendar
def test_item_page_shows_before_and_after(member, project):
    today = clock.today()
    item = ToilItemFactory(project=project, status="automated", finished_on=today - timedelta(days=10))
    TimeLogFactory(item=item, user=member, logged_on=today - timedelta(days=15), minutes=600)
    html = client_for(member).get(f"/toil/items/{item.pk}/").content.decode()
    assert "Before and after" in html and "hours/month saved" in html


def test_team_page_shows_the_toil_share(member, team):
    html = client_for(member).get(f"/teams/{team.slug}/").content.decode()
    assert f"Toil share · {team.name}" in html
    assert f'id="toil-share-data-{team.pk}"' in html


@pytest.mark.calendar
def test_project_panel_tag(member, project):
    from django.template import Context, Template

    item = ToilItemFactory(project=project)
    TimeLogFactory(item=item, logged_on=clock.today(), minutes=90)
    html = Template('{% load cards %}{% card "project" "toil" project %}').render(Context({"project": project}))
    assert "open items" in html and "1.5" in html and f"/projects/{project.slug}/toil/" in html


@pytest.mark.parametrize("size", [10, 2000])
def test_board_query_count_is_bounded(member, project, size, django_assert_max_num_queries):
    ToilItem.objects.bulk_create(
        ToilItem(project=project, title=f"Item {n}", minutes_per_occurrence=10, status=ToilItem.Status.values[n % 7],
                 strategy_reason="ok")
        for n in range(size)
    )
    client = client_for(member)
    with django_assert_max_num_queries(12):
        response = client.get("/toil/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(f"/projects/{project.slug}/toil/")
    assert response.status_code == 200


@pytest.mark.calendar
@pytest.mark.parametrize("size", [5, 300])
def test_item_page_query_count_is_bounded(member, project, size, django_assert_max_num_queries):
    item = ToilItemFactory(project=project, status="automated", finished_on=clock.today())
    TimeLog.objects.bulk_create(
        TimeLog(item=item, user=member, logged_by=member, logged_on=clock.today() - timedelta(days=n % 60), minutes=5)
        for n in range(size)
    )
    client = client_for(member)
    with django_assert_max_num_queries(14):
        response = client.get(f"/toil/items/{item.pk}/")
    assert response.status_code == 200


def test_item_page_lists_moves_with_who_made_them(member, project):
    item = ToilItemFactory(project=project)
    client = client_for(member)
    client.post(f"/toil/items/{item.pk}/move/", {"status": "planned"})
    client.post(f"/toil/items/{item.pk}/move/", {"status": "in_progress"})
    html = client.get(f"/toil/items/{item.pk}/").content.decode()
    assert "Identified → <strong>Planned</strong>" in html
    assert f"Planned → <strong>In progress</strong> · {member.get_full_name()}" in html


def test_board_filtered_by_team_shows_its_share_chart(member, team):
    html = client_for(member).get("/toil/", {"team": team.slug}).content.decode()
    assert f'id="toil-share-data-{team.pk}"' in html
    assert "toil-share-data" not in client_for(member).get("/toil/").content.decode()


def test_cards_of_a_retired_project_have_no_controls(member, team):
    retired = ProjectFactory(team=team, phase="retired")
    item = ToilItemFactory(project=retired)
    html = client_for(member).get("/toil/").content.decode()
    assert item.title in html and f"/toil/items/{item.pk}/move/" not in html
