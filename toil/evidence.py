"""The toil section of a decommission's evidence snapshot."""
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.decommission.evidence import evidence_months, register
from projects.common.money import format_money
from projects.models import Project
from toil.models import ToilItem
from toil.selectors import toil_cost_by_month


@register("toil", order=20)
def toil_figures(project: Project) -> dict:
    start, end = evidence_months()
    months = [row for row in toil_cost_by_month(project_id=project.pk) if start <= row.month < end]
    open_items = ToilItem.objects.filter(project=project).exclude(status__in=[*ToilItem.FINISHED, ToilItem.Status.ACCEPTED]).count()
    return {
        "title": _("Toil"),
        "facts": [
            [_("Toil hours, last 12 months"), str(sum((row.hours for row in months), 0))],
            [_("People cost of that toil"), format_money(sum((row.amount for row in months), Decimal(0)))],
            [_("Open toil items"), str(open_items)],
        ],
        "table": {
            "columns": [_("Month"), _("Hours"), _("Cost")],
            "rows": [[row.month.strftime("%Y-%m"), str(row.hours), format_money(row.amount)] for row in months],
        },
    }
