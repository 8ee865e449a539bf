"""The portfolio table: every project with the figures each app exports, filtered, sorted and paged in SQL."""
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from adr.selectors import with_decision_counts
from projects.decommission.models import DecommissionRequest
from projects.decommission.selectors import with_open_request
from projects.ledger.selectors import with_window_figures
from projects.models import Phase, Project
from projects.selectors import with_health, with_phase_rank
from toil.selectors import with_toil_minutes

PAGE_SIZE = 50

FLAGS = {
    "underwater": _("Underwater"),
    "zombie": _("Zombie costs"),
    "decommission": _("Decommission open"),
    "waiting": _("Waiting for approval"),
    "overdue": _("Overdue reckless decisions"),
    "unremediated": _("Reckless decisions without remediation"),
    "stale": _("Stale proposed ADRs"),
}
FLAG_FILTERS = {
    "underwater": Q(underwater=True), "zombie": Q(zombie=True), "decommission": Q(decommission_id__isnull=False),
    "waiting": Q(decommission_state=DecommissionRequest.State.PROPOSED),
    "overdue": Q(overdue_decisions__gt=0), "unremediated": Q(unremediated_decisions__gt=0),
    "stale": Q(stale_adrs__gt=0),
}
SORTS = {
    "name": "name", "team": "team__name", "phase": "phase_rank", "cost": "cost", "value": "value",
    "ratio": "ratio", "health": "health", "toil": "toil_minutes", "decisions": "open_decisions",
}


def portfolio_queryset() -> QuerySet[Project]:
    """Every project with its portfolio figures, ready to filter, sort and page in SQL: the ledger's window
    figures, the open decommission request, the phase's rank and the decision counts."""
    projects = Project.objects.select_related("team")
    for annotate in (with_window_figures, with_open_request, with_phase_rank, with_decision_counts):
        projects = annotate(projects)
    return projects


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
    if filters.flag:
        queryset = queryset.filter(FLAG_FILTERS[filters.flag])
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
