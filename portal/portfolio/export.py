"""The portfolio outside the browser: the CSV of the filtered table and the managers' weekly digest."""
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.portfolio.alerts import Alert
from portal.portfolio.overview import Totals
from projects.common.money import exact_money, exact_ratio, format_money
from projects.common.spreadsheet import safe_row
from projects.decommission.models import DecommissionRequest
from projects.models import Phase, Project
from toil.selectors import TeamShare


CSV_COLUMNS = (
    ("name", _("Project")), ("team", _("Team")), ("phase", _("Phase")), ("cost", _("Run cost (window)")),
    ("value", _("Realized value (window)")), ("ratio", _("Value ÷ cost")), ("toil_hours", _("Toil hours (window)")),
    ("team_toil_percent", _("Team toil share %")), ("open_decisions", _("Open conscious+reckless decisions")),
    ("overdue_decisions", _("Overdue decisions")), ("unremediated_decisions", _("Decisions without remediation")), ("health", _("Health score")), ("underwater", _("Underwater")),
    ("zombie", _("Zombie costs")), ("decommission", _("Decommission")), ("url", _("Address")),
)


def csv_rows(queryset: QuerySet[Project], shares: dict[int, TeamShare], toil: dict[int, int], base_url: str):
    """The header and one line per project of the filtered list, every cell neutralised."""
    phases = dict(Phase.choices)
    states = dict(DecommissionRequest.State.choices)
    yield safe_row(str(label) for _key, label in CSV_COLUMNS)
    for project in queryset.iterator(chunk_size=500):
        share = shares.get(project.team_id)
        yield safe_row("" if cell is None else str(cell) for cell in (
            project.name, project.team.name, phases[project.phase], exact_money(project.cost), exact_money(project.value),
            "" if project.ratio is None else exact_ratio(project.ratio), f"{toil.get(project.pk, 0) / 60:.1f}",
            "" if share is None or share.percent is None else share.percent, project.open_decisions,
            project.overdue_decisions, project.unremediated_decisions, "" if project.health is None else project.health,
            "yes" if project.underwater else "no", "yes" if project.zombie else "no",
            states.get(project.decommission_state, ""), base_url + project.get_absolute_url(),
        ))


def digest_text(alerts: list[Alert], summary: Totals, base_url: str) -> str:
    """The alerts panel as plain text for the weekly email, every item with the link to act."""
    base = base_url.rstrip("/")
    lines = [
        str(_("Portfolio: %(count)s projects, run cost %(cost)s, value %(value)s over the trailing window.")) % {
            "count": summary.projects, "cost": format_money(summary.cost, whole=True), "value": format_money(summary.value, whole=True)},
        "",
    ]
    if not alerts:
        lines.append(str(_("Nothing needs a decision this week.")))
    for alert in alerts:
        lines.append(f"{alert.title} ({len(alert.items)})")
        lines.extend(f"- {item.label}: {item.detail}. {item.action}: {base}{item.url}" for item in alert.items)
        lines.append("")
    lines.append(str(_("The whole portfolio: %(url)s")) % {"url": base + reverse("portal:portfolio")})
    return "\n".join(lines).strip() + "\n"
