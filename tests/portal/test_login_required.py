"""Every page but the login page sends an anonymous visitor to log in."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal import urls as root_urls

PUBLIC = {"login"}
SAMPLE_VALUES = {"int": "1", "slug": "sample", "str": "sample", "path": "sample", "uuid": "00000000-0000-0000-0000-000000000000"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def concrete(route: str) -> str:
    import re

    def fill(match):
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter, "sample")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def portal_routes():
    for route, name in walk(get_resolver(root_urls).url_patterns):
        # The API answers anonymous calls with a JSON 401, not a login redirect: tests/api/test_anonymous.py.
        if route.startswith(("admin/", "api/")) or name in PUBLIC or "^" in route or "(?P" in route:
            continue
        yield concrete(route)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(set(portal_routes())))
def test_anonymous_request_is_sent_to_login(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("portal:login")), url


@pytest.mark.django_db
def test_admin_asks_anonymous_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
