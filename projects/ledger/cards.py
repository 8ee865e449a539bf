"""The ledger's card on the project page: the verdict of the underwater rule and the figures behind it."""
from projects import cards
from projects.common.http import HtmxHttpRequest
from projects.ledger import selectors


@cards.register("project", "ledger", order=20, template="ledger/_project_panel.html")
def project_card(request: HtmxHttpRequest, project) -> dict:
    return {"project": project, "status": selectors.ledger_status(project), "totals": selectors.project_totals(project)}
