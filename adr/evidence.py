"""The decisions section of a decommission's evidence snapshot: open and reckless decisions."""
from django.utils.translation import gettext as _

from adr import selectors
from adr.models import Adr, Status
from projects.decommission.evidence import register
from projects.models import Project


@register("decisions", order=30)
def decision_figures(project: Project) -> dict:
    adrs = Adr.objects.filter(project=project)
    open_decisions = list(adrs.filter(status=Status.PROPOSED).order_by("number"))
    reckless = list(selectors.reckless_in_force(adrs).order_by("number"))
    overdue = {adr.pk for adr in selectors.overdue_shortcuts(adrs)}
    rows = [[adr.code, adr.title, _("proposed"), ""] for adr in open_decisions] + [
        [adr.code, adr.title, _("conscious and reckless"), _("overdue") if adr.pk in overdue else ""] for adr in reckless
    ]
    return {
        "title": _("Decisions"),
        "facts": [
            [_("Decisions recorded"), str(adrs.count())],
            [_("Open (proposed) decisions"), str(len(open_decisions))],
            [_("Conscious and reckless decisions in force"), str(len(reckless))],
            [_("Of which overdue"), str(len(overdue))],
        ],
        "table": {"columns": [_("Decision"), _("Title"), _("Why listed"), _("Flag")], "rows": rows},
    }
