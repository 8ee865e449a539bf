"""Reads for the decision pages: lists with filters and full-text search, one record with its history; and the
decision figures other pages compose: each project's open, overdue, unremediated and stale decisions
(with_decision_counts)."""
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, Value, Window
from django.db.models.functions import Concat, RowNumber, TruncQuarter

from adr import remediation
from adr.models import SEARCHED_SECTIONS, Adr, AdrRevision, Cell, Comment, OneOffTicket, Placement, Review, Status, stale_q
from projects import clock
from projects.common import search
from projects.common.queries import count_of
from projects.models import Project


def decision_list(*, project: str = "", team: str = "", status: str = "", tag: str = "", maker: str = "", q: str = "") -> QuerySet:
    """The portfolio list, every filter optional; ranked by relevance when searching."""
    adrs = Adr.objects.select_related("project", "project__team", "author").prefetch_related(
        Prefetch("decision_makers", queryset=User.objects.only("username", "first_name", "last_name"))
    )
    if project:
        adrs = adrs.filter(project__slug=project)
    if team:
        adrs = adrs.filter(project__team__slug=team)
    if status == "stale":
        adrs = adrs.stale()
    elif status:
        adrs = adrs.filter(status=status)
    if tag:
        adrs = adrs.filter(tags__contains=[tag])
    if maker:
        adrs = adrs.filter(Q(decision_makers__username=maker) | Q(decision_makers_external__contains=[maker])).distinct()
    if q:
        query = SearchQuery(q, search_type="websearch", config="english")
        return adrs.filter(search=query).annotate(rank=SearchRank(F("search"), query)).order_by("-rank", "project__name", "number")
    return adrs.order_by("project__name", "number")


def decisions_placed(*, cell: str = "", **filters) -> QuerySet:
    """The decision list with each record's current cell on the matrix and its revisit date; one cell
    only when `cell` is given."""
    adrs = _with_current_placement(decision_list(**filters))
    return adrs.filter(current_cell=cell) if cell else adrs


def filter_choices() -> dict:
    return {
        "projects": Project.objects.order_by("name").values_list("slug", "name"),
        "teams": Project.objects.values_list("team__slug", "team__name").distinct().order_by("team__name"),
        "tags": sorted({tag for tags in Adr.objects.values_list("tags", flat=True) for tag in tags}),
        "makers": User.objects.filter(adrs_deciding__isnull=False).distinct().order_by("username").values_list("username", flat=True),
    }


def project_adrs(project: Project) -> QuerySet:
    return (
        Adr.objects.filter(project=project)
        .select_related("author")
        .annotate(comment_count=Count("comments", filter=Q(comments__removed_at__isnull=True)))
        .order_by("number")
    )


def adr_detail(project: Project, number: int) -> Adr:
    return (
        Adr.objects.select_related("project", "project__team", "author")
        .prefetch_related(
            "decision_makers", "consulted", "informed", "relates_to", "supersedes", "superseded_by",
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
            Prefetch("comments", queryset=Comment.objects.filter(removed_at__isnull=True).select_related("author")),
            Prefetch("placements", queryset=Placement.objects.select_related("placed_by")),
            Prefetch("revisions", queryset=AdrRevision.objects.select_related("changed_by").defer("content").order_by("-version")),
        )
        .get(project=project, number=number)
    )


def stale_adrs() -> QuerySet:
    return (
        Adr.objects.stale()
        .select_related("project", "author")
        .order_by("created_at")
    )


def project_summary(project: Project) -> dict:
    counts = Adr.objects.filter(project=project).aggregate(
        total=Count("pk"),
        proposed=Count("pk", filter=Q(status=Status.PROPOSED)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
        stale=Count("pk", filter=stale_q()),
    )
    latest = list(Adr.objects.filter(project=project).order_by("-number").only("number", "title", "status", "project_id")[:5])
    cells = dict(
        _with_current_placement(Adr.objects.filter(project=project).in_force())
        .order_by().values_list("current_cell").annotate(total=Count("pk")).values_list("current_cell", "total")
    )
    return {"counts": counts, "latest": latest, "cells": [(value, label, cells.get(value, 0)) for value, label in Cell.choices],
            "unplaced": cells.get(None, 0)}


def reckless_in_force(adrs: QuerySet | None = None) -> QuerySet:
    """Decisions in force whose current placement is conscious and reckless: the shortcuts taken on purpose
    that are still being lived with. Overdue and without remediation start from it."""
    adrs = Adr.objects.all() if adrs is None else adrs
    return _with_current_placement(adrs.in_force()).filter(current_cell=Cell.CONSCIOUS_RECKLESS)


def overdue_shortcuts(adrs: QuerySet | None = None) -> QuerySet:
    """Reckless decisions in force past their revisit date while a remediation ticket is unfinished, or while
    there is none at all."""
    return _overdue(reckless_in_force(adrs)).select_related("project").order_by("current_revisit_by")


def overdue_one_off_tickets(tickets: QuerySet | None = None) -> QuerySet:
    """One-off remediation tickets that are late (open past their due date), or still open on a decision
    overdue for its revisit, as a recurring ticket is."""
    tickets = OneOffTicket.objects.all() if tickets is None else tickets
    return tickets.late() | tickets.open().filter(adr__in=overdue_shortcuts().values("pk"))


def remediation_flags(adr: Adr) -> dict[str, bool]:
    """The decision page's flags, by the definitions every list and count uses."""
    one = Adr.objects.filter(pk=adr.pk)
    return one.values(no_remediation=Exists(no_remediation(one)), overdue=Exists(overdue_shortcuts(one))).get()


def _overdue(reckless: QuerySet) -> QuerySet:
    return reckless.filter(current_revisit_by__lt=clock.today()).filter(Q(has_ticket=False) | Q(has_open_ticket=True))


def _tickets() -> QuerySet:
    """Recurring remediation tickets: toil items pointing at their decision (the toil app owns the model)."""
    return Adr._meta.get_field("remediation_tickets").related_model.objects.filter(remediates=OuterRef("pk"))


def _one_off_tickets() -> QuerySet:
    return OneOffTicket.objects.filter(adr=OuterRef("pk"))


def _with_current_placement(adrs: QuerySet) -> QuerySet:
    latest = Placement.objects.filter(adr=OuterRef("pk")).order_by("-placed_at", "-pk")
    return adrs.annotate(
        current_cell=Subquery(latest.values("cell")[:1]), current_revisit_by=Subquery(latest.values("revisit_by")[:1]),
        has_ticket=ExpressionWrapper(Exists(_tickets()) | Exists(_one_off_tickets()), output_field=BooleanField()),
        has_open_ticket=ExpressionWrapper(
            Exists(_tickets().exclude(status__in=remediation.finished())) | Exists(_one_off_tickets().open()),
            output_field=BooleanField(),
        ),
    )


def placed(adrs: QuerySet) -> QuerySet:
    """The decisions with their current cell and revisit date (`current_cell`, `current_revisit_by`)."""
    return _with_current_placement(adrs)


def no_remediation(adrs: QuerySet | None = None) -> QuerySet:
    """Reckless decisions in force with no remediation ticket yet."""
    return reckless_in_force(adrs).filter(has_ticket=False)


def with_decision_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Per project, from the matrix: open conscious+reckless decisions (`open_decisions`), the overdue ones
    (`overdue_decisions`), those without any remediation ticket (`unremediated_decisions`), and stale proposed
    ADRs (`stale_adrs`)."""
    mine = {"project": OuterRef("pk")}
    return projects.annotate(
        open_decisions=count_of(reckless_in_force(Adr.objects.filter(**mine))),
        overdue_decisions=count_of(overdue_shortcuts(Adr.objects.filter(**mine))),
        unremediated_decisions=count_of(no_remediation(Adr.objects.filter(**mine))),
        stale_adrs=count_of(Adr.objects.stale().filter(**mine)),
    )


def matrix(*, team: str = "", project: str = "", since=None, until=None, cell: str = "", cards_per_cell: int = 12) -> dict:
    """The 2×2 grid of the decisions in force: per cell its count and first cards; plus overdue shortcuts and
    unplaced decisions. A fixed number of queries whatever the number of decisions."""
    adrs = Adr.objects.in_force()
    if team:
        adrs = adrs.filter(project__team__slug=team)
    if project:
        adrs = adrs.filter(project__slug=project)
    if since:
        adrs = adrs.filter(decided_on__gte=since)
    if until:
        adrs = adrs.filter(decided_on__lte=until)
    placed = _with_current_placement(adrs)
    counts = dict(placed.order_by().values_list("current_cell").annotate(total=Count("pk")).values_list("current_cell", "total"))
    ranked = placed.filter(current_cell__isnull=False).annotate(
        position=Window(RowNumber(), partition_by=[F("current_cell")], order_by=[F("project__name").asc(), F("number").asc()])
    )
    cards: dict[str, list] = {value: [] for value in Cell.values}
    shown = Adr.objects.filter(pk__in=Subquery(ranked.filter(position__lte=cards_per_cell).values("pk")))
    for adr in _with_current_placement(shown).select_related("project").order_by("project__name", "number"):
        cards[adr.current_cell].append(adr)
    overdue = list(overdue_shortcuts(adrs)[:50])
    unplaced = list(placed.filter(current_cell__isnull=True).select_related("project").order_by("project__name", "number")[:50])
    listed = None
    if cell in Cell.values:
        listed = list(placed.filter(current_cell=cell).select_related("project").order_by("project__name", "number")[:200])
    return {
        "cells": [{"value": value, "label": label, "count": counts.get(value, 0), "cards": cards[value]} for value, label in Cell.choices],
        "unplaced_count": counts.get(None, 0), "overdue": overdue, "unplaced": unplaced, "listed": listed, "listed_cell": cell,
    }


def matrix_by_quarter(*, team: str = "", project: str = "") -> dict:
    """Share of each cell among the placements made in each quarter, for the chart."""
    placements = Placement.objects.all()
    if team:
        placements = placements.filter(adr__project__team__slug=team)
    if project:
        placements = placements.filter(adr__project__slug=project)
    rows = placements.annotate(quarter=TruncQuarter("placed_at")).values("quarter", "cell").annotate(total=Count("pk")).order_by("quarter")
    quarters: dict[str, dict[str, int]] = {}
    for row in rows:
        label = f"{row['quarter'].year} Q{(row['quarter'].month - 1) // 3 + 1}"
        quarters.setdefault(label, {value: 0 for value in Cell.values})[row["cell"]] = row["total"]
    labels = list(quarters)
    datasets = []
    for value, label in Cell.choices:
        shares = []
        for quarter in labels:
            total = sum(quarters[quarter].values())
            shares.append(round(100 * quarters[quarter][value] / total, 1) if total else 0)
        datasets.append({"key": value, "label": str(label), "data": shares})
    return {"labels": labels, "datasets": datasets}


def search_decisions(query: SearchQuery, *, limit: int) -> list[Adr]:
    """Decisions whose text holds the words (the stored vector of every section), best first, each with
    the words around what matched (`snippet`, HTML: the text escaped, the matches marked)."""
    sections = [field for weight in ("B", "C") for field in SEARCHED_SECTIONS[weight]]
    text = Concat(*[part for field in sections for part in (F(field), Value(" "))], output_field=TextField())
    found = list(search.matching(Adr.objects.select_related("project"), F("search"), query).annotate(snippet=search.headline(text, query))[:limit])
    for adr in found:
        adr.snippet = search.highlighted(adr.snippet) if adr.snippet.strip() else ""
    return found

