"""The portfolio's card for the project page: the project's flags and figures as the portfolio shows them."""
from django import template

from portal import portfolio

register = template.Library()


@register.inclusion_tag("portal/_project_panel.html", takes_context=True)
def portfolio_project_panel(context, project) -> dict:
    row = portfolio.with_health(portfolio.portfolio_queryset().filter(pk=project.pk)).first()
    return {"project": project, "row": row, "request": context.get("request")}
