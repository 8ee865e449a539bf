"""The home page ("my work") and the managers' weekly digest."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from portal.tasks import weekly_digest
from projects import clock
from projects.decommission.models import ChecklistItem
from projects.decommission.services import decommission_request
from projects.ledger.rollup import ledger_rollup
from projects.models import Phase, Project
from tests.conftest import client_for
from tests.factories import CostEntryFactory, ProjectFactory, ToilItemFactory, UserFactory, make_manager

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def months_back(count: int) -> list[date]:
    today = clock.today()
    index = today.year * 12 + today.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 10) for back in range(count, 0, -1)]


@pytest.fixture
def work(team, other_team, member, outsider):
    mine = ProjectFactory(team=team, name="Churn model", slug="churn-model")
    Project.objects.filter(pk=mine.pk).update(phase=Phase.RUN)
    for day in months_back(3):
        CostEntryFactory(project=mine, incurred_on=day, amount=Decimal("900"))
    theirs = ProjectFactory(team=other_team, name="Credit risk", slug="credit-risk")
    Project.objects.filter(pk=theirs.pk).update(phase=Phase.RUN)
    for day in months_back(3):
        CostEntryFactory(project=theirs, incurred_on=day, amount=Decimal("900"))
    ledger_rollup()
    ToilItemFactory(project=mine, title="Restart the scorer", owner=member)
    ToilItemFactory(project=mine, title="Automated already", owner=member, status="automated")
    ToilItemFactory(project=theirs, title="Someone else's toil", owner=outsider)
    request = decommission_request(actor=outsider, project=Project.objects.get(slug="credit-risk"), reason="Unused.")
    item = request.checklist.first()
    ChecklistItem.objects.filter(pk=item.pk).update(assignee=outsider)  # one of the risk team
    return {"mine": mine, "theirs": theirs, "request": request, "item": item}


def test_member_sees_their_teams_projects_with_flags_and_only_those(work, member):
    response = client_for(member).get("/")
    html = response.content.decode()
    projects = [project.slug for project in response.context["my_projects"]]
    assert projects == ["churn-model"]
    assert projects[0] == "churn-model" and response.context["my_projects"][0].underwater
    assert "Underwater" in html
    assert "Credit risk" not in [project.name for project in response.context["my_projects"]]


def test_member_sees_open_toil_items_they_own(work, member):
    html = client_for(member).get("/").content.decode()
    assert "Restart the scorer" in html
    assert "Automated already" not in html
    assert "Someone else&#x27;s toil" not in html and "Someone else's toil" not in html


def test_member_sees_checklist_items_assigned_to_them(work, member, outsider):
    response = client_for(outsider).get("/")
    assert [item.pk for item in response.context["checklist_items"]] == [work["item"].pk]
    assert f'href="/decommissions/{work["request"].pk}/"' in response.content.decode()
    assert list(client_for(member).get("/").context["checklist_items"]) == []


def test_an_assignment_kept_past_leaving_the_team_is_not_listed(work, outsider):
    from projects.models import Membership

    Membership.objects.filter(user=outsider).delete()  # removed in the admin, which clears nothing
    assert list(client_for(outsider).get("/").context["checklist_items"]) == []


def test_manager_sees_the_approvals_waiting_and_members_do_not(work, member, manager):
    response = client_for(manager).get("/")
    assert [request.pk for request in response.context["approvals"]] == [work["request"].pk]
    assert "Waiting for your approval" in response.content.decode()
    member_page = client_for(member).get("/")
    assert "Waiting for your approval" not in member_page.content.decode()


def test_manager_does_not_approve_their_own_request(work, manager):
    other = ProjectFactory(name="Own ask", slug="own-ask")
    Project.objects.filter(pk=other.pk).update(phase=Phase.RUN)
    decommission_request(actor=manager, project=Project.objects.get(pk=other.pk), reason="Mine.")
    approvals = client_for(manager).get("/").context["approvals"]
    assert [request.project.slug for request in approvals] == ["credit-risk"]


@pytest.mark.parametrize("size", [2, 40])
def test_home_query_budget(django_assert_max_num_queries, team, member, size):
    Project.objects.bulk_create(Project(team=team, name=f"M{index}", slug=f"m-{index}") for index in range(size))
    for index in range(size // 2):
        ToilItemFactory(project=Project.objects.get(slug=f"m-{index}"), owner=member)
    client = client_for(member)
    with django_assert_max_num_queries(11):  # with the late one-off tickets I own
        assert client.get("/").status_code == 200


def test_weekly_digest_mails_the_alerts_with_links_to_managers_only(work, manager, member, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    make_manager(username="hugo", email="")
    mail.outbox.clear()
    sent = weekly_digest.delay().get()
    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == ["manager@example.com"]
    assert member.email not in message.bcc
    assert "3 alert" in message.subject
    assert "Underwater: decommission candidates (2)" in message.body
    assert "- Churn model: cost €2,700, value €0 over the trailing window. Request decommissioning: https://portal.example.com/projects/churn-model/decommission/" in message.body
    assert f"Approve or reject: https://portal.example.com/decommissions/{work['request'].pk}/" in message.body
    assert "https://portal.example.com/portfolio/" in message.body


def test_weekly_digest_says_so_when_all_is_well(manager):
    mail.outbox.clear()
    assert weekly_digest.delay().get() == 1
    assert "Nothing needs a decision this week." in mail.outbox[0].body


def test_weekly_digest_without_managers_sends_nothing(work):
    mail.outbox.clear()
    UserFactory()
    assert weekly_digest.delay().get() == 0
    assert mail.outbox == []


def test_digest_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["portfolio-weekly-digest"]
    assert entry["task"] == "portal.tasks.weekly_digest"


def test_a_managers_home_shows_what_waits_and_the_trend_not_an_empty_team(work, manager):
    from adr.models import Cell, Placement
    from tests.factories import AdrFactory

    shortcut = AdrFactory(project=work["mine"], title="Skip the feature store for now")
    Placement.objects.create(adr=shortcut, cell=Cell.CONSCIOUS_RECKLESS, placed_by=manager, reason="Deadline",
                             revisit_by=clock.today() - timedelta(days=3))
    response = client_for(manager).get("/")
    html = response.content.decode()
    assert "Your teams have no projects yet" not in html
    assert {alert.kind for alert in response.context["alerts"]} >= {"underwater"}
    assert 'data-alert="underwater"' in html
    assert [adr.pk for adr in response.context["to_rejudge"]] == [shortcut.pk]
    assert "Skip the feature store for now" in html
    trend = response.context["trend"]
    running = clock.today().strftime("%Y-%m")
    assert len(trend["labels"]) == 13 and trend["labels"][-1] == running and trend["partial_from"] == 12
    # three complete months of 900 on each of the two projects, nothing yet this month
    assert trend["cost"][-4:] == [1800.0, 1800.0, 1800.0, 0.0]
    assert 'id="home-trend"' in html and 'id="home-trend-chart"' in html


def test_a_member_has_no_managers_desk(work, member):
    response = client_for(member).get("/")
    assert "trend" not in response.context and 'id="home-trend-chart"' not in response.content.decode()


def test_a_lead_is_told_when_their_team_is_over_the_toil_cap(team, lead, member):
    from tests.factories import TimeLogFactory

    monday = clock.today() - timedelta(days=clock.today().weekday() + 7)  # the last complete week
    item = ToilItemFactory(project=ProjectFactory(team=team), classification="toil")
    for day in range(5):
        TimeLogFactory(item=item, user=lead, logged_on=monday + timedelta(days=day), minutes=8 * 60)
    html = client_for(lead).get("/").content.decode()
    assert f'data-over-cap="{team.slug}"' in html
    assert "of its time on toil last week, over the cap" in html
    assert "data-over-cap" not in client_for(member).get("/").content.decode()  # a member is not its lead


@pytest.mark.parametrize("size", [2, 40])
def test_managers_home_query_budget(django_assert_max_num_queries, team, manager, size, settings):
    settings.PORTFOLIO_CACHE_SECONDS = 0  # the whole overview computed: the worst case
    Project.objects.bulk_create(
        Project(team=team, name=f"M{index}", slug=f"m-{index}", phase=Phase.RUN) for index in range(size)
    )
    for project in Project.objects.all()[: size // 2]:
        CostEntryFactory(project=project, incurred_on=months_back(1)[0], amount=Decimal("50"))
    ledger_rollup()
    client = client_for(manager)
    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200
