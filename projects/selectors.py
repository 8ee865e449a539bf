"""Reads for the team and project pages, and the project figures other pages compose: the health score in
SQL (with_health), the phases in their order (with_phase_rank), and the projects and teams a search finds."""
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, Count, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from projects.common import search
from projects.models import HEALTH_ITEMS, PHASES_IN_SCOPE, HealthCheck, Membership, Phase, PhaseChange, Project, Team


def team_list() -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("memberships"))


def team_memberships(team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("-role", "user__username")


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related("team").order_by("name")


def all_tags() -> list[str]:
    return sorted(Project.objects.annotate(tag=Func(F("tags"), function="unnest")).values_list("tag", flat=True).distinct())


@dataclass
class HealthRow:
    key: str
    label: str
    check: HealthCheck | None

    @property
    def missing(self) -> bool:
        return self.check is None or self.check.status in (HealthCheck.Status.NO, HealthCheck.Status.PARTLY)


@dataclass
class HealthGroup:
    phase: Phase
    in_scope: bool
    rows: list[HealthRow]


@dataclass
class Health:
    groups: list[HealthGroup]
    score: int | None  # percent over the relevant items of the current and earlier phases
    missing: list[HealthRow]


def project_health(project: Project) -> Health:
    checks = {check.item: check for check in project.health_checks.select_related("checked_by")}
    in_scope = PHASES_IN_SCOPE[project.phase]
    groups, points, relevant, missing = [], 0.0, 0, []
    for phase in (Phase.CONCEPTION, Phase.BUILD, Phase.RUN):
        rows = [HealthRow(item.key, item.label, checks.get(item.key)) for item in HEALTH_ITEMS if item.phase == phase]
        groups.append(HealthGroup(Phase(phase), phase in in_scope, rows))
        if phase not in in_scope:
            continue
        for row in rows:
            status = row.check.status if row.check else None
            if status == HealthCheck.Status.NOT_RELEVANT:
                continue
            relevant += 1
            points += {HealthCheck.Status.YES: 1.0, HealthCheck.Status.PARTLY: 0.5}.get(status, 0.0)
            if row.missing:
                missing.append(row)
    score = round(100 * points / relevant) if relevant else None
    return Health(groups=groups, score=score, missing=missing)


def project_timeline(project: Project) -> QuerySet[PhaseChange]:
    return project.phase_changes.select_related("changed_by")


# The score of project_health, in SQL: items of the project's phase and the earlier ones count; yes is a point,
# partly half; "not relevant" leaves the item out.
_HEALTH_SQL = """
SELECT round(100.0 * sum(CASE h.status WHEN 'yes' THEN 1 WHEN 'partly' THEN 0.5 ELSE 0 END)
             / NULLIF(count(*) FILTER (WHERE h.status IS DISTINCT FROM 'not_relevant'), 0))
FROM (VALUES {items}) AS item(key, rank)
LEFT JOIN projects_healthcheck h ON h.project_id = "projects_project"."id" AND h.item = item.key
WHERE item.rank <= CASE "projects_project"."phase" WHEN 'conception' THEN 0 WHEN 'build' THEN 1 ELSE 2 END
"""


def with_health(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project's health score (`health`), as project_health computes it, in one scalar subquery."""
    ranks = {Phase.CONCEPTION: 0, Phase.BUILD: 1, Phase.RUN: 2}
    items = ", ".join("(%s, %s)" for _item in HEALTH_ITEMS)
    params = [value for item in HEALTH_ITEMS for value in (item.key, ranks[item.phase])]
    return projects.annotate(health=RawSQL(_HEALTH_SQL.format(items=items), params, output_field=IntegerField()))


def with_phase_rank(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The phase's place in the life of a project (`phase_rank`), for sorting by phase."""
    return projects.annotate(phase_rank=Case(
        *[When(phase=phase, then=Value(rank)) for rank, phase in enumerate(Phase.values)], output_field=IntegerField(),
    ))


def search_projects(query: SearchQuery, *, limit: int) -> list[Project]:
    """Projects whose name, slug, summary, tags or description hold the words, best first."""
    document = (
        search.vector("name", "slug") + search.vector("summary", "business_owner", weight="B")
        + search.vector("description", "value_hypothesis", weight="C")
    )
    return list(search.matching(Project.objects.select_related("team"), document, query)[:limit])


def search_teams(query: SearchQuery, *, limit: int) -> list[Team]:
    document = search.vector("name", "slug") + search.vector("description", weight="C")
    return list(search.matching(team_list(), document, query)[:limit])
