"""The decisions card on the project page: the project's records by status and its small matrix."""
from adr import selectors
from projects import cards
from projects.common.http import HtmxHttpRequest


@cards.register("project", "decisions", order=40, template="adr/_project_panel.html")
def project_card(request: HtmxHttpRequest, project) -> dict:
    return {"project": project, "request": request, **selectors.project_summary(project)}
