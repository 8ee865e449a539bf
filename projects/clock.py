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
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

ENVIRONMENT_VARIABLE = "PORTAL_TODAY"
STARTED_VARIABLE = "PORTAL_TODAY_STARTED"
FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_start(value: str, zone: str | None = None) -> datetime:
    """The instant `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM` names on the wall clock of `zone`
    (default: TIME_ZONE)."""
    for pattern in FORMATS:
        try:
            wall = datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
        return timezone.make_aware(wall, ZoneInfo(zone or settings.TIME_ZONE))
    raise ValueError(f"{value!r} is not a day (YYYY-MM-DD) or a day and time (YYYY-MM-DDTHH:MM).")


@cache
def _offset_for(value: str, started: str, zone: str) -> timedelta:
    try:
        start = parse_start(value, zone)
        real_start = datetime.fromtimestamp(float(started), tz=UTC) if started else timezone.now()
    except ValueError as error:
        raise ImproperlyConfigured(f"{ENVIRONMENT_VARIABLE}={value!r}, {STARTED_VARIABLE}={started!r}: {error}") from error
    return start - real_start


def _offset() -> timedelta:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return timedelta(0)
    return _offset_for(value, os.environ.get(STARTED_VARIABLE, "").strip(), settings.TIME_ZONE)


def now() -> datetime:
    """The current instant, aware, in UTC."""
    offset = _offset()  # first: the first call starts the shifted clock at the real time it reads
    return timezone.now() + offset


def day_of(moment: datetime) -> date:
    """The day an instant falls on, on the wall clock of the portal's TIME_ZONE."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()


def day_of_expression(moment) -> models.Func:
    """day_of() in SQL, for an expression naming an instant (a field, an OuterRef)."""
    from django.db.models.functions import TruncDate

    return TruncDate(models.ExpressionWrapper(moment, output_field=models.DateTimeField()), tzinfo=ZoneInfo(settings.TIME_ZONE))


def today() -> date:
    """The current day on the wall clock of the portal's TIME_ZONE."""
    return day_of(now())


class DateTimeField(models.DateTimeField):
    """A date-time field whose `auto_now` and `auto_now_add` read this clock, since pages show and rules
    compare these times."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)
