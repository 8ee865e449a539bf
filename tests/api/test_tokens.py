"""Personal API tokens: created in the browser, shown once, stored hashed, revoked, expired, scoped."""
import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import ApiToken
from projects import clock
from projects.models import Project
from tests.api.conftest import api_client, make_token
from tests.conftest import client_for
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

NEW_PROJECT = {"team": "customer-analytics", "name": "Demand forecast", "slug": "demand-forecast"}


def _create_in_page(client, **data):
    payload = {"name": "CI pipeline", "scope": "write", "expires_on": (clock.today() + timedelta(days=30)).isoformat()}
    payload.update(data)
    return client.post("/accounts/tokens/new/", payload)


def test_token_page_creates_a_token_and_shows_it_only_once(member):
    client = client_for(member)

    response = _create_in_page(client)

    assert response.status_code == 200
    token = ApiToken.objects.get(user=member)
    secret = response.context["new_token"].secret
    assert secret.startswith(token.prefix)
    assert timezone.localtime(token.expires_at).date() == clock.today() + timedelta(days=30)
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/accounts/tokens/").content.decode()
    assert "CI pipeline" in listing
    assert token.prefix in listing
    assert secret not in listing


def test_token_is_stored_only_as_a_hash(member):
    secret = make_token(member)

    token = ApiToken.objects.get(user=member)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get(pk=token.pk)]
    assert all(secret not in value for value in stored)
    assert len(token.prefix) < len(secret) / 3


def test_token_form_refuses_a_past_expiry_and_saves_nothing(member):
    response = _create_in_page(client_for(member), expires_on=clock.today().isoformat())

    assert response.status_code == 400
    assert "The expiry date must be after today." in response.content.decode()
    assert response.context["form"].errors["expires_on"]
    assert not ApiToken.objects.exists()


def test_token_form_refuses_an_expiry_beyond_a_year_and_a_missing_name(member):
    response = _create_in_page(
        client_for(member), name="", expires_on=(clock.today() + timedelta(days=400)).isoformat()
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_token_acts_as_its_user(member, team):
    ProjectFactory(team=team, slug="churn-model")

    response = api_client(make_token(member, scope="read")).get("/api/v1/projects/")

    assert response.status_code == 200
    assert response.json()["items"][0]["slug"] == "churn-model"
    assert ApiToken.objects.get(user=member).last_used_at is not None


def test_revoked_token_is_refused(member):
    secret = make_token(member)
    token = ApiToken.objects.get(user=member)

    response = client_for(member).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api_client(secret).get("/api/v1/projects/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    assert "revoked or expired" in refused.json()["message"]


def test_expired_token_is_refused(member):
    secret = make_token(member)
    ApiToken.objects.filter(user=member).update(expires_at=clock.now() - timedelta(seconds=1))

    assert api_client(secret).get("/api/v1/projects/").status_code == 401


def test_token_of_a_deactivated_user_is_refused(member):
    secret = make_token(member)
    member.is_active = False
    member.save()

    assert api_client(secret).get("/api/v1/projects/").status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer mlp_not-a-real-token", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_unknown_token_is_refused(member, client, header):
    response = client.get("/api/v1/projects/", headers={"Authorization": header} if header else {})

    assert response.status_code == 401
    assert response.json()["message"]


def test_read_token_cannot_write(member):
    response = api_client(make_token(member, scope="read")).post(
        "/api/v1/projects/", NEW_PROJECT, content_type="application/json"
    )

    assert response.status_code == 403
    assert "only read" in response.json()["message"]
    assert not Project.objects.exists()


def test_session_login_is_not_accepted_by_the_api(member):
    """A browser session cannot be ridden into an API write: only Bearer tokens count, so no CSRF hole."""
    client = client_for(member)

    assert client.get("/api/v1/projects/").status_code == 401
    assert client.post("/api/v1/projects/", NEW_PROJECT, content_type="application/json").status_code == 401
    assert not Project.objects.exists()


def test_someone_else_cannot_revoke_my_token(member, outsider):
    make_token(member)
    token = ApiToken.objects.get(user=member)

    response = client_for(outsider).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_lists_only_my_tokens(member, outsider):
    make_token(member, name="mine")
    make_token(outsider, name="theirs")

    page = client_for(member).get("/accounts/tokens/").content.decode()

    assert "mine" in page
    assert "theirs" not in page


def test_tokens_page_needs_a_login(client):
    response = client.get("/accounts/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_changes_are_in_the_audit_trail(member):
    make_token(member)
    token = ApiToken.objects.get(user=member)
    client_for(member).post(f"/accounts/tokens/{token.pk}/revoke/")

    events = list(token.events.order_by("pgh_id").values_list("pgh_label", "revoked_at"))
    assert [label for label, _revoked in events] == ["insert", "update"]
    assert events[-1][1] is not None


@pytest.mark.parametrize("count", [1, 12])
def test_tokens_page_query_budget(member, django_assert_max_num_queries, count):
    for number in range(count):
        make_token(member, name=f"token {number}")
    client = client_for(member)

    with django_assert_max_num_queries(6):
        assert client.get("/accounts/tokens/").status_code == 200


def test_docs_page_is_for_logged_in_people(member, client):
    assert client_for(member).get("/api/v1/docs").status_code == 200
    anonymous = client.get("/api/v1/docs")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_openapi_document_is_readable_with_a_token(member, client):
    secret = make_token(member, scope="read")

    response = api_client(secret).get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/projects/" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_admin_revokes_a_leaked_token_from_the_django_admin(member, admin_user):
    secret = make_token(member)
    token = ApiToken.objects.get(user=member)

    response = client_for(admin_user).post(
        "/admin/portal/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert response.status_code == 302
    assert api_client(secret).get("/api/v1/projects/").status_code == 401
    listing = client_for(admin_user).get("/admin/portal/apitoken/").content.decode()
    assert token.prefix in listing
    assert token.token_hash not in listing


def test_member_cannot_use_the_token_admin(member):
    assert client_for(member).get("/admin/portal/apitoken/").status_code == 302


def test_last_used_is_written_at_most_once_a_minute(member):
    client = api_client(make_token(member, scope="read"))
    client.get("/api/v1/projects/")
    first_use = ApiToken.objects.get(user=member).last_used_at

    client.get("/api/v1/projects/")

    assert ApiToken.objects.get(user=member).last_used_at == first_use
    ApiToken.objects.filter(user=member).update(last_used_at=first_use - timedelta(minutes=2))
    client.get("/api/v1/projects/")
    assert ApiToken.objects.get(user=member).last_used_at > first_use
