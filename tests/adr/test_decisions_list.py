"""The portfolio-wide /decisions/ list: filters and full-text search in the URL, a bounded number of queries."""
import pytest
from django.core.management import call_command

from adr import services
from adr.models import Adr, Status
from projects import clock
from tests.conftest import client_for
from tests.factories import AdrFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(team, other_team, member, outsider):
    churn = ProjectFactory(team=team, slug="churn", name="Churn")
    fraud = ProjectFactory(team=other_team, slug="fraud", name="Fraud")
    batch = services.adr_create(actor=member, project=churn, title="Score in a nightly batch", context="Offers are **monthly**.",
                                tags=["serving"], decision_makers=[member])
    redis = services.adr_create(actor=outsider, project=fraud, title="Keep features in Redis",
                                context="Card payments need a score within fifty milliseconds.", tags=["serving", "latency"])
    services.adr_create(actor=outsider, project=fraud, title="Buy a vendor service", context="Procurement asked.", status=Status.REJECTED)
    return {"batch": batch, "redis": redis}


def titles(response) -> list[str]:
    return [adr.title for adr in response.context["page"]]


def test_lists_every_decision_across_projects(records, member):
    response = client_for(member).get("/decisions/")
    assert response.status_code == 200
    assert titles(response) == ["Score in a nightly batch", "Keep features in Redis", "Buy a vendor service"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("project=fraud", ["Keep features in Redis", "Buy a vendor service"]),
        ("team=customer-analytics", ["Score in a nightly batch"]),
        ("status=rejected", ["Buy a vendor service"]),
        ("tag=latency", ["Keep features in Redis"]),
        ("maker=member", ["Score in a nightly batch"]),
        ("tag=serving&project=churn", ["Score in a nightly batch"]),
    ],
)
def test_filters_are_in_the_url(records, member, query, expected):
    assert titles(client_for(member).get(f"/decisions/?{query}")) == expected


def test_full_text_search_over_title_and_content_with_stemming(records, member):
    assert titles(client_for(member).get("/decisions/?q=millisecond")) == ["Keep features in Redis"]
    assert titles(client_for(member).get("/decisions/?q=offer")) == ["Score in a nightly batch"]
    assert titles(client_for(member).get("/decisions/?q=batch -redis")) == ["Score in a nightly batch"]
    assert titles(client_for(member).get("/decisions/?q=nothing+like+this")) == []


def test_search_sees_edits(records, member):
    batch = records["batch"]
    services.adr_update(actor=member, adr=batch, expected_version=batch.version, context="Spark cluster jobs.")
    assert titles(client_for(member).get("/decisions/?q=spark")) == ["Score in a nightly batch"]


def test_htmx_request_gets_only_the_results(records, member):
    response = client_for(member).get("/decisions/?q=redis", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Keep features in Redis" in content and "<nav" not in content.split("<table", 1)[0]
    assert "<html" not in content


def test_hostile_query_strings_are_harmless(records, member):
    for query in ("q=%27%3B+drop+table", "q=%26%7C%21%3A*", "status=nope", "page=abc", "page=999"):
        assert client_for(member).get(f"/decisions/?{query}").status_code == 200


def _many(count: int) -> None:
    teams = [TeamFactory() for _ in range(4)]
    projects = [ProjectFactory(team=teams[index % 4]) for index in range(10)]
    author = UserFactory()
    Adr.objects.bulk_create(
        [AdrFactory.build(project=projects[index % 10], number=index + 1, author=author, tags=["t"]) for index in range(count)]
    )
    makers = [UserFactory() for _ in range(3)]
    through = Adr.decision_makers.through
    through.objects.bulk_create([through(adr_id=pk, user_id=makers[pk % 3].pk) for pk in Adr.objects.values_list("pk", flat=True)])


@pytest.mark.parametrize("count", [20, 2000])
def test_query_count_is_bounded_whatever_the_number_of_records(count, member, django_assert_max_num_queries):
    _many(count)
    client = client_for(member)
    with django_assert_max_num_queries(14):
        response = client.get("/decisions/?tag=t")
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [20, 2000])
def test_project_list_query_count_is_bounded(count, member, django_assert_max_num_queries):
    _many(count)
    project = Adr.objects.first().project
    client = client_for(member)
    with django_assert_max_num_queries(10):
        response = client.get(f"/projects/{project.slug}/adrs/")
    assert response.status_code == 200


def test_detail_page_query_count_is_bounded(member, team, django_assert_max_num_queries):
    project = ProjectFactory(team=team)
    adr = services.adr_create(actor=member, project=project, title="Busy", decision_makers=[member])
    for index in range(30):
        services.comment_add(actor=member, adr=adr, body=f"comment {index}")
        services.adr_update(actor=member, adr=adr, expected_version=adr.version, context=f"v{index}")
        adr.refresh_from_db()
        services.ticket_create(actor=member, adr=adr, title=f"ticket {index}", due_on=clock.today(), owner=member)
    client = client_for(member)
    # The overdue and remediation flags: one query to the shared selectors; one-off tickets: one query.
    with django_assert_max_num_queries(20):
        assert client.get(adr.get_absolute_url()).status_code == 200


def test_seed_demo_loads_decisions_in_every_status_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Adr.objects.count(), Adr.objects.filter(comments__isnull=False).distinct().count())
    statuses = set(Adr.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert counts[0] >= 12 and counts[1] >= 3
    assert Adr.objects.filter(supersedes__isnull=False).exists()
    revisions = sum(adr.version for adr in Adr.objects.all())
    call_command("seed_demo")
    assert (Adr.objects.count(), Adr.objects.filter(comments__isnull=False).distinct().count()) == counts
    assert sum(adr.version for adr in Adr.objects.all()) == revisions
