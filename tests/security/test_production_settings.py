"""Production settings beyond `check --deploy` (tests/portal/test_settings.py): security headers,
HSTS and the HTTPS redirect when served over HTTPS, the login lock-out, session expiry."""
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from tests.portal.test_settings import run_manage

pytestmark = pytest.mark.django_db


def test_every_page_sends_the_security_headers(member):
    client = Client()
    client.force_login(member)
    for url in ("/", "/projects/", "/accounts/login/"):
        response = client.get(url, follow=url == "/accounts/login/")
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "base-uri 'self'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        # The test settings serve plain HTTP: no HSTS there.
        assert "Strict-Transport-Security" not in response


def test_over_https_hsts_is_sent_and_http_is_redirected():
    script = (
        "import json; from django.conf import settings as s; from django.test import Client; c = Client();"
        "r = c.get('/', secure=True); p = c.get('/');"
        "print(json.dumps({'hsts': r.get('Strict-Transport-Security'),"
        "'cookie_secure': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,"
        "'plain': p.status_code, 'location': p.get('Location')}))"
    )
    result = run_manage(
        "shell", "-c", script, SECRET_KEY="a-production-secret-" + "x" * 40, ALLOWED_HOSTS="testserver", HTTPS="1",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["cookie_secure"] is True
    assert answer["plain"] == 301 and answer["location"].startswith("https://")


def test_the_sixth_wrong_password_locks_the_account():
    user = UserFactory(username="lea")
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "lea", "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()
    locked = client.post("/accounts/login/", {"username": "lea", "password": "wrong"})
    assert locked.status_code in (403, 429)
    assert "Too many failed log-in attempts" in locked.content.decode()
    # Locked even with the right password now, until the cool-off.
    again = client.post("/accounts/login/", {"username": "lea", "password": PASSWORD})
    assert "Too many failed log-in attempts" in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.pk
    # Another person on the same address is not locked out.
    UserFactory(username="sam")
    other = Client(REMOTE_ADDR="10.0.0.7").post("/accounts/login/", {"username": "sam", "password": PASSWORD})
    assert other.status_code == 302


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    UserFactory(username="nina")
    client = Client()
    assert client.post("/accounts/login/", {"username": "nina", "password": PASSWORD}).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"], "the cookie dies with the browser"
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    assert session.expire_date <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert client.get("/").status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
