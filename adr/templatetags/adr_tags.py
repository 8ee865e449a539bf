"""Panels other pages include: a project's decisions and small matrix, and on the home page the stale
proposals and overdue reckless shortcuts."""
from django import template

from adr import selectors

register = template.Library()


@register.inclusion_tag("adr/_project_panel.html", takes_context=True)
def adr_project_panel(context, project):
    return {"project": project, "request": context.get("request"), **selectors.project_summary(project)}


@register.inclusion_tag("adr/_stale_panel.html", takes_context=True)
def adr_stale_panel(context, limit: int = 10):
    return {
        "request": context.get("request"), "stale": list(selectors.stale_adrs()[:limit]),
        "overdue": list(selectors.overdue_shortcuts()[:limit]),
    }
