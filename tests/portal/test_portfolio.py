"""The portfolio page: every alert for the right project and only for it, filters in the URL, sorting,
pages, the CSV export, the totals and the query budget."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from adr.models import Cell, Placement
from portal import portfolio
from projects.ledger.months import trailing_window
from projects.selectors import with_health
from projects import clock
from projects.decommission.services import decommission_request
from projects.ledger.models import LedgerMonth, LedgerStatus
from projects.ledger.rollup import ledger_rollup
from projects.models import HealthCheck, Phase, Project
from projects.selectors import project_health
from tests.conftest import client_for
from tests.factories import (
    AdrFactory, CostEntryFactory, MembershipFactory, ProjectFactory, TeamFactory, TimeLogFactory, ToilItemFactory, UserFactory,
    ValueEntryFactory,
)
from toil.models import TimeLog

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def months_back(count: int) -> list[date]:
    """The 10th of each of the last `count` complete months, oldest first."""
    today = clock.today()
    index = today.year * 12 + today.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 10) for back in range(count, 0, -1)]


def in_run(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    project.refresh_from_db()
    return project


def ledger(project: Project, *, cost: str, value: str) -> None:
    for day in months_back(3):
        CostEntryFactory(project=project, incurred_on=day, amount=Decimal(cost))
        ValueEntryFactory(project=project, realized_on=day, amount=Decimal(value))


@pytest.fixture
def org(team, other_team, member, outsider):
    """One project for each alert, plus a healthy one, in two teams."""
    sinking = in_run(ProjectFactory(team=team, name="Churn model", slug="churn-model"))
    ledger(sinking, cost="4000", value="1000")
    afloat = in_run(ProjectFactory(team=team, name="Fraud scoring", slug="fraud-scoring"))
    ledger(afloat, cost="1000", value="5000")
    retired = ProjectFactory(team=other_team, name="Old recommender", slug="old-recommender")
    retired_at = clock.now() - timedelta(days=40)
    Project.objects.filter(pk=retired.pk).update(phase=Phase.RETIRED, phase_changed_at=retired_at)
    CostEntryFactory(project=retired, incurred_on=retired_at.date() - timedelta(days=5), amount=Decimal("300"))
    CostEntryFactory(project=retired, incurred_on=retired_at.date() + timedelta(days=3), amount=Decimal("250"))
    quietly_retired = ProjectFactory(team=other_team, name="Quiet archive", slug="quiet-archive")
    Project.objects.filter(pk=quietly_retired.pk).update(phase=Phase.RETIRED, phase_changed_at=retired_at)
    CostEntryFactory(project=quietly_retired, incurred_on=retired_at.date() - timedelta(days=5), amount=Decimal("300"))
    asked = in_run(ProjectFactory(team=other_team, name="Demand forecast", slug="demand-forecast"))
    ledger(asked, cost="500", value="800")
    decommission_request(actor=outsider, project=asked, reason="Nobody reads the forecast any more.")
    ledger_rollup()
    # The risk team spent 30 of its 35 hours on toil last week: above the 50% cap.
    last_monday = clock.today() - timedelta(days=clock.today().weekday() + 7)
    item = ToilItemFactory(project=asked, title="Re-run the forecast by hand")
    for offset in range(5):
        TimeLogFactory(item=item, user=outsider, logged_on=last_monday + timedelta(days=offset), minutes=360)
    return {"sinking": sinking, "afloat": afloat, "retired": retired, "quiet": quietly_retired, "asked": asked}


def alert_labels(response, kind: str) -> list[str]:
    for alert in response.context["alerts"]:
        if alert.kind == kind:
            return [item.label for item in alert.items]
    return []


def test_anonymous_is_sent_to_login(client):
    assert client.get("/portfolio/").status_code == 302
    assert client.get("/portfolio/export.csv").status_code == 302


def test_underwater_alert_names_only_the_underwater_project_and_links_to_its_decommission_request(org, member):
    response = client_for(member).get("/portfolio/")
    assert response.status_code == 200
    assert alert_labels(response, "underwater") == ["Churn model"]
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "underwater")
    assert alert.items[0].url == "/projects/churn-model/decommission/"
    assert 'href="/projects/churn-model/decommission/"' in response.content.decode()


def test_the_request_link_is_only_for_those_who_may_request(org, outsider, manager):
    """Another team sees the flag with a link to the figures; a manager may ask for any project."""
    response = client_for(outsider).get("/portfolio/")
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "underwater")
    assert (alert.items[0].url, alert.items[0].action) == ("/projects/churn-model/ledger/", "See the ledger")
    assert 'href="/projects/churn-model/decommission/"' not in response.content.decode()
    response = client_for(manager).get("/portfolio/")
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "underwater")
    assert alert.items[0].url == "/projects/churn-model/decommission/"


def test_zombie_alert_names_only_the_retired_project_with_a_later_cost(org, member):
    response = client_for(member).get("/portfolio/")
    assert alert_labels(response, "zombie") == ["Old recommender"]
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "zombie")
    assert alert.items[0].url == "/projects/old-recommender/ledger/"


def test_waiting_approval_alert_names_only_the_proposed_request(org, member):
    response = client_for(member).get("/portfolio/")
    assert alert_labels(response, "waiting") == ["Demand forecast"]
    request = org["asked"].decommissions.get()
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "waiting")
    assert alert.items[0].url == f"/decommissions/{request.pk}/"


def test_toil_cap_alert_names_only_the_team_above_the_cap(org, member):
    response = client_for(member).get("/portfolio/")
    assert alert_labels(response, "overcap") == ["Risk"]
    alert = next(alert for alert in response.context["alerts"] if alert.kind == "overcap")
    assert alert.items[0].url == "/toil/?team=risk"


def test_no_alert_when_nothing_is_wrong(team, member):
    afloat = in_run(ProjectFactory(team=team, name="Fraud scoring", slug="fraud-scoring"))
    ledger(afloat, cost="1000", value="5000")
    ledger_rollup()
    response = client_for(member).get("/portfolio/")
    assert response.context["alerts"] == []
    assert "Nothing needs a decision right now." in response.content.decode()


def test_rows_show_the_window_figures_and_flags(org, member):
    response = client_for(member).get("/portfolio/?sort=name")
    rows = {project.slug: project for project in response.context["page"]}
    assert rows["churn-model"].cost == Decimal("12000") and rows["churn-model"].value == Decimal("3000")
    assert rows["churn-model"].ratio == Decimal("0.25")
    assert rows["churn-model"].underwater and not rows["fraud-scoring"].underwater
    assert rows["old-recommender"].zombie and not rows["quiet-archive"].zombie
    assert rows["demand-forecast"].decommission_state == "proposed"
    assert rows["demand-forecast"].team_share.level == "alert"
    start, end = trailing_window()
    logged_in_window = [log.minutes for log in TimeLog.objects.all() if start <= log.logged_on < end]
    assert rows["demand-forecast"].toil_minutes == sum(logged_in_window)


def test_totals_sum_the_whole_portfolio(org, member):
    totals = client_for(member).get("/portfolio/?team=risk").context["totals"]
    # Run months only: the retired projects (no phase history: retired all along) have none.
    assert totals.cost == Decimal("12000") + Decimal("3000") + Decimal("1500")
    assert totals.value == Decimal("3000") + Decimal("15000") + Decimal("2400")
    assert totals.projects == 5
    assert totals.toil_percent == 43  # 30 toil hours over 70 hours of both teams' capacity


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("flag=underwater", ["Churn model"]),
        ("flag=zombie", ["Old recommender"]),
        ("flag=waiting", ["Demand forecast"]),
        ("flag=decommission", ["Demand forecast"]),
        ("team=risk", ["Demand forecast", "Old recommender", "Quiet archive"]),
        ("phase=retired", ["Old recommender", "Quiet archive"]),
        ("team=customer-analytics&phase=run", ["Churn model", "Fraud scoring"]),
        ("team=nope&phase=nope&flag=nope&sort=nope&page=x", ["Churn model", "Demand forecast", "Fraud scoring", "Old recommender", "Quiet archive"]),
    ],
)
def test_filters_come_from_the_url(org, member, query, expected):
    response = client_for(member).get(f"/portfolio/?{query}")
    assert response.status_code == 200
    assert [project.name for project in response.context["page"]] == expected


def test_sort_by_cost_descending_and_back(org, member):
    client = client_for(member)
    names = [project.name for project in client.get("/portfolio/?sort=-cost").context["page"]]
    assert names[:3] == ["Churn model", "Fraud scoring", "Demand forecast"]
    ascending = [project.name for project in client.get("/portfolio/?sort=cost").context["page"]]
    assert ascending[-1] == "Churn model"
    headers = client.get("/portfolio/?sort=-cost&flag=underwater").context["headers"]
    cost = next(header for header in headers if header["active"])
    assert cost["query"] == "flag=underwater&sort=cost"


def test_fifty_rows_a_page_with_the_filters_kept_in_the_links(team, member):
    Project.objects.bulk_create(
        Project(team=team, name=f"Model {index:03}", slug=f"model-{index:03}", phase=Phase.RUN) for index in range(120)
    )
    client = client_for(member)
    first = client.get("/portfolio/?phase=run")
    assert len(first.context["page"]) == 50
    assert 'href="?phase=run&amp;page=2"' in first.content.decode()
    third = client.get("/portfolio/?phase=run&page=3")
    assert [project.name for project in third.context["page"]][0] == "Model 100"
    assert len(third.context["page"]) == 20


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_holds_the_whole_filtered_list_in_the_page_order(team, other_team, member):
    Project.objects.bulk_create(
        [Project(team=team, name=f"Model {index:03}", slug=f"model-{index:03}", phase=Phase.RUN) for index in range(70)]
        + [Project(team=other_team, name=f"Other {index:03}", slug=f"other-{index:03}", phase=Phase.RUN) for index in range(5)]
        + [Project(team=team, name=f"Idea {index:03}", slug=f"idea-{index:03}") for index in range(5)]
    )
    client = client_for(member)
    query = "team=customer-analytics&phase=run&sort=-name"
    pages = [client.get(f"/portfolio/?{query}&page={number}").context["page"] for number in (1, 2)]
    listed = [project.name for page in pages for project in page]
    rows = read_csv(client.get(f"/portfolio/export.csv?{query}"))
    assert rows[0][:3] == ["Project", "Team", "Phase"]
    assert [row[0] for row in rows[1:]] == listed
    assert len(listed) == 70
    assert all(row[1] == "Customer Analytics" and row[2] == "Run" for row in rows[1:])


def test_csv_figures_match_the_page(org, member):
    client = client_for(member)
    rows = read_csv(client.get("/portfolio/export.csv?flag=underwater"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["Project"] == "Churn model"
    assert row["Run cost (window)"] == "12000.00" and row["Realized value (window)"] == "3000.00"
    assert row["Value ÷ cost"] == "0.25" and row["Underwater"] == "yes"
    assert row["Address"] == "http://testserver/projects/churn-model/"


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_neutralises_formulas(member, name):
    team = TeamFactory(name=name, slug="formula-team")
    ProjectFactory(team=team, name=name, slug="formula")
    rows = read_csv(client_for(member).get("/portfolio/export.csv"))
    assert rows[1][0] == "'" + name
    assert rows[1][1] == "'" + name


def test_csv_leaves_plain_text_and_numbers_alone(member, team):
    """Only formulas are neutralised: a credit (a negative run cost) stays a number a spreadsheet can add."""
    ledger(in_run(ProjectFactory(team=team, name="Churn model", slug="churn-model")), cost="-10", value="0")
    ledger_rollup()
    rows = read_csv(client_for(member).get("/portfolio/export.csv"))
    row = dict(zip(rows[0], rows[1]))
    assert (row["Project"], row["Open conscious+reckless decisions"]) == ("Churn model", "0")
    assert row["Run cost (window)"] == "-30.00"


def test_health_score_matches_the_project_page(team, member):
    project = in_run(ProjectFactory(team=team))
    statuses = {"value-metric-agreed": "yes", "data-available": "partly", "notebooks-refactored": "not_relevant",
                "experiments-traced": "yes", "monitoring-alerting": "no"}
    for item, status in statuses.items():
        HealthCheck.objects.create(project=project, item=item, status=status, checked_by=member)
    fresh = ProjectFactory(team=team)
    scores = {row.pk: row.health for row in with_health(portfolio.portfolio_queryset())}
    assert scores[project.pk] == project_health(project).score == 18
    assert scores[fresh.pk] == project_health(fresh).score == 0


def test_chart_has_one_bubble_per_project_linking_to_it(org, member):
    response = client_for(member).get("/portfolio/")
    bubbles = response.context["bubbles"]
    points = [point for dataset in bubbles["datasets"] for point in dataset["data"]]
    assert sorted(point["url"] for point in points) == sorted(f"/projects/{slug}/" for slug in (
        "churn-model", "fraud-scoring", "old-recommender", "quiet-archive", "demand-forecast"))
    churn = next(point for point in points if point["name"] == "Churn model")
    assert (churn["x"], churn["y"]) == (12000.0, 3000.0)
    assert 'id="portfolio-bubbles"' in response.content.decode()


def test_sparklines_hold_twelve_months_for_the_projects_on_the_page(org, member):
    response = client_for(member).get("/portfolio/?flag=underwater")
    lines = response.context["sparklines"]
    assert list(lines) == [str(org["sinking"].pk)]
    assert lines[str(org["sinking"].pk)]["cost"][-4:] == [0.0, 4000.0, 4000.0, 4000.0]


def make_portfolio(count: int) -> None:
    """`count` projects over 5 teams, each with three months in the ledger summary and a status."""
    teams = [TeamFactory() for _index in range(5)]
    for team in teams:
        MembershipFactory(team=team)
    phases = [Phase.RUN, Phase.BUILD, Phase.RETIRED, Phase.CONCEPTION]
    retired_at = clock.now() - timedelta(days=30)
    projects = Project.objects.bulk_create(
        Project(team=teams[index % 5], name=f"P{index:05}", slug=f"p{index:05}", phase=phases[index % 4],
                phase_changed_at=retired_at if phases[index % 4] == Phase.RETIRED else None)
        for index in range(count)
    )
    now = clock.now()
    LedgerMonth.objects.bulk_create(
        LedgerMonth(project=project, month=day.replace(day=1), cost_total=Decimal(100 + index % 7 * 50),
                    value_total=Decimal(index % 5 * 60), computed_at=now)
        for index, project in enumerate(projects) for day in months_back(3)
    )
    start, end = trailing_window()
    LedgerStatus.objects.bulk_create(
        LedgerStatus(project=project, underwater=index % 3 == 0, window_start=start, window_end=end,
                     window_cost=Decimal(300 + index % 7 * 150), window_value=Decimal(index % 5 * 180), computed_at=now)
        for index, project in enumerate(projects)
    )
    author = UserFactory()
    for project in projects[:: max(1, count // 5)]:
        adr = AdrFactory(project=project, author=author)
        Placement.objects.create(adr=adr, cell=Cell.CONSCIOUS_RECKLESS, placed_by=author, revisit_by=date(2020, 1, 1))


@pytest.mark.parametrize("count", [10, 2000])
def test_portfolio_query_budget(django_assert_max_num_queries, member, count):
    make_portfolio(count)
    client = client_for(member)
    with django_assert_max_num_queries(13):
        response = client.get("/portfolio/?sort=-cost&flag=underwater&page=2")
    assert response.status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get("/portfolio/").status_code == 200
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [10, 2000])
def test_csv_query_budget(django_assert_max_num_queries, member, count):
    make_portfolio(count)
    client = client_for(member)
    with django_assert_max_num_queries(10):
        rows = read_csv(client.get("/portfolio/export.csv"))
    assert len(rows) == count + 1


def test_portfolio_is_in_the_navigation_after_home(member):
    html = client_for(member).get("/").content.decode()
    assert html.index(">Home<") < html.index(">Portfolio<") < html.index(">Projects<")


def test_everyone_logged_in_may_read_it(org):
    reader = UserFactory()
    assert client_for(reader).get("/portfolio/").status_code == 200


def test_toil_hours_count_the_trailing_window_and_sort_the_table(team, member):
    busy = ProjectFactory(team=team, name="Busy", slug="busy")
    calm = ProjectFactory(team=team, name="Calm", slug="calm")
    start, end = trailing_window()
    item = ToilItemFactory(project=busy)
    TimeLogFactory(item=item, user=member, logged_on=start, minutes=120)
    TimeLogFactory(item=item, user=member, logged_on=end - timedelta(days=1), minutes=60)
    TimeLogFactory(item=item, user=member, logged_on=end, minutes=600)  # the running month: outside the window
    engineering = ToilItemFactory(project=calm, classification="engineering")
    TimeLogFactory(item=engineering, user=member, logged_on=start, minutes=900)  # not toil
    client = client_for(member)
    response = client.get("/portfolio/?sort=-toil")
    assert [(project.slug, project.toil_minutes) for project in response.context["page"]] == [("busy", 180), ("calm", 0)]
    assert [project.slug for project in client.get("/portfolio/?sort=toil").context["page"]] == ["calm", "busy"]
    rows = read_csv(client.get("/portfolio/export.csv?sort=-toil"))
    assert [(row[0], row[6]) for row in rows[1:]] == [("Busy", "3.0"), ("Calm", "0.0")]


def test_cached_figures_follow_a_cost_booked_after_the_first_view(org, member):
    client = client_for(member)
    assert alert_labels(client.get("/portfolio/"), "zombie") == ["Old recommender"]
    CostEntryFactory(project=org["quiet"], incurred_on=clock.today() - timedelta(days=2), amount=Decimal("90"))
    assert alert_labels(client.get("/portfolio/"), "zombie") == ["Old recommender", "Quiet archive"]


def test_cached_figures_follow_a_bulk_update_and_a_delete(org, member):
    client = client_for(member)
    assert alert_labels(client.get("/portfolio/"), "waiting") == ["Demand forecast"]
    org["asked"].decommissions.update(state="approved")
    assert alert_labels(client.get("/portfolio/"), "waiting") == []
    spare = ProjectFactory(team=org["afloat"].team, name="Spare idea")
    assert len(client.get("/portfolio/").context["rows"]) == 6
    spare.delete()
    response = client.get("/portfolio/")
    assert len(response.context["rows"]) == 5
    assert "Spare idea" not in [point["name"] for dataset in response.context["bubbles"]["datasets"] for point in dataset["data"]]


def test_a_second_view_reads_the_portfolio_figures_from_the_cache(org, member, django_assert_max_num_queries):
    client = client_for(member)
    first = client.get("/portfolio/")
    with django_assert_max_num_queries(8):
        second = client.get("/portfolio/")
    assert alert_labels(second, "underwater") == alert_labels(first, "underwater") == ["Churn model"]
    assert second.context["totals"].cost == first.context["totals"].cost


def test_page_renders_when_the_cache_is_down(org, member, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = client_for(member).get("/portfolio/")
    assert response.status_code == 200
    assert alert_labels(response, "underwater") == ["Churn model"]
