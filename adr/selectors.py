"""Reads for the decision pages: lists with filters and full-text search, one record with its history."""
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Prefetch, Q, QuerySet

from adr.models import Adr, AdrRevision, Comment, Placement, Review, Status
from adr.services import stale_cutoff
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
        adrs = adrs.filter(status=Status.PROPOSED, created_at__lt=stale_cutoff())
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
        Adr.objects.filter(status=Status.PROPOSED, created_at__lt=stale_cutoff())
        .select_related("project", "author")
        .order_by("created_at")
    )


def project_summary(project: Project) -> dict:
    counts = Adr.objects.filter(project=project).aggregate(
        total=Count("pk"),
        proposed=Count("pk", filter=Q(status=Status.PROPOSED)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
        stale=Count("pk", filter=Q(status=Status.PROPOSED, created_at__lt=stale_cutoff())),
    )
    latest = list(Adr.objects.filter(project=project).order_by("-number").only("number", "title", "status", "project_id")[:5])
    return {"counts": counts, "latest": latest}
