"""The alerts panel: what needs a decision, each item with the link to act, and the same alerts as a given user
may act on them."""
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects import permissions
from projects.common.money import format_money
from projects.decommission.models import DecommissionRequest
from toil.selectors import TeamShare


@dataclass
class AlertItem:
    label: str
    detail: str
    url: str
    action: str
    subject_url: str = ""
    request_team_id: int | None = None  # the action asks for a decommission: the team's or a manager's to take
    ledger_url: str = ""  # where the others look instead


@dataclass
class Alert:
    kind: str
    title: str
    items: list[AlertItem] = field(default_factory=list)
    more_url: str = ""


class Urls:
    """Addresses for many rows: reverse() once per pattern, then fill in; reverse() per row costs more
    than the whole query on a large portfolio."""

    def __init__(self):
        marker = "__key__"
        self.patterns = {
            name: reverse(name, kwargs={key: marker if key == "slug" else 999999999}).replace("999999999", marker)
            for name, key in (
                ("projects:project_detail", "slug"), ("decommission:new", "slug"), ("ledger:project_ledger", "slug"),
                ("decommission:detail", "pk"), ("projects:team_detail", "slug"),
            )
        }

    def __call__(self, name: str, key) -> str:
        return self.patterns[name].replace("__key__", str(key))


def build_alerts(rows: list[dict], shares: dict[int, TeamShare]) -> list[Alert]:
    """The alerts panel from the portfolio-wide rows; each item links to where to act."""
    portfolio = reverse("portal:portfolio")
    underwater = Alert("underwater", str(_("Underwater: decommission candidates")), more_url=f"{portfolio}?flag=underwater")
    zombie = Alert("zombie", str(_("Zombie costs after retirement")), more_url=f"{portfolio}?flag=zombie")
    waiting = Alert("waiting", str(_("Decommissions waiting for approval")), more_url=f"{portfolio}?flag=waiting")
    overdue = Alert("overdue", str(_("Overdue reckless decisions")), more_url=f"{portfolio}?flag=overdue")
    stale = Alert("stale", str(_("Stale proposed ADRs")), more_url=f"{portfolio}?flag=stale")
    overcap = Alert("overcap", str(_("Teams above the toil cap")))
    url_for = Urls()
    labels = {
        "see": str(_("See the request")), "request": str(_("Request decommissioning")),
        "window": str(_("cost %(cost)s, value %(value)s over the trailing window")),
    }
    for row in rows:
        project_url = url_for("projects:project_detail", row["slug"])
        if row["underwater"]:
            if row["decommission_id"]:
                url, action = url_for("decommission:detail", row["decommission_id"]), labels["see"]
            else:
                url, action = url_for("decommission:new", row["slug"]), labels["request"]
            detail = labels["window"] % {
                "cost": format_money(row["cost"], whole=True), "value": format_money(row["value"], whole=True)}
            team_id = None if row["decommission_id"] else row["team_id"]
            underwater.items.append(AlertItem(
                row["name"], detail, url, action, project_url, team_id, url_for("ledger:project_ledger", row["slug"]),
            ))
        if row["zombie"]:
            zombie.items.append(AlertItem(
                row["name"], str(_("retired, yet costs keep arriving")),
                url_for("ledger:project_ledger", row["slug"]),
                str(_("See the costs")), project_url,
            ))
        if row["decommission_state"] == DecommissionRequest.State.PROPOSED:
            waiting.items.append(AlertItem(
                row["name"], str(_("requested, no manager has decided yet")),
                url_for("decommission:detail", row["decommission_id"]), str(_("Approve or reject")), project_url,
            ))
        if row["overdue_decisions"]:
            overdue.items.append(AlertItem(
                row["name"], ngettext("%(count)s reckless decision past its revisit date", "%(count)s reckless decisions past their revisit date", row["overdue_decisions"]) % {"count": row["overdue_decisions"]},
                reverse("adr:matrix") + "?" + urlencode({"project": row["slug"]}), str(_("Revisit")), project_url,
            ))
        if row["stale_adrs"]:
            stale.items.append(AlertItem(
                row["name"], ngettext("%(count)s ADR proposed long ago and still undecided", "%(count)s ADRs proposed long ago and still undecided", row["stale_adrs"]) % {"count": row["stale_adrs"]},
                reverse("adr:decision_list") + "?" + urlencode({"project": row["slug"], "status": "stale"}), str(_("Review")),
                project_url,
            ))
    for share in shares.values():
        if share.level == "alert":
            overcap.items.append(AlertItem(
                share.name, str(_("%(percent)s%% of last week's capacity went to toil")) % {"percent": share.percent},
                reverse("toil:board") + "?" + urlencode({"team": share.slug}), str(_("See the toil")),
                url_for("projects:team_detail", share.slug),
            ))
    return [alert for alert in (underwater, overdue, overcap, zombie, waiting, stale) if alert.items]


def alerts_for(user, alerts: list[Alert]) -> list[Alert]:
    """The cached alerts as `user` may act on them: a decommission request they may not make becomes a link
    to the project's ledger (the figures behind the flag)."""
    def allowed(item: AlertItem) -> bool:
        # permissions.can_request_decommission, from the team id the cached row carries
        return item.request_team_id is None or permissions.is_manager(user) or permissions.can_edit_team_work(user, item.request_team_id)

    see_ledger = str(_("See the ledger"))
    return [
        replace(alert, items=[
            item if allowed(item) else replace(item, url=item.ledger_url, action=see_ledger, request_team_id=None)
            for item in alert.items
        ])
        for alert in alerts
    ]
