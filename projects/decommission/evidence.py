"""The evidence snapshot taken when a decommission is requested, and kept unchanged afterwards.

Each part of the portal adds its own section by registering a provider; `projects` knows none of the
other apps (they register themselves from their AppConfig.ready), so the dependency stays one way.
A section is plain JSON: {"key", "title", "facts": [[label, value], ...], "table": {"columns", "rows"} or None}.
"""
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import clock
from projects.ledger.models import LedgerMonth
from projects.ledger.selectors import ledger_status
from projects.ledger.months import add_months, month_start
from projects.models import Project
from projects.common.money import format_money

EvidenceProvider = Callable[[Project], dict]
_providers: dict[str, tuple[int, EvidenceProvider]] = {}


def register(key: str, *, order: int) -> Callable[[EvidenceProvider], EvidenceProvider]:
    def decorator(provider: EvidenceProvider) -> EvidenceProvider:
        _providers[key] = (order, provider)
        return provider

    return decorator


def snapshot(project: Project) -> dict:
    sections = []
    for key, (_order, provider) in sorted(_providers.items(), key=lambda item: item[1][0]):
        section = provider(project)
        section["key"] = key
        sections.append(section)
    return {"captured_at": clock.now().isoformat(), "sections": sections}


@register("phases", order=90)
def phase_history(project: Project) -> dict:
    rows = [
        [
            clock.day_of(change.changed_at).isoformat(),
            f"{change.get_from_phase_display()} → {change.get_to_phase_display()}" if change.from_phase else change.get_to_phase_display(),
            change.changed_by.get_full_name() or change.changed_by.username,
            change.reason,
        ]
        for change in project.phase_changes.select_related("changed_by")
    ]
    return {
        "title": _("Phase history"),
        "facts": [[_("Phase when requested"), project.get_phase_display()]],
        "table": {"columns": [_("Date"), _("Move"), _("By"), _("Why")], "rows": rows},
    }


def evidence_months() -> tuple[date, date]:
    """The months every section looks back over: the last twelve complete ones, [start, end)."""
    end = month_start(clock.today())
    return add_months(end, -12), end


@register("ledger", order=10)
def ledger_figures(project: Project) -> dict:
    """Run cost and the value set against it are those of run months."""
    start, end = evidence_months()
    months = list(LedgerMonth.objects.filter(project=project, month__gte=start, month__lt=end).order_by("month"))
    status = ledger_status(project)
    cost = sum((month.cost_total for month in months if month.run_month), Decimal("0"))
    value = sum((month.value_total for month in months if month.run_month), Decimal("0"))
    facts = [
        [_("Run cost, last 12 months"), format_money(cost)],
        [_("Realized value in the same run months"), format_money(value)],
    ]
    if status is not None:
        ratio = (status.window_value / status.window_cost).quantize(Decimal("0.01")) if status.window_cost else None
        match status.verdict:
            case "underwater":
                verdict = _("underwater since %(month)s") % {"month": status.underwater_since.strftime("%Y-%m")}
            case "not_enough_run_history":
                verdict = _("not enough run history (%(months)s of %(window)s run months)") % {
                    "months": status.run_months, "window": status.window_months}
            case "afloat":
                verdict = _("not underwater")
            case "not_in_run":
                verdict = _("not in run: the rule applies to projects in run")
        facts += [
            [_("Trailing window"), f"{status.window_start.isoformat()} – {status.window_end.isoformat()}"],
            [_("Run cost in the window"), format_money(status.window_cost)],
            [_("Value in the window"), format_money(status.window_value)],
            [_("Value / cost in the window"), "—" if ratio is None else str(ratio)],
            [_("Underwater"), verdict],
        ]
    rows = [
        [month.month.strftime("%Y-%m"), month.get_phase_display() or "—", format_money(month.cost_total),
         format_money(month.value_total), "—" if month.ratio is None else str(month.ratio.quantize(Decimal("0.01")))]
        for month in months
    ]
    return {
        "title": _("Run cost and realized value"),
        "facts": facts,
        "table": {"columns": [_("Month"), _("Phase"), _("Cost"), _("Value"), _("Value / cost")], "rows": rows},
    }
