"""Toil's cards: a project's toil summary on its page, a team's weekly toil share on the team page."""
from projects import cards
from projects.common.http import HtmxHttpRequest
from toil import selectors


@cards.register("project", "toil", order=30, template="toil/_project_panel.html")
def project_card(request: HtmxHttpRequest, project) -> dict:
    summary = selectors.project_summary(project)
    return {"project": project, "summary": summary, "recent_hours": round(summary["recent_minutes"] / 60, 1), "request": request}


@cards.register("team", "toil", order=10, template="toil/_share_chart.html")
def team_card(request: HtmxHttpRequest, team) -> dict:
    # The team page does not load the chart scripts itself.
    return {**selectors.team_share_panel(team), "include_scripts": True, "request": request}
