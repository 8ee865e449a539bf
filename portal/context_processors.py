"""What every page's layout needs: the navigation and whether background work is delayed."""
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from portal.tasks import HEARTBEAT_KEY
from projects import permissions


def background_delayed() -> bool:
    """True when the worker's last heartbeat is old, or when Redis does not answer."""
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception:  # Redis down: the page still renders, and says so.
        return True
    if last is None:
        return False
    return timezone.now() - datetime.fromisoformat(last) > settings.PORTAL_HEARTBEAT_STALE_AFTER


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "background_delayed": background_delayed(),
        "is_manager": permissions.is_manager(user),
        "base_currency": settings.PORTAL_BASE_CURRENCY,
    }
