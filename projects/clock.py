"""The one clock: every "now" and "today" that a person sees or a rule computes comes from here.

It runs on real time, shifted when the environment variable PORTAL_TODAY names another start
(`YYYY-MM-DD` for midnight, or `YYYY-MM-DDTHH:MM`, a wall-clock time in TIME_ZONE): the clock starts at
that instant and runs on from there. Tests use it to run on any day; sessions, login rate limits, signed
links and signatures keep to real time.

The instant the shifted clock started (real time, seconds since the epoch) travels with it in
PORTAL_TODAY_STARTED, so the processes a test run starts (servers, workers) keep one clock between them;
without it, a process starts the clock when it first reads it.
"""
import os
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

ENVIRONMENT_VARIABLE = "PORTAL_TODAY"
STARTED_VARIABLE = "PORTAL_TODAY_STARTED"
FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_start(value: str) -> datetime:
    """The instant `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM` names, on the wall clock of TIME_ZONE."""
    for pattern in FORMATS:
        try:
            wall = datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
        return timezone.make_aware(wall, timezone.get_default_timezone())
    raise ValueError(f"{value!r} is not a day (YYYY-MM-DD) or a day and time (YYYY-MM-DDTHH:MM).")


@cache
def _offset() -> timedelta:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return timedelta(0)
    try:
        start = parse_start(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{ENVIRONMENT_VARIABLE}: {error}") from error
    started = os.environ.get(STARTED_VARIABLE)
    real_start = datetime.fromtimestamp(float(started), tz=UTC) if started else timezone.now()
    return start - real_start


def restart() -> None:
    """Read PORTAL_TODAY again (after a change of the variable or of TIME_ZONE)."""
    _offset.cache_clear()


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return timezone.now() + _offset()


def today() -> date:
    """The current day on the wall clock of the portal's TIME_ZONE."""
    return timezone.localtime(now(), timezone.get_default_timezone()).date()
