"""The decommission card on the project page: `{% load decommission_tags %}{% decommission_project_panel project %}`."""
from django import template

from projects import permissions
from projects.decommission import selectors
from projects.decommission.models import DecommissionRequest
from projects.ledger.models import LedgerStatus
from projects.models import Phase

register = template.Library()


@register.inclusion_tag("decommission/_project_panel.html", takes_context=True)
def decommission_project_panel(context, project) -> dict:
    user = context["request"].user
    requests = list(project.decommissions.order_by("-created_at"))
    open_request = next((request for request in requests if request.is_open), None)
    status = LedgerStatus.objects.filter(project=project).first()
    return {
        "project": project,
        "requests": requests,
        "open_request": open_request,
        "underwater": bool(status and status.underwater),
        "can_request": (
            open_request is None
            and project.phase in (Phase.RUN, Phase.BUILD)
            and permissions.can_request_decommission(user, project)
        ),
        "zombies": selectors.zombie_costs(project),
        "completed": next((request for request in requests if request.state == DecommissionRequest.State.COMPLETED), None),
    }
