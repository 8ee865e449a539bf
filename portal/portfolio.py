"""Reads for the portfolio page, the home page flags and the managers' digest.

Every figure comes from the ledger summary (LedgerStatus, LedgerMonth) and other aggregates computed
in SQL, so the page runs a fixed number of queries whatever the number of projects."""
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case, DecimalField, F, Func, IntegerField, OuterRef, Q, QuerySet,
    Subquery, Sum, Value, When, Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import json_script
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from adr.models import Adr
from adr.selectors import no_remediation, overdue_shortcuts, reckless_in_force
from projects import clock, permissions
from projects.common.spreadsheet import safe_row
from projects.decommission.models import DecommissionRequest
from projects.decommission.selectors import has_zombie_costs, value_freed
from projects.ledger.models import LedgerMonth
from projects.ledger.months import add_months, month_start
from projects.models import HEALTH_ITEMS, Membership, Phase, Project, Team
from projects.common.money import exact_money, exact_ratio, format_money
from toil.models import TimeLog, ToilItem
from toil.selectors import WeekShare, latest_complete_week, team_weekly_share

PAGE_SIZE = 50
SPARKLINE_MONTHS = 12
MONEY = DecimalField(max_digits=30, decimal_places=14)
ZERO = Value(Decimal("0"), output_field=MONEY)

FLAGS = {
    "underwater": _("Underwater"),
    "zombie": _("Zombie costs"),
    "decommission": _("Decommission open"),
    "waiting": _("Waiting for approval"),
    "overdue": _("Overdue reckless decisions"),
    "unremediated": _("Reckless decisions without remediation"),
    "stale": _("Stale proposed ADRs"),
}
SORTS = {
    "name": "name", "team": "team__name", "phase": "phase_rank", "cost": "cost", "value": "value",
    "ratio": "ratio", "health": "health", "toil": "toil_minutes", "decisions": "open_decisions",
}
PHASE_RANK = {phase: rank for rank, phase in enumerate(Phase.values)}

# The score of projects.selectors.project_health, in SQL: items of the project's phase and the earlier
# ones count; yes is a point, partly half; "not relevant" leaves the item out.
_HEALTH_SQL = """
SELECT round(100.0 * sum(CASE h.status WHEN 'yes' THEN 1 WHEN 'partly' THEN 0.5 ELSE 0 END)
             / NULLIF(count(*) FILTER (WHERE h.status IS DISTINCT FROM 'not_relevant'), 0))
FROM (VALUES {items}) AS item(key, rank)
LEFT JOIN projects_healthcheck h ON h.project_id = "projects_project"."id" AND h.item = item.key
WHERE item.rank <= CASE "projects_project"."phase" WHEN 'conception' THEN 0 WHEN 'build' THEN 1 ELSE 2 END
"""


def _health_expression() -> RawSQL:
    ranks = {Phase.CONCEPTION: 0, Phase.BUILD: 1, Phase.RUN: 2}
    items = ", ".join("(%s, %s)" for _item in HEALTH_ITEMS)
    params = [value for item in HEALTH_ITEMS for value in (item.key, ranks[item.phase])]
    return RawSQL(_HEALTH_SQL.format(items=items), params, output_field=IntegerField())


def trailing_window(today: date | None = None) -> tuple[date, date]:
    """The complete months the underwater flag looks at: [start, end)."""
    end = month_start(today or clock.today())
    return add_months(end, -settings.LEDGER_UNDERWATER_WINDOW_MONTHS), end


def _count(queryset: QuerySet) -> Coalesce:
    """How many rows of a correlated queryset, as one scalar subquery (no GROUP BY)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _decision_annotations() -> dict:
    """Per project, from the ADR app's matrix: open conscious+reckless decisions, the overdue ones
    (past their revisit date with the remediation unfinished or missing), those without any remediation
    ticket, and stale proposed ADRs."""
    mine = {"project": OuterRef("pk")}
    return {
        "open_decisions": _count(reckless_in_force(Adr.objects.filter(**mine))),
        "overdue_decisions": _count(overdue_shortcuts(Adr.objects.filter(**mine))),
        "unremediated_decisions": _count(no_remediation(Adr.objects.filter(**mine))),
        "stale_adrs": _count(Adr.objects.stale().filter(**mine)),
    }


def _toil_logs(today: date | None = None) -> QuerySet[TimeLog]:
    start, end = trailing_window(today)
    return TimeLog.objects.filter(item__classification=ToilItem.Classification.TOIL, logged_on__gte=start, logged_on__lt=end)


def toil_minutes_by_project(*, today: date | None = None) -> dict[int, int]:
    """Toil minutes logged per project over the trailing window, in one grouped query: a correlated
    subquery per project costs a hundred times more on a large portfolio."""
    return dict(_toil_logs(today).order_by().values_list("item__project_id").annotate(total=Sum("minutes")))


def with_toil_minutes(queryset: QuerySet[Project], *, today: date | None = None) -> QuerySet[Project]:
    """The same figure per row, in SQL: only for sorting the table by it."""
    per_project = (
        _toil_logs(today).filter(item__project=OuterRef("pk")).order_by().values("item__project").annotate(total=Sum("minutes")).values("total")
    )
    return queryset.annotate(toil_minutes=Coalesce(Subquery(per_project, output_field=IntegerField()), Value(0)))


def portfolio_queryset() -> QuerySet[Project]:
    """Every project with its portfolio figures, ready to filter, sort and page in SQL."""
    open_request = DecommissionRequest.objects.filter(project=OuterRef("pk"), state__in=DecommissionRequest.OPEN_STATES)
    cost = Coalesce(F("ledger_status__window_cost"), ZERO)
    value = Coalesce(F("ledger_status__window_value"), ZERO)
    return (
        Project.objects.select_related("team")
        .annotate(
            cost=cost,
            value=value,
            ratio=Case(When(ledger_status__window_cost__gt=0, then=F("value") / F("cost")), default=None, output_field=MONEY),
            underwater=Coalesce(F("ledger_status__underwater"), Value(False)),
            underwater_since=F("ledger_status__underwater_since"),
            run_months=Coalesce(F("ledger_status__run_months"), Value(0)),
            zombie=has_zombie_costs(),
            decommission_id=Subquery(open_request.values("pk")[:1]),
            decommission_state=Subquery(open_request.values("state")[:1]),
            phase_rank=Case(*[When(phase=phase, then=Value(rank)) for phase, rank in PHASE_RANK.items()], output_field=IntegerField()),
            **_decision_annotations(),
        )
    )


@dataclass
class Filters:
    team: str = ""
    phase: str = ""
    flag: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, query, team_slugs: set[str]) -> "Filters":
        """Unknown values are ignored rather than refused: a stale bookmark still opens the page."""
        sort = query.get("sort", "name")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            team=query.get("team", "") if query.get("team", "") in team_slugs else "",
            phase=query.get("phase", "") if query.get("phase", "") in Phase.values else "",
            flag=query.get("flag", "") if query.get("flag", "") in FLAGS else "",
            sort=sort if sort in SORTS else "name",
            descending=descending and sort in SORTS,
            page=page,
        )

    def query(self, **changes) -> str:
        """The URL query of these filters, with some changed: links keep the other filters."""
        values = {"team": self.team, "phase": self.phase, "flag": self.flag,
                  "sort": ("-" if self.descending else "") + self.sort, "page": self.page}
        values.update(changes)
        if values.get("sort") == "name":
            values.pop("sort")
        if values.get("page") == 1:
            values.pop("page")
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})

    def sort_query(self, column: str) -> str:
        descending = column == self.sort and not self.descending
        return self.query(sort=("-" if descending else "") + column, page=1)

    @property
    def active(self) -> bool:
        return bool(self.team or self.phase or self.flag)


def apply_filters(queryset: QuerySet[Project], filters: Filters) -> QuerySet[Project]:
    if filters.team:
        queryset = queryset.filter(team__slug=filters.team)
    if filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    flag_filters = {
        "underwater": Q(underwater=True), "zombie": Q(zombie=True), "decommission": Q(decommission_id__isnull=False),
        "waiting": Q(decommission_state=DecommissionRequest.State.PROPOSED),
        "overdue": Q(overdue_decisions__gt=0), "unremediated": Q(unremediated_decisions__gt=0),
        "stale": Q(stale_adrs__gt=0),
    }
    if filters.flag:
        queryset = queryset.filter(flag_filters[filters.flag])
    if filters.sort == "toil":
        queryset = with_toil_minutes(queryset)
    order = F(SORTS[filters.sort])
    order = order.desc(nulls_last=True) if filters.descending else order.asc(nulls_last=True)
    return queryset.order_by(order, "name", "pk")


def table_page(base: QuerySet[Project], filters: Filters) -> Page:
    """One page of the table: the ids of every match in order first (filtering and sorting compute only
    the figures they use; a few thousand integers are cheap to read and give the count too), then the
    full rows of the page's ids alone: the full row's subqueries for every project would cost more than
    the rest of the page."""
    queryset = with_health(apply_filters(base, filters))
    page = Paginator(list(queryset.values_list("pk", flat=True)), PAGE_SIZE).get_page(filters.page)
    ids = list(page.object_list)
    rows = {project.pk: project for project in queryset.order_by().filter(pk__in=ids)} if ids else {}
    page.object_list = [rows[pk] for pk in ids]
    return page


def sparklines(project_ids: list[int], *, today: date | None = None) -> dict[str, dict]:
    """The last twelve complete months of cost and value per project (the running month would always
    dip), zeros for months without entries, in one query."""
    end = month_start(today or clock.today())
    months = [add_months(end, -back) for back in range(SPARKLINE_MONTHS, 0, -1)]
    index = {month: position for position, month in enumerate(months)}
    lines = {pk: {"cost": [0.0] * SPARKLINE_MONTHS, "value": [0.0] * SPARKLINE_MONTHS} for pk in project_ids}
    rows = LedgerMonth.objects.filter(project_id__in=project_ids, month__gte=months[0], month__lte=months[-1]).values_list(
        "project_id", "month", "cost_total", "value_total"
    )
    for project_id, month, cost, value in rows:
        lines[project_id]["cost"][index[month]] = float(round(cost, 2))
        lines[project_id]["value"][index[month]] = float(round(value, 2))
    return {str(pk): line for pk, line in lines.items()}


@dataclass
class TeamShare:
    team_id: int
    name: str
    slug: str
    percent: int | None
    level: str
    capacity_hours: Decimal
    toil_hours: Decimal


def team_shares(teams: list[Team], *, today: date | None = None) -> dict[int, TeamShare]:
    """The last complete week's toil share of every team, in one query."""
    weekly = team_weekly_share([team.pk for team in teams], weeks=2, today=today)
    result = {}
    for team in teams:
        week = latest_complete_week(weekly[team.pk])
        result[team.pk] = TeamShare(
            team_id=team.pk, name=team.name, slug=team.slug,
            percent=week.percent if week else None, level=week.level if week else "none",
            capacity_hours=week.capacity_hours if week else Decimal(0), toil_hours=week.toil_hours if week else Decimal(0),
        )
    return result


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


class _Urls:
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
    url_for = _Urls()
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


ROW_FIELDS = (
    "pk", "name", "slug", "team_id", "team__name", "phase", "cost", "value", "underwater", "zombie",
    "decommission_id", "decommission_state", "open_decisions", "overdue_decisions", "unremediated_decisions", "stale_adrs",
)


def portfolio_rows(*, today: date | None = None, base: QuerySet[Project] | None = None) -> list[dict]:
    """Every project's figures and the portfolio totals (window sums, in the same query), with the
    toil minutes of each project (a second, grouped query)."""
    rows = list(
        (portfolio_queryset() if base is None else base)
        .annotate(
            total_cost=Window(Sum("ledger_status__window_cost")),
            total_value=Window(Sum("ledger_status__window_value")),
        )
        .order_by("name", "pk")
        .values(*ROW_FIELDS, "total_cost", "total_value")
    )
    toil = toil_minutes_by_project(today=today)
    for row in rows:
        row["toil_minutes"] = toil.get(row["pk"], 0)
    return rows


PHASE_COLOURS = {
    Phase.CONCEPTION: "#6c757d", Phase.BUILD: "#0d6efd", Phase.RUN: "#198754",
    Phase.DECOMMISSIONING: "#fd7e14", Phase.RETIRED: "#212529",
}


def bubble_data(rows: list[dict]) -> dict:
    """What the cost-versus-value chart draws: one bubble per project, one dataset per phase."""
    labels = dict(Phase.choices)
    datasets = {
        phase: {"label": str(labels[phase]), "backgroundColor": colour + "99", "borderColor": colour, "data": []}
        for phase, colour in PHASE_COLOURS.items()
    }
    url_for = _Urls()
    for row in rows:
        hours = row["toil_minutes"] / 60
        datasets[row["phase"]]["data"].append({
            "x": round(float(row["cost"]), 2), "y": round(float(row["value"]), 2),
            "r": round(min(30.0, 4 + hours ** 0.5 * 1.5), 1), "hours": round(hours, 1),
            "name": row["name"], "url": url_for("projects:project_detail", row["slug"]),
        })
    return {"datasets": [dataset for dataset in datasets.values() if dataset["data"]],
            "currency": settings.PORTAL_BASE_CURRENCY}


@dataclass
class Totals:
    cost: Decimal
    value: Decimal
    value_freed: Decimal
    toil_percent: int | None
    projects: int

    @property
    def ratio(self) -> Decimal | None:
        return self.value / self.cost if self.cost else None


def totals(rows: list[dict], shares: dict[int, TeamShare], *, today: date | None = None) -> Totals:
    first = rows[0] if rows else {}
    return Totals(
        cost=first.get("total_cost") or Decimal(0), value=first.get("total_value") or Decimal(0),
        value_freed=value_freed((today or clock.today()).year),
        toil_percent=WeekShare.combined(list(shares.values())).percent,
        projects=len(rows),
    )


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


def portfolio_overview(*, today: date | None = None, base: QuerySet[Project] | None = None) -> dict:
    """Alerts, totals, chart and team shares: what the page shows above the table, in five queries.
    `base` is the page's portfolio_queryset(): building one is not free, so the page builds it once."""
    teams = list(Team.objects.order_by("name"))
    rows = portfolio_rows(today=today, base=base)
    shares = team_shares(teams, today=today)
    return {
        "teams": teams,
        "rows": rows,
        "shares": shares,
        "alerts": build_alerts(rows, shares),
        "totals": totals(rows, shares, today=today),
        "bubbles": bubble_data(rows),
    }


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


def with_health(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.annotate(health=_health_expression())


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


OVERVIEW_CACHE_PREFIX = "portfolio:overview:"


def _event_models() -> list:
    """The pghistory event models: their triggers write a row on every insert and update of a tracked
    model, bulk writes and queryset updates included, so their highest ids move whenever data moves."""
    import pghistory.models
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, pghistory.models.Event) and not model._meta.proxy
            and model._meta.managed]


def data_stamp() -> str:
    """What the portfolio-wide figures were computed from, in one cheap query (index lookups only):
    the database (a recreated one starts its ids again), the last ledger rollup, the row counts of the
    tables where deletes happen, and the highest audit event id of every tracked model (projects, teams, costs, FOCUS imports,
    decommission requests, ADRs and placements, toil items and time logs...)."""
    from django.db import connection
    from projects.ledger.models import LedgerStatus

    quote = connection.ops.quote_name
    status = quote(LedgerStatus._meta.db_table)
    parts = [
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        f"(SELECT max(computed_at) FROM {status})",
    ]
    # Deletes leave no audit event: counting the rows of the tables where one happens sees them.
    parts += [f"(SELECT count(*) FROM {quote(model._meta.db_table)})" for model in (LedgerStatus, Membership, Project, Team)]
    parts += [
        f"(SELECT max({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})" for model in _event_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(str(value) for value in cursor.fetchone())


def _overview_for_page(base: QuerySet[Project] | None) -> dict:
    overview = portfolio_overview(base=base)
    # The chart's data for every project is the largest part of the page: serialised once, cached with the rest.
    overview["bubbles_json"] = json_script(overview["bubbles"], "portfolio-bubbles")
    # The page needs only each project's toil from the rows; their money figures would cost more to unpickle
    # than the rest of the page.
    overview["rows"] = [{"pk": row["pk"], "toil_minutes": row["toil_minutes"]} for row in overview["rows"]]
    return overview


def cached_overview(*, base: QuerySet[Project] | None = None) -> dict:
    """portfolio_overview() through the cache: computing it reads and walks every project (most of the
    page's time on a large portfolio), while it changes only when data does.

    The key holds data_stamp() (any insert or update of a tracked model, or a ledger rollup, gives a new
    key, so a stale entry is never read again), the day (the trailing window, overdue and stale decisions
    and the toil week move with it) and the language (alert texts are translated). A write the stamp
    cannot see (a delete in another table, an untracked raw update) shows at the latest after
    PORTFOLIO_CACHE_SECONDS. If the cache is down, the overview is computed as before."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    seconds = settings.PORTFOLIO_CACHE_SECONDS
    if not seconds:
        return _overview_for_page(base)
    stamp = "|".join((data_stamp(), clock.today().isoformat(), get_language() or ""))
    key = OVERVIEW_CACHE_PREFIX + hashlib.sha256(stamp.encode()).hexdigest()
    try:
        overview = cache.get(key)
    except Exception:  # Redis down: the page is computed as before.
        overview = None
    if overview is None:
        overview = _overview_for_page(base)
        try:
            cache.set(key, overview, seconds)
        except Exception:  # Redis down: nothing to keep it in.
            pass
    return overview
