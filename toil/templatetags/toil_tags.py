"""Toil cards for other apps' pages: a team's weekly toil share and a project's toil summary."""
from django import template

from toil import selectors

register = template.Library()


@register.inclusion_tag("toil/_share_chart.html", takes_context=True)
def toil_team_share(context, team) -> dict:
    # Other apps' pages do not load the chart scripts themselves.
    return {**selectors.team_share_panel(team), "include_scripts": True, "request": context.get("request")}


@register.inclusion_tag("toil/_project_panel.html", takes_context=True)
def toil_project_panel(context, project) -> dict:
    summary = selectors.project_summary(project)
    return {
        "project": project,
        "summary": summary,
        "recent_hours": round(summary["recent_minutes"] / 60, 1),
        "request": context.get("request"),
    }
