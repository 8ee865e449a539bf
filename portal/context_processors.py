"""What every page's layout needs: the navigation, whether background work is delayed, and the address a
page answered to a form should show."""
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from portal.tasks import HEARTBEAT_KEY
from projects import clock, permissions


def background_delayed() -> bool:
    """True when the worker's last heartbeat is old, or when Redis does not answer."""
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception:  # Redis down: the page still renders, and says so.
        return True
    if last is None:
        return False
    return clock.now() - datetime.fromisoformat(last) > settings.PORTAL_HEARTBEAT_STALE_AFTER


def page_address(request: HttpRequest) -> str:
    """For a page answered to a form (errors to correct, a secret shown once): the address of the page the
    form was on, so the browser shows that one and a reload reads it instead of sending the form again."""
    if request.method != "POST":
        return ""
    referer = urlsplit(request.headers.get("Referer", ""))
    if not referer.path or not url_has_allowed_host_and_scheme(
        request.headers["Referer"], allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"page_address": page_address(request)}
    return {
        "background_delayed": background_delayed(),
        "is_manager": permissions.is_manager(user),
        "base_currency": settings.PORTAL_BASE_CURRENCY,
        "page_address": page_address(request),
    }
