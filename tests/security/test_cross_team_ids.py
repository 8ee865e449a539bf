"""Ids of another team's objects in URLs and POST bodies, and through the API: refused, nothing changed.

The permission matrix sends each URL its own objects; these send someone else's."""
import json
from datetime import timedelta

import pytest
from django.test import Client

from adr.models import Status
from portal import services as portal_services
from projects import clock
from projects.models import Membership
from tests.security import snapshot
from tests.security.org import approve, build_org
from toil.models import TimeLog, ToilItem

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def org():
    org = build_org()
    from adr import services as adr_services

    org.other_adr = adr_services.adr_create(actor=org.users["outsider"], project=org.other_project, title="Risk's own")
    org.risk_lead = Membership.objects.get(team=org.other_team, role="lead").user
    return org


def _unchanged(client_call):
    before = snapshot.tables()
    response = client_call()
    after = snapshot.tables()
    changed = sorted(name for name in before if before[name] != after.get(name))
    return response, changed


def test_void_other_teams_cost_through_my_project_url(org):
    client = login(org.users["outsider"])
    response, changed = _unchanged(lambda: client.post(
        f"/projects/{org.other_project.slug}/ledger/costs/{org.cost.pk}/void/", {"reason": "x"}))
    assert response.status_code == 404 and not changed
    response, changed = _unchanged(lambda: client.post(
        f"/projects/{org.other_project.slug}/ledger/values/{org.value.pk}/void/", {"reason": "x"}))
    assert response.status_code == 404 and not changed


def test_adr_new_supersedes_other_teams_adr(org):
    client = login(org.users["outsider"])
    response = client.post(f"/projects/{org.other_project.slug}/adrs/new/",
                           {"title": "Take over", "supersedes": [org.adr.pk], "relates_to": [org.adr.pk]})
    org.adr.refresh_from_db()
    assert response.status_code == 400
    assert org.adr.status == Status.PROPOSED


def test_adr_edit_supersedes_other_teams_adr(org):
    client = login(org.users["outsider"])
    response = client.post(f"/projects/{org.other_project.slug}/adrs/{org.other_adr.number}/edit/",
                           {"title": "Risk's own", "supersedes": [org.adr.pk], "version": org.other_adr.version})
    org.adr.refresh_from_db()
    assert response.status_code == 400 and org.adr.status == Status.PROPOSED


def test_toil_remediates_other_teams_adr(org):
    client = login(org.users["outsider"])
    data = {"title": "Pay back", "frequency": "week", "minutes_per_occurrence": "30", "people": "1",
            "strategy": "automate", "remediates": org.adr.pk}
    response = client.post(f"/projects/{org.other_project.slug}/toil/new/", data)
    assert response.status_code == 400
    assert not ToilItem.objects.filter(remediates=org.adr).exists()
    response = client.post(f"/toil/items/{org.other_toil_item.pk}/edit/", data)
    assert response.status_code == 400
    assert not ToilItem.objects.filter(remediates=org.adr).exists()


def test_toil_owner_from_other_team(org):
    client = login(org.users["outsider"])
    data = {"title": "T", "frequency": "week", "minutes_per_occurrence": "30", "people": "1",
            "strategy": "automate", "owner": org.users["member"].pk}
    response = client.post(f"/projects/{org.other_project.slug}/toil/new/", data)
    assert response.status_code == 400


def test_lead_logs_time_for_member_of_other_team(org):
    client = login(org.risk_lead)
    response = client.post(f"/toil/items/{org.other_toil_item.pk}/log/",
                           {"minutes": "30", "user": org.users["member"].pk})
    assert response.status_code == 400
    assert not TimeLog.objects.filter(user=org.users["member"]).exists()


def test_comment_remove_other_teams_comment_via_my_adr_url(org):
    client = login(org.risk_lead)
    response = client.post(
        f"/projects/{org.other_project.slug}/adrs/{org.other_adr.number}/comments/{org.comment.pk}/remove/")
    org.comment.refresh_from_db()
    assert response.status_code == 404 and org.comment.removed_at is None


def test_remove_other_teams_membership_via_my_team_url(org):
    client = login(org.risk_lead)
    membership = Membership.objects.get(team=org.team, user=org.users["member"])
    response = client.post(f"/teams/{org.other_team.slug}/members/{membership.pk}/remove/")
    assert response.status_code == 404 and Membership.objects.filter(pk=membership.pk).exists()


def test_decommission_item_of_another_request(org):
    approve(org)
    from projects.decommission import services as decommission_services

    other = decommission_services.decommission_request(actor=org.users["outsider"], project=org.other_project, reason="Off.")
    other_item = other.checklist.first()
    client = login(org.users["outsider"])
    response = client.post(f"/decommissions/{other.pk}/items/{org.decommission.checklist.first().pk}/",
                           {"status": "done"})
    assert response.status_code == 404
    response = client.post(f"/decommissions/{other.pk}/items/{org.decommission.checklist.first().pk}/assign/",
                           {"assignee": org.users["outsider"].pk})
    assert response.status_code == 404
    other_item.refresh_from_db()
    assert (other_item.status, other_item.assignee_id) == ("open", None)


def test_assign_checklist_item_to_outsider(org):
    approve(org)
    client = login(org.users["member"])
    item = org.decommission.checklist.first()
    client.post(f"/decommissions/{org.decommission.pk}/items/{item.pk}/assign/", {"assignee": org.users["outsider"].pk})
    item.refresh_from_db()
    assert item.assignee_id is None


def test_matrix_move_other_teams_adr(org):
    client = login(org.users["outsider"])
    response, changed = _unchanged(lambda: client.post("/decisions/matrix/move/", {
        "adr": org.adr.pk, "cell": "conscious_prudent", "reason": "Mine now."}))
    assert response.status_code == 403 and not changed


def test_project_edit_cannot_move_team(org):
    client = login(org.users["outsider"])
    client.post(f"/projects/{org.other_project.slug}/edit/", {
        "team": org.team.pk, "name": "Fraud score", "slug": org.other_project.slug})
    org.other_project.refresh_from_db()
    assert org.other_project.team_id == org.other_team.pk


def test_toil_move_next_is_not_an_open_redirect(org):
    client = login(org.users["member"])
    response = client.post(f"/toil/items/{org.toil_item.pk}/move/", {"status": "doing", "next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example"), response["Location"]


def _token(user, scope="write"):
    return portal_services.api_token_create(
        actor=user, name="t", scope=scope, expires_on=clock.today() + timedelta(days=5)).secret


def test_api_void_other_teams_cost_via_my_slug(org):
    secret = _token(org.users["outsider"])
    client = Client()
    response = client.post(f"/api/v1/projects/{org.other_project.slug}/costs/{org.cost.pk}/void",
                           json.dumps({"reason": "x"}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404
    org.cost.refresh_from_db()
    assert org.cost.voided_at is None


def test_api_log_other_teams_toil(org):
    secret = _token(org.users["outsider"])
    response = Client().post(f"/api/v1/toil/items/{org.toil_item.pk}/logs",
                             json.dumps({"minutes": 30}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403


def test_api_adr_supersedes_number_stays_in_project(org):
    secret = _token(org.users["outsider"])
    response = Client().post(f"/api/v1/projects/{org.other_project.slug}/adrs",
                             json.dumps({"title": "X", "supersedes": [org.adr.number]}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {secret}")
    org.adr.refresh_from_db()
    assert org.adr.status == Status.PROPOSED
