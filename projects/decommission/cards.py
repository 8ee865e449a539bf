"""The decommission card on the project page: the open or completed request, or the way to ask for one."""
from projects import cards, permissions
from projects.common.http import HtmxHttpRequest
from projects.decommission import selectors
from projects.decommission.models import DecommissionRequest
from projects.ledger.selectors import ledger_status
from projects.models import Phase


@cards.register("project", "decommission", order=10, template="decommission/_project_panel.html")
def project_card(request: HtmxHttpRequest, project) -> dict:
    requests = list(project.decommissions.order_by("-created_at"))
    open_request = next((request for request in requests if request.is_open), None)
    status = ledger_status(project)
    return {
        "project": project,
        "requests": requests,
        "open_request": open_request,
        "underwater": bool(status and status.underwater),
        "can_request": (
            open_request is None
            and project.phase in (Phase.RUN, Phase.BUILD)
            and permissions.can_request_decommission(request.user, project)
        ),
        "zombies": selectors.zombie_costs(project),
        "completed": next((request for request in requests if request.state == DecommissionRequest.State.COMPLETED), None),
    }
