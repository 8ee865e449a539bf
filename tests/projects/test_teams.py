"""Team pages: everyone reads; leads manage their own team's members, nobody else does."""
import pytest
from django.urls import reverse

from projects.models import Membership
from tests.conftest import client_for
from tests.factories import UserFactory


def add_url(team):
    return reverse("projects:membership_add", args=[team.slug])


def add_form(user, **overrides):
    return {"user": user.pk, "role": "member", "weekly_hours": "35", "joined_on": "2026-01-05", **overrides}


@pytest.mark.django_db
def test_anyone_logged_in_reads_a_team(outsider, team, member):
    response = client_for(outsider).get(team.get_absolute_url())
    assert response.status_code == 200
    assert "member" in response.content.decode()
    assert "Add a member" not in response.content.decode()


@pytest.mark.django_db
def test_lead_adds_a_member(lead, team):
    newcomer = UserFactory(username="newcomer")
    response = client_for(lead).post(add_url(team), add_form(newcomer, weekly_hours="28"))
    assert response.status_code == 302
    membership = Membership.objects.get(team=team, user=newcomer)
    assert membership.weekly_hours == 28


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "outsider", "manager"])
def test_only_a_lead_or_admin_adds_members(request, who, team, lead):
    user = request.getfixturevalue(who)
    newcomer = UserFactory(username="newcomer")
    before = Membership.objects.count()
    response = client_for(user).post(add_url(team), add_form(newcomer))
    assert response.status_code == 403
    assert Membership.objects.count() == before


@pytest.mark.django_db
def test_lead_of_another_team_cannot_add_here(team, other_team):
    from tests.factories import MembershipFactory

    other_lead = MembershipFactory(team=other_team, role="lead").user
    response = client_for(other_lead).post(add_url(team), add_form(UserFactory()))
    assert response.status_code == 403
    assert not team.memberships.exists()


@pytest.mark.django_db
def test_admin_adds_members(admin_user, team):
    newcomer = UserFactory()
    assert client_for(admin_user).post(add_url(team), add_form(newcomer)).status_code == 302
    assert team.memberships.filter(user=newcomer).exists()


@pytest.mark.django_db
def test_negative_weekly_hours_are_refused_next_to_the_field(lead, team):
    newcomer = UserFactory()
    response = client_for(lead).post(add_url(team), add_form(newcomer, weekly_hours="-3"))
    assert response.status_code == 400
    assert 'id="id_weekly_hours-error"' in response.content.decode()
    assert not team.memberships.filter(user=newcomer).exists()


@pytest.mark.django_db
def test_adding_an_existing_member_twice_is_refused(lead, team, member):
    response = client_for(lead).post(add_url(team), add_form(member))
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert team.memberships.filter(user=member).count() == 1


@pytest.mark.django_db
def test_lead_removes_a_member(lead, team, member):
    membership = team.memberships.get(user=member)
    response = client_for(lead).post(reverse("projects:membership_remove", args=[team.slug, membership.pk]))
    assert response.status_code == 302
    assert not team.memberships.filter(user=member).exists()


@pytest.mark.django_db
def test_member_cannot_remove_anyone(lead, team, member):
    membership = team.memberships.get(user=lead)
    response = client_for(member).post(reverse("projects:membership_remove", args=[team.slug, membership.pk]))
    assert response.status_code == 403
    assert team.memberships.filter(user=lead).exists()


@pytest.mark.django_db
def test_the_last_lead_cannot_be_removed(lead, team):
    membership = team.memberships.get(user=lead)
    response = client_for(lead).post(reverse("projects:membership_remove", args=[team.slug, membership.pk]), follow=True)
    assert "at least one lead" in response.content.decode()
    assert team.memberships.filter(user=lead).exists()


@pytest.mark.django_db
def test_membership_changes_are_in_the_audit_trail(lead, team):
    newcomer = UserFactory()
    client_for(lead).post(add_url(team), add_form(newcomer))
    events = Membership.pgh_event_model.objects.filter(pgh_obj__user=newcomer)
    assert events.filter(pgh_label="insert").count() == 1


@pytest.mark.django_db
def test_team_page_query_count_is_bounded(django_assert_max_num_queries, lead, team):
    from tests.factories import MembershipFactory

    client = client_for(lead)
    MembershipFactory.create_batch(3, team=team)
    with django_assert_max_num_queries(10) as few:
        client.get(team.get_absolute_url())
    MembershipFactory.create_batch(60, team=team)
    with django_assert_max_num_queries(len(few)):
        client.get(team.get_absolute_url())
