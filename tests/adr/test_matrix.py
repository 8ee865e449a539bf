"""The /decisions/matrix/ page: counts and cards per cell, listing a cell, moving a card with a reason,
the overdue and not-yet-placed lists, the quarterly chart data, and a bounded query count."""
from datetime import timedelta

import pytest

from adr import selectors, services
from adr.models import Adr, Cell, Placement
from projects import clock
from tests.conftest import client_for
from tests.factories import AdrFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


@pytest.fixture
def decisions(team, member):
    project = ProjectFactory(team=team, slug="churn", name="Churn")
    shortcut = services.adr_create(actor=member, project=project, title="Shadow spreadsheet")
    services.placement_set(actor=member, adr=shortcut, cell=Cell.CONSCIOUS_RECKLESS, revisit_by=clock.today() - timedelta(days=1))
    prudent = services.adr_create(actor=member, project=project, title="Documented batch choice")
    services.placement_set(actor=member, adr=prudent, cell=Cell.CONSCIOUS_PRUDENT)
    unplaced = services.adr_create(actor=member, project=project, title="Not judged yet")
    return {"shortcut": shortcut, "prudent": prudent, "unplaced": unplaced}


def counts(response) -> dict:
    return {cell["value"]: cell["count"] for cell in response.context["cells"]}


def test_matrix_shows_counts_cards_overdue_and_unplaced(decisions, outsider):
    response = client_for(outsider).get("/decisions/matrix/")
    assert response.status_code == 200
    assert counts(response) == {Cell.CONSCIOUS_RECKLESS: 1, Cell.CONSCIOUS_PRUDENT: 1, Cell.UNCONSCIOUS_RECKLESS: 0, Cell.UNCONSCIOUS_PRUDENT: 0}
    assert [adr.title for adr in response.context["overdue"]] == ["Shadow spreadsheet"]
    assert [adr.title for adr in response.context["unplaced"]] == ["Not judged yet"]
    content = response.content.decode()
    assert "Documented batch choice" in content and 'data-cell="conscious_prudent"' in content


def test_filters_by_team(decisions, member, other_team):
    services.adr_create(actor=UserFactory(is_superuser=True), project=ProjectFactory(team=other_team), title="Elsewhere")
    response = client_for(member).get("/decisions/matrix/?team=risk")
    assert sum(counts(response).values()) == 0 and response.context["unplaced"][0].title == "Elsewhere"


def test_clicking_a_cell_lists_its_decisions_without_a_reload(decisions, member):
    response = client_for(member).get("/decisions/matrix/?cell=conscious_prudent", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and 'id="listed"' in content and "Documented batch choice" in content
    assert "Shadow spreadsheet" not in content


def test_moving_a_card_records_a_new_placement_with_the_reason(decisions, member):
    prudent = decisions["prudent"]
    response = client_for(member).post(
        "/decisions/matrix/move/?team=customer-analytics",
        {"adr": prudent.pk, "cell": Cell.UNCONSCIOUS_PRUDENT, "reason": "Hindsight: ELT fits better."},
    )
    assert response.status_code == 302 and response["Location"] == "/decisions/matrix/?team=customer-analytics"
    assert list(prudent.placements.values_list("cell", flat=True)) == [Cell.CONSCIOUS_PRUDENT, Cell.UNCONSCIOUS_PRUDENT]
    assert counts(client_for(member).get("/decisions/matrix/"))[Cell.UNCONSCIOUS_PRUDENT] == 1


def test_moving_without_a_reason_or_to_reckless_without_a_date_is_refused(decisions, member):
    client = client_for(member)
    response = client.post("/decisions/matrix/move/", {"adr": decisions["prudent"].pk, "cell": Cell.UNCONSCIOUS_PRUDENT, "reason": ""})
    assert response.status_code == 400 and "The move was not recorded" in response.content.decode()
    response = client.post("/decisions/matrix/move/", {"adr": decisions["prudent"].pk, "cell": Cell.CONSCIOUS_RECKLESS, "reason": "Rushed."})
    assert response.status_code == 400 and "needs a date to revisit" in response.content.decode()
    assert decisions["prudent"].placements.count() == 1


def test_other_team_cannot_move_but_a_manager_may(decisions, outsider, manager):
    response = client_for(outsider).post("/decisions/matrix/move/", {"adr": decisions["prudent"].pk, "cell": Cell.UNCONSCIOUS_PRUDENT, "reason": "x"})
    assert response.status_code == 403
    assert decisions["prudent"].placements.count() == 1
    response = client_for(manager).post("/decisions/matrix/move/", {"adr": decisions["prudent"].pk, "cell": Cell.UNCONSCIOUS_PRUDENT, "reason": "Re-judged at the portfolio review."})
    assert response.status_code == 302
    assert decisions["prudent"].placements.last().placed_by == manager


def test_a_refused_move_names_the_decision_it_was_for(decisions, member):
    adr = decisions["prudent"]
    response = client_for(member).post("/decisions/matrix/move/", {"adr": adr.pk, "cell": Cell.CONSCIOUS_RECKLESS, "reason": ""})
    assert response.status_code == 400
    assert f'id="move-title">{adr.code} · {adr.title} ({adr.project.name})</p>' in response.content.decode()
    assert adr.placements.count() == 1


def test_quarterly_shares(decisions):
    chart = selectors.matrix_by_quarter()
    quarter = clock.today()
    assert chart["labels"] == [f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"]
    shares = {dataset["key"]: dataset["data"][0] for dataset in chart["datasets"]}
    assert shares == {Cell.CONSCIOUS_RECKLESS: 50.0, Cell.CONSCIOUS_PRUDENT: 50.0, Cell.UNCONSCIOUS_RECKLESS: 0, Cell.UNCONSCIOUS_PRUDENT: 0}


def _many(count: int) -> None:
    team = TeamFactory()
    projects = [ProjectFactory(team=team) for _ in range(10)]
    author = UserFactory()
    Adr.objects.bulk_create([AdrFactory.build(project=projects[index % 10], number=index + 1, author=author) for index in range(count)])
    cells = Cell.values
    Placement.objects.bulk_create([
        Placement(adr_id=pk, cell=cells[pk % 4], placed_by=author, revisit_by=clock.today() - timedelta(days=1))
        for pk in Adr.objects.values_list("pk", flat=True) if pk % 5
    ])


@pytest.mark.parametrize("count", [20, 5000])
def test_matrix_query_count_is_bounded(count, member, django_assert_max_num_queries):
    _many(count)
    client = client_for(member)
    with django_assert_max_num_queries(14):
        response = client.get("/decisions/matrix/")
    assert sum(counts(response).values()) + response.context["unplaced_count"] == count
    assert all(len(cell["cards"]) <= 12 for cell in response.context["cells"])


def test_home_panel_flags_the_overdue_shortcut_and_project_panel_shows_its_matrix(decisions):
    from django.template import Context, Template

    home = Template("{% load adr_tags %}{% adr_stale_panel %}").render(Context({}))
    assert "Shadow spreadsheet" in home and "reckless shortcut overdue" in home
    panel = Template('{% load cards %}{% card "project" "decisions" project %}').render(Context({"project": decisions["shortcut"].project}))
    assert '<td title="Conscious and reckless">1</td>' in panel and '<td title="Conscious and prudent">1</td>' in panel
    assert "1 not yet placed" in panel
