"""Without a token the API reads and writes nothing: every operation answers a JSON 401."""
import pytest
from django.urls import get_resolver

from portal import urls as root_urls
from tests.portal.test_login_required import concrete, walk

pytestmark = pytest.mark.django_db


def api_routes():
    for route, name in walk(get_resolver(root_urls).url_patterns):
        if route.startswith("api/v1/") and name not in {"openapi-view", "api-root"}:
            yield concrete(route)


@pytest.mark.parametrize("url", sorted(set(api_routes())))
def test_anonymous_api_call_is_refused_with_json(client, url):
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 401, (method, url)
        assert response.json()["message"]


def test_api_docs_send_anonymous_to_log_in(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
