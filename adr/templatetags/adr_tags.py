"""The home page's panel of stale proposals and overdue reckless shortcuts, and the `age` filter."""
from datetime import datetime

from django import template
from django.utils.timesince import timesince

from adr import selectors
from projects import clock

register = template.Library()


@register.filter
def age(moment: datetime) -> str:
    """How long ago `moment` was, by the one clock ("2 weeks, 3 days")."""
    return timesince(moment, clock.now())


@register.inclusion_tag("adr/_stale_panel.html", takes_context=True)
def adr_stale_panel(context, limit: int = 10):
    return {
        "request": context.get("request"), "stale": list(selectors.stale_adrs()[:limit]),
        "overdue": list(selectors.overdue_shortcuts()[:limit]),
    }
