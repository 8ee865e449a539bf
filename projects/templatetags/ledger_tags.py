"""The ledger's card on the project page: `{% load ledger_tags %}{% ledger_project_panel project %}`."""
from django import template

from projects.ledger import selectors

register = template.Library()


@register.inclusion_tag("ledger/_project_panel.html")
def ledger_project_panel(project) -> dict:
    return {
        "project": project,
        "status": selectors.ledger_status(project),
        "totals": selectors.project_totals(project),
    }
