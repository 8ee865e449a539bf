"""Decommission pages: who sees and does what, and the htmx checklist."""
import pytest
from django.urls import reverse

from projects.decommission import services
from projects.decommission.models import DecommissionRequest
from tests.conftest import client_for
from tests.factories import make_manager


@pytest.mark.django_db
def test_member_requests_from_the_project_page(running_project, member):
    client = client_for(member)
    page = client.get(running_project.get_absolute_url()).content.decode()
    assert reverse("decommission:new", args=[running_project.slug]) in page
    response = client.post(reverse("decommission:new", args=[running_project.slug]), {"reason": "Nobody uses it"})
    request = DecommissionRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()


@pytest.mark.django_db
def test_an_empty_reason_is_refused_next_to_the_field(running_project, member):
    response = client_for(member).post(reverse("decommission:new", args=[running_project.slug]), {"reason": ""})
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    assert not DecommissionRequest.objects.exists()


@pytest.mark.django_db
def test_outsider_gets_403_and_nothing_is_written(running_project, outsider, member, manager):
    client = client_for(outsider)
    assert client.post(reverse("decommission:new", args=[running_project.slug]), {"reason": "x"}).status_code == 403
    request = services.decommission_request(actor=member, project=running_project, reason="x")
    assert client.post(reverse("decommission:decide", args=[request.pk]), {"decision": "approve"}).status_code == 403
    services.decommission_approve(actor=manager, request=request)
    item = request.checklist.first()
    assert client.post(reverse("decommission:item", args=[request.pk, item.pk]), {"status": "done"}).status_code == 403
    assert client.post(reverse("decommission:complete", args=[request.pk])).status_code == 403
    assert client.post(reverse("decommission:cancel", args=[request.pk]), {"reason": "x"}).status_code == 403
    item.refresh_from_db()
    request.refresh_from_db()
    assert item.status == "open" and request.state == "approved"


@pytest.mark.django_db
def test_requester_manager_is_not_offered_the_decision(running_project, manager):
    request = services.decommission_request(actor=manager, project=running_project, reason="x")
    client = client_for(manager)
    assert "Record decision" not in client.get(request.get_absolute_url()).content.decode()
    assert client.post(reverse("decommission:decide", args=[request.pk]), {"decision": "approve"}).status_code == 403


@pytest.mark.django_db
def test_another_manager_approves_from_the_page(running_project, member, manager):
    request = services.decommission_request(actor=member, project=running_project, reason="x")
    client = client_for(manager)
    assert "Record decision" in client.get(request.get_absolute_url()).content.decode()
    response = client.post(reverse("decommission:decide", args=[request.pk]), {"decision": "approve", "comment": "Agreed"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved"


@pytest.mark.django_db
def test_htmx_tick_returns_the_checklist(running_project, member, manager):
    request = services.decommission_approve(
        actor=manager, request=services.decommission_request(actor=member, project=running_project, reason="x")
    )
    item = request.checklist.first()
    response = client_for(member).post(
        reverse("decommission:item", args=[request.pk, item.pk]), {"status": "not_relevant", "note": ""}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card mb-4" id="checklist"')
    assert "Say why this step is not relevant" in body
    item.refresh_from_db()
    assert item.status == "open"
    response = client_for(member).post(
        reverse("decommission:item", args=[request.pk, item.pk]), {"status": "done", "note": ""}, headers={"HX-Request": "true"}
    )
    # The first tick starts the work: the heading's state badge comes along, out of band.
    assert '<span id="decommission-state" hx-swap-oob="true"><span class="badge text-bg-primary">In progress</span>' in response.content.decode()


@pytest.mark.django_db
def test_a_manager_assigns_items_without_ticking_them(running_project, member, manager):
    request = services.decommission_approve(
        actor=make_manager(), request=services.decommission_request(actor=member, project=running_project, reason="x")
    )
    item = request.checklist.first()
    client = client_for(manager)
    page = client.get(request.get_absolute_url()).content.decode()
    assert reverse("decommission:item_assign", args=[request.pk, item.pk]) in page
    assert f'action="{reverse("decommission:item", args=[request.pk, item.pk])}"' not in page
    client.post(reverse("decommission:item_assign", args=[request.pk, item.pk]), {"assignee": member.pk})
    item.refresh_from_db()
    assert item.assignee == member


@pytest.mark.django_db
def test_list_shows_what_waits_for_a_manager_first(team, member, manager):
    from projects.models import Phase, Project
    from tests.factories import ProjectFactory

    first = ProjectFactory(team=team, slug="first")
    second = ProjectFactory(team=team, slug="second")
    Project.objects.filter(pk__in=[first.pk, second.pk]).update(phase=Phase.RUN)
    first.refresh_from_db()
    second.refresh_from_db()
    waiting = services.decommission_request(actor=member, project=first, reason="x")
    mine = services.decommission_request(actor=manager, project=second, reason="y")
    rows = list(client_for(manager).get(reverse("decommission:list")).context["requests"])
    assert [row.pk for row in rows] == [waiting.pk, mine.pk]
    assert rows[0].waiting == 0 and rows[1].waiting == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_is_bounded(django_assert_max_num_queries, team, member, count):
    from projects.models import Phase, Project
    from tests.factories import ProjectFactory

    for index in range(count):
        project = ProjectFactory(team=team, slug=f"p-{index}")
        Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
        project.refresh_from_db()
        services.decommission_request(actor=member, project=project, reason="x")
    client = client_for(make_manager(username="boss"))
    with django_assert_max_num_queries(8):
        client.get(reverse("decommission:list"))


@pytest.mark.django_db
def test_request_page_query_count_is_bounded(django_assert_max_num_queries, running_project, member, manager):
    request = services.decommission_approve(
        actor=manager, request=services.decommission_request(actor=member, project=running_project, reason="x")
    )
    client = client_for(member)
    with django_assert_max_num_queries(14):
        client.get(request.get_absolute_url())
