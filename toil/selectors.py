"""Reads for the toil pages: the board, the weekly toil share, before/after gains, monthly costs; and the toil
figures other pages compose: toil minutes per project over the trailing window (toil_minutes_by_project,
with_toil_minutes) and every team's last complete week (team_shares). Every aggregate is computed in SQL."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Lag, RowNumber
from django.utils.translation import gettext as _

from projects import clock
from projects.common import search
from projects.ledger.months import trailing_window
from projects.models import Project, Team
from toil.models import TimeLog, ToilItem, WipLimit

BOARD_COLUMN_LIMIT = 60
DAYS_PER_MONTH = Decimal("30.44")


@dataclass(frozen=True)
class Wip:
    """A column against its team's WIP limit: the team's items in that status, whatever the board's filter."""
    count: int
    limit: int

    @property
    def level(self) -> str:
        """"over" past the limit, "full" at it, else "ok"."""
        return "over" if self.count > self.limit else "full" if self.count == self.limit else "ok"


def wip(team: Team) -> dict[str, Wip]:
    """Per board column with a limit: the team's count against it. Two queries."""
    limits = dict(WipLimit.objects.filter(team=team, limit__isnull=False).values_list("status", "limit"))
    if not limits:
        return {}
    counts = wip_counts(team)
    return {status: Wip(count=counts.get(status, 0), limit=limit) for status, limit in limits.items()}


def wip_counts(team: Team) -> dict[str, int]:
    """The team's toil items per status, over all its projects."""
    items = ToilItem.objects.filter(project__team=team).order_by()
    return dict(items.values_list("status").annotate(total=Count("pk")).values_list("status", "total"))


def wip_limits(team: Team) -> dict[str, int | None]:
    """The team's limit per column, None where it has none: what the settings form starts from."""
    limits = dict(WipLimit.objects.filter(team=team).values_list("status", "limit"))
    return {status: limits.get(status) for status in ToilItem.Status.values}


@dataclass(frozen=True)
class Column:
    status: str
    label: str
    items: list
    total: int
    wip: Wip | None = None

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)


def board_items(queryset: QuerySet[ToilItem], *, today: date | None = None) -> QuerySet[ToilItem]:
    """Cards with what a card shows: project, team, owner and the minutes logged in the last 30 days."""
    since = (today or clock.today()) - timedelta(days=30)
    recent = (
        TimeLog.objects.filter(item=OuterRef("pk"), logged_on__gt=since)
        .order_by()
        .values("item")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return queryset.select_related("project__team", "owner").annotate(
        recent_minutes=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0))
    )


def board_columns(queryset: QuerySet[ToilItem], *, today: date | None = None, team: Team | None = None) -> list[Column]:
    """One column per status, each capped so the page stays small whatever the backlog's size; with a team,
    each column carries the team's WIP count against its limit."""
    limits = wip(team) if team is not None else {}
    totals = dict(queryset.order_by().values_list("status").annotate(count=Count("pk")))
    cards = board_items(queryset, today=today).order_by("status", "-updated_at", "pk")
    per_status: dict[str, list] = {status: [] for status in ToilItem.Status.values}
    # One query per column would grow with the statuses; a window function keeps it to one.
    ranked = cards.annotate(
        rank=Window(RowNumber(), partition_by=[F("status")], order_by=[F("updated_at").desc(), F("pk").asc()])
    ).filter(rank__lte=BOARD_COLUMN_LIMIT)
    for item in ranked:
        per_status[item.status].append(item)
    return [
        Column(status=status, label=label, items=per_status[status], total=totals.get(status, 0), wip=limits.get(status))
        for status, label in ToilItem.Status.choices
    ]


@dataclass(frozen=True)
class WeekShare:
    """The toil share of a week: logged toil hours ÷ capacity hours, judged against the cap."""
    week: date | None
    capacity_hours: Decimal
    toil_hours: Decimal

    @classmethod
    def combined(cls, shares: list) -> "WeekShare":
        """Several teams' weeks as one (anything with capacity_hours and toil_hours): the hours summed, then divided."""
        return cls(
            week=None, capacity_hours=sum((share.capacity_hours for share in shares), Decimal(0)),
            toil_hours=sum((share.toil_hours for share in shares), Decimal(0)),
        )

    @property
    def share(self) -> Decimal | None:
        if not self.capacity_hours:
            return None
        return self.toil_hours / self.capacity_hours

    @property
    def percent(self) -> int | None:
        return None if self.share is None else int(round(self.share * 100))

    @property
    def level(self) -> str:
        return share_level(self.share)


def share_level(share: Decimal | None) -> str:
    """"alert" at or above the cap (50% by default), "warning" from one third, else "ok"."""
    if share is None:
        return "none"
    if share >= Decimal(str(settings.TOIL_SHARE_CAP)):
        return "alert"
    if share >= Decimal(str(settings.TOIL_SHARE_WARNING)):
        return "warning"
    return "ok"


_SHARE_SQL = """
WITH weeks AS (
    SELECT team.id AS team_id, week::date AS week
    FROM projects_team team
    CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '7 days') AS week
    WHERE team.id = ANY(%(teams)s)
),
workdays AS (
    SELECT weeks.team_id, weeks.week, day::date AS day
    FROM weeks
    CROSS JOIN LATERAL generate_series(weeks.week, weeks.week + 4, interval '1 day') AS day
    WHERE day::date <= %(today)s
),
capacity AS (
    SELECT workdays.team_id, workdays.week, SUM(membership.weekly_hours / 5) AS hours
    FROM workdays
    JOIN projects_membership membership
      ON membership.team_id = workdays.team_id AND membership.joined_on <= workdays.day
    GROUP BY workdays.team_id, workdays.week
),
toil AS (
    SELECT project.team_id, date_trunc('week', log.logged_on)::date AS week, SUM(log.minutes) / 60.0 AS hours
    FROM toil_timelog log
    JOIN toil_toilitem item ON item.id = log.item_id
    JOIN projects_project project ON project.id = item.project_id
    WHERE project.team_id = ANY(%(teams)s) AND item.classification = 'toil'
      AND log.logged_on >= %(first)s AND log.logged_on <= %(today)s
    GROUP BY project.team_id, date_trunc('week', log.logged_on)
)
SELECT weeks.team_id, weeks.week, COALESCE(capacity.hours, 0), COALESCE(toil.hours, 0)
FROM weeks
LEFT JOIN capacity ON capacity.team_id = weeks.team_id AND capacity.week = weeks.week
LEFT JOIN toil ON toil.team_id = weeks.team_id AND toil.week = weeks.week
ORDER BY weeks.team_id, weeks.week
"""


def team_weekly_share(team_ids: list[int], *, weeks: int = 12, today: date | None = None) -> dict[int, list[WeekShare]]:
    """Per team and ISO week: logged toil hours ÷ capacity hours, in one query.

    Capacity is each member's weekly hours spread over five working days, counted from the day they
    joined; the current week counts only the working days up to today.
    """
    today = today or clock.today()
    last = today - timedelta(days=today.weekday())
    first = last - timedelta(weeks=weeks - 1)
    result: dict[int, list[WeekShare]] = {team_id: [] for team_id in team_ids}
    if not team_ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(_SHARE_SQL, {"teams": list(team_ids), "first": first, "last": last, "today": today})
        for team_id, week, capacity, toil in cursor.fetchall():
            result[team_id].append(
                WeekShare(week=week, capacity_hours=Decimal(capacity).quantize(Decimal("0.01")),
                          toil_hours=Decimal(toil).quantize(Decimal("0.01")))
            )
    return result


def share_chart_data(shares: list[WeekShare]) -> dict:
    """What the chart script draws: the weeks, the share in percent, the cap and the warning line."""
    cap, warning = int(round(settings.TOIL_SHARE_CAP * 100)), int(round(settings.TOIL_SHARE_WARNING * 100))
    return {
        "labels": [share.week.isoformat() for share in shares],
        "share": [share.percent for share in shares],
        # Each bar's level by share_level, so the bars, their legend and the badges agree.
        "levels": [share.level for share in shares],
        "cap": cap,
        "warning": warning,
        "names": {
            "ok": str(_("Under control")), "warning": str(_("Warning")), "alert": str(_("Above the cap")),
            "cap": str(_("Cap (%(percent)s%%)") % {"percent": cap}),
            "warning_line": str(_("Warning from %(percent)s%%") % {"percent": warning}),
        },
    }


def latest_complete_week(shares: list[WeekShare]) -> WeekShare | None:
    """The last full week when there is one: the running week is still partial."""
    if len(shares) >= 2:
        return shares[-2]
    return shares[-1] if shares else None


@dataclass
class TeamShare:
    """A team's last complete week of toil, as the portfolio and the digest show it."""
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


def _window_toil_logs(today: date | None = None) -> QuerySet[TimeLog]:
    start, end = trailing_window(today)
    return TimeLog.objects.filter(item__classification=ToilItem.Classification.TOIL, logged_on__gte=start, logged_on__lt=end)


def toil_minutes_by_project(*, today: date | None = None) -> dict[int, int]:
    """Toil minutes logged per project over the ledger's trailing window, in one grouped query: a correlated
    subquery per project costs a hundred times more on a large portfolio."""
    return dict(_window_toil_logs(today).order_by().values_list("item__project_id").annotate(total=Sum("minutes")))


def with_toil_minutes(projects: QuerySet[Project], *, today: date | None = None) -> QuerySet[Project]:
    """The same figure per row (`toil_minutes`), in SQL: only for sorting by it."""
    per_project = (
        _window_toil_logs(today).filter(item__project=OuterRef("pk")).order_by().values("item__project")
        .annotate(total=Sum("minutes")).values("total")
    )
    return projects.annotate(toil_minutes=Coalesce(Subquery(per_project, output_field=IntegerField()), Value(0)))


@dataclass(frozen=True)
class Gain:
    window_days: int
    before_hours_per_month: Decimal
    after_hours_per_month: Decimal
    estimated_payback_months: Decimal | None
    effort_hours: Decimal | None

    @property
    def saved_hours_per_month(self) -> Decimal:
        return self.before_hours_per_month - self.after_hours_per_month

    @property
    def actual_payback_months(self) -> Decimal | None:
        """The effort paid back by the hours really saved, in months."""
        if self.effort_hours is None or self.saved_hours_per_month <= 0:
            return None
        return (self.effort_hours / self.saved_hours_per_month).quantize(Decimal("0.1"))

    @property
    def measurable(self) -> bool:
        return self.window_days > 0


def item_gain(item: ToilItem, *, today: date | None = None) -> Gain | None:
    """Measure, improve, measure again: logged hours per month before and after the item was
    automated or eliminated, over two windows of the same length."""
    if item.status not in ToilItem.GAINED or item.finished_on is None:
        return None
    today = today or clock.today()
    first_log = item.logs.order_by("logged_on").values_list("logged_on", flat=True).first()
    before_days = (item.finished_on - first_log).days if first_log else 0
    after_days = (today - item.finished_on).days
    window = max(0, min(before_days, after_days))
    start, end = item.finished_on - timedelta(days=window), item.finished_on + timedelta(days=window)
    totals = item.logs.aggregate(
        before=Coalesce(Sum("minutes", filter=Q(logged_on__gte=start, logged_on__lt=item.finished_on)), 0),
        after=Coalesce(Sum("minutes", filter=Q(logged_on__gte=item.finished_on, logged_on__lt=end)), 0),
    )
    scale = DAYS_PER_MONTH / window / 60 if window else Decimal(0)
    return Gain(
        window_days=window,
        before_hours_per_month=(Decimal(totals["before"]) * scale).quantize(Decimal("0.1")),
        after_hours_per_month=(Decimal(totals["after"]) * scale).quantize(Decimal("0.1")),
        estimated_payback_months=item.estimated_payback_months,
        effort_hours=item.automation_effort_hours,
    )


def item_log_totals(item: ToilItem) -> dict:
    return item.logs.aggregate(
        total_minutes=Coalesce(Sum("minutes"), 0), count=Count("pk"),
    )


def item_logs(item: ToilItem, *, limit: int = 50) -> list[TimeLog]:
    return list(item.logs.select_related("user", "logged_by")[:limit])


def team_log_totals(team: Team) -> dict:
    return TimeLog.objects.filter(item__project__team=team).aggregate(total_minutes=Coalesce(Sum("minutes"), 0))


@dataclass(frozen=True)
class MonthCost:
    month: date
    hours: Decimal  # rounded for display, like amount
    amount: Decimal
    minutes: int


_COST_SQL = """
SELECT date_trunc('month', log.logged_on)::date AS month,
       COALESCE(SUM(log.minutes) FILTER (WHERE item.classification = 'toil'), 0) AS minutes,
       team.hourly_rate
FROM toil_timelog log
JOIN toil_toilitem item ON item.id = log.item_id
JOIN projects_project project ON project.id = item.project_id
JOIN projects_team team ON team.id = project.team_id
WHERE project.id = %(project)s
GROUP BY date_trunc('month', log.logged_on), team.hourly_rate
ORDER BY month
"""


def toil_cost_by_month(*, project_id: int) -> list[MonthCost]:
    """Per month with any log: toil hours and their cost at the team's hourly rate.

    Months whose logs are no longer toil (an item reclassified) come out at zero, so the ledger's
    figure is reset rather than left stale.
    """
    with connection.cursor() as cursor:
        cursor.execute(_COST_SQL, {"project": project_id})
        rows = cursor.fetchall()
    result = []
    for month, minutes, rate in rows:
        hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
        amount = (Decimal(minutes) * rate / 60).quantize(Decimal("0.01"))
        result.append(MonthCost(month=month, hours=hours, amount=amount, minutes=int(minutes)))
    return result


def project_summary(project: Project, *, today: date | None = None) -> dict:
    """The project panel's figures, in one query."""
    since = (today or clock.today()) - timedelta(days=30)
    open_statuses = [s for s in ToilItem.Status.values if s not in ToilItem.FINISHED and s != ToilItem.Status.ACCEPTED]
    return ToilItem.objects.filter(project=project).aggregate(
        open_items=Count("pk", filter=Q(status__in=open_statuses), distinct=True),
        finished_items=Count("pk", filter=Q(status__in=ToilItem.FINISHED), distinct=True),
        recent_minutes=Coalesce(
            Sum("logs__minutes", filter=Q(logs__logged_on__gt=since, classification=ToilItem.Classification.TOIL)), 0
        ),
    )


def team_share_panel(team: Team, *, weeks: int = 12, today: date | None = None) -> dict:
    """Everything the share card shows for one team: weekly figures, chart data, the latest full week."""
    shares = team_weekly_share([team.pk], weeks=weeks, today=today)[team.pk]
    return {
        "team": team,
        "shares": shares,
        "chart": share_chart_data(shares),
        "chart_id": f"toil-share-data-{team.pk}",
        "latest": latest_complete_week(shares),
    }


@dataclass(frozen=True)
class Move:
    at: object
    from_status: str
    to_status: str
    by: str


def item_moves(item: ToilItem, *, limit: int = 50) -> list[Move]:
    """The item's moves across the board, read from its audit trail (who, when, from, to)."""
    events = (
        ToilItem.pgh_event_models["update"].objects.filter(pgh_obj=item)
        .annotate(previous=Window(Lag("status"), order_by=[F("pgh_id").asc()]))
        .values("pgh_created_at", "status", "previous", "pgh_context__metadata")
        .order_by("-pgh_id")
    )
    changes = [event for event in events if event["previous"] is not None and event["previous"] != event["status"]][:limit]
    user_ids = {(event["pgh_context__metadata"] or {}).get("user") for event in changes} - {None}
    names = {
        user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=user_ids)
    } if user_ids else {}
    labels = dict(ToilItem.Status.choices)
    return [
        Move(
            at=event["pgh_created_at"], from_status=labels.get(event["previous"], event["previous"]),
            to_status=labels.get(event["status"], event["status"]),
            by=names.get((event["pgh_context__metadata"] or {}).get("user"), ""),
        )
        for event in changes
    ]


def search_toil_items(query: SearchQuery, *, limit: int) -> list[ToilItem]:
    """Toil items whose title or description hold the words, best first."""
    document = search.vector("title") + search.vector("description", "strategy_reason", weight="C")
    return list(search.matching(ToilItem.objects.select_related("project", "owner"), document, query)[:limit])
