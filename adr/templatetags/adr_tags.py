"""Panels other pages include: a project's decisions and small matrix, and on the home page the stale
proposals and overdue reckless shortcuts."""
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


@register.inclusion_tag("adr/_project_panel.html", takes_context=True)
def adr_project_panel(context, project):
    return {"project": project, "request": context.get("request"), **selectors.project_summary(project)}


@register.inclusion_tag("adr/_stale_panel.html", takes_context=True)
def adr_stale_panel(context, limit: int = 10):
    return {
        "request": context.get("request"), "stale": list(selectors.stale_adrs()[:limit]),
        "overdue": list(selectors.overdue_shortcuts()[:limit]),
    }
