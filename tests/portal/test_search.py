"""/search/?q=…: projects, decisions (their whole text), toil items and teams, grouped, as you type."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adr import services as adr_services
from tests.conftest import client_for
from tests.factories import ProjectFactory, TeamFactory, ToilItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(team, member):
    churn = ProjectFactory(team=team, slug="churn-uplift", name="Churn uplift", summary="Who leaves next month.")
    adr = adr_services.adr_create(
        actor=member, project=churn, title="Score in a nightly batch",
        context="Offers change monthly, so a <b>nightly</b> batch over the warehouse is enough.",
    )
    ToilItemFactory(project=churn, title="Rerun the warehouse export by hand")
    TeamFactory(name="Warehouse platform", slug="warehouse-platform")
    return {"project": churn, "adr": adr}


def groups(response) -> dict[str, list[str]]:
    return {
        group.key: [getattr(result, "name", None) or result.title for result in group.results]
        for group in response.context["groups"]
    }


def test_results_are_grouped_and_decisions_are_searched_in_full(found, member):
    response = client_for(member).get("/search/", {"q": "warehouse"})
    assert response.status_code == 200
    assert groups(response) == {
        "decisions": ["Score in a nightly batch"],
        "toil": ["Rerun the warehouse export by hand"],
        "teams": ["Warehouse platform"],
    }
    html = response.content.decode()
    assert "<mark>warehouse</mark>" in html
    assert "<b>nightly</b>" not in html  # the decision's text is never shown as HTML
    assert found["adr"].get_absolute_url() in html


def test_the_start_of_a_word_is_enough_and_every_word_must_match(found, member):
    client = client_for(member)
    assert groups(client.get("/search/", {"q": "chur"})) == {"projects": ["Churn uplift"]}
    assert groups(client.get("/search/", {"q": "nightl batc"})) == {"decisions": ["Score in a nightly batch"]}
    assert groups(client.get("/search/", {"q": "warehouse nightly"})) == {"decisions": ["Score in a nightly batch"]}
    assert groups(client.get("/search/", {"q": "warehouse zebra"})) == {}


@pytest.mark.parametrize("q", ["", "   ", "&|!:*", "'; drop table adr_adr; --", "(((", "a" * 500, "<script>alert(1)</script>"])
def test_any_text_gets_an_answer(found, member, q):
    response = client_for(member).get("/search/", {"q": q})
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_a_decision_whose_text_holds_markup_shows_it_as_text(team, member):
    project = ProjectFactory(team=team)
    adr_services.adr_create(actor=member, project=project, title="Hostile", context='Use "<img src=x onerror=alert(1)>" & rollout carefully')
    html = client_for(member).get("/search/", {"q": "rollout"}).content.decode()
    assert "<mark>rollout</mark>" in html
    assert "<img" not in html and "onerror=alert(1)>" not in html


def test_nothing_found_says_so(found, member):
    response = client_for(member).get("/search/", {"q": "zebra"})
    assert "Nothing matches “zebra”." in response.content.decode()


def test_as_you_type_the_box_gets_the_best_few_and_a_link_to_all(team, member):
    for number in range(8):
        ProjectFactory(team=team, slug=f"forecast-{number}", name=f"Forecast {number}")
    response = client_for(member).get(
        "/search/", {"q": "forecast"}, headers={"HX-Request": "true", "HX-Target": "search-suggestions"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert len(response.context["groups"][0].results) == 5
    assert "/search/?q=forecast" in html


def test_the_page_shows_more_and_says_when_there_are_more_still(team, member):
    for number in range(27):
        ProjectFactory(team=team, slug=f"forecast-{number}", name=f"Forecast {number}")
    response = client_for(member).get("/search/", {"q": "forecast"})
    assert len(response.context["groups"][0].results) == 25
    assert "The best 25 are shown" in response.content.decode()


def test_queries_do_not_grow_with_the_data(team, member):
    client = client_for(member)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "forecast"}).status_code == 200
        return len(captured)

    ProjectFactory(team=team, slug="forecast-a", name="Forecast a")
    few = queries()
    for number in range(30):
        project = ProjectFactory(team=team, slug=f"forecast-{number}", name=f"Forecast {number}")
        ToilItemFactory(project=project, title=f"Forecast rerun {number}")
        adr_services.adr_create(actor=member, project=project, title=f"Forecast with a model {number}")
    assert queries() == few
