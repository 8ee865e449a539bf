"""The layout, the home page and the error pages."""
import pytest
from django.urls import reverse

from tests.conftest import client_for


@pytest.mark.django_db
def test_member_sees_their_teams_on_home(member, team):
    response = client_for(member).get(reverse("portal:home"))
    assert response.status_code == 200
    assert team.name in response.content.decode()


@pytest.mark.django_db
def test_missing_page_is_a_styled_404(member):
    response = client_for(member).get("/teams/no-such-team/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()
    assert "navbar" in response.content.decode()


@pytest.mark.django_db
def test_htmx_requests_carry_the_csrf_token(member):
    response = client_for(member).get(reverse("portal:home"))
    assert 'hx-headers=\'{"X-CSRFToken": "' in response.content.decode()


@pytest.mark.django_db
def test_login_then_logout(client, member):
    response = client.post(reverse("portal:login"), {"username": "member", "password": "test-password-123"})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:home")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client, member):
    response = client.post(reverse("portal:login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_password_change(member):
    client = client_for(member)
    response = client.post(
        reverse("portal:password_change"),
        {"old_password": "test-password-123", "new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-long-pass-42")


@pytest.mark.django_db
def test_security_headers_are_set(member):
    response = client_for(member).get(reverse("portal:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_page_answered_to_a_form_takes_the_address_of_the_form_page(member):
    """A failed phase change shows its errors; a reload then reads the project page, it does not post again."""
    from tests.factories import ProjectFactory

    project = ProjectFactory(team=member.memberships.get().team)
    client = client_for(member)
    page = f"http://testserver{project.get_absolute_url()}"
    response = client.post(f"{project.get_absolute_url()}phase/", {"to_phase": "build", "reason": ""}, HTTP_REFERER=page)
    assert response.status_code == 400
    assert f'data-page-address="{project.get_absolute_url()}"' in response.content.decode()
    # Only an address of this site is taken.
    response = client.post(f"{project.get_absolute_url()}phase/", {"to_phase": "build", "reason": ""}, HTTP_REFERER="https://evil.example/x")
    assert "data-page-address" not in response.content.decode()
    assert "data-page-address" not in client.get(project.get_absolute_url()).content.decode()
