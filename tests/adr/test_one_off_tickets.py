"""A one-off remediation ticket: work done once by a due date, perhaps followed in an outside tracker. It pays
a reckless shortcut back like a recurring toil item does: it removes the "no remediation" flag, and while it is
open past the decision's revisit date the decision is overdue. Past its own due date it is late."""
from datetime import timedelta

import pytest
from django.urls import reverse

from adr import selectors, services
from adr.models import OneOffTicket
from projects import clock
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.factories import reckless_shortcut as shortcut

pytestmark = [pytest.mark.calendar, pytest.mark.django_db]



@pytest.fixture
def project(team):
    return ProjectFactory(team=team)


def new_url(adr):
    return reverse("adr:ticket_new", args=[adr.project.slug, adr.number])


def test_a_one_off_ticket_is_the_decisions_remediation_until_done(project, member):
    adr = shortcut(project, member, revisit_in_days=-1)
    assert adr in selectors.no_remediation() and adr in selectors.overdue_shortcuts()
    ticket = services.ticket_create(actor=member, adr=adr, title="Replace the cron job", due_on=clock.today() + timedelta(days=7))
    assert adr not in selectors.no_remediation()
    assert adr in selectors.overdue_shortcuts()  # open past the revisit date
    services.ticket_set_done(actor=member, ticket=ticket, done=True)
    assert adr not in selectors.overdue_shortcuts() and adr not in selectors.matrix()["overdue"]
    ticket.refresh_from_db()
    assert ticket.done_on == clock.today()
    services.ticket_set_done(actor=member, ticket=ticket, done=False)
    assert adr in selectors.overdue_shortcuts()
    assert OneOffTicket.objects.get(pk=ticket.pk).done_on is None


def test_late_means_open_after_its_due_date(project, member):
    adr = shortcut(project, member, revisit_in_days=60)
    due_today = services.ticket_create(actor=member, adr=adr, title="Today", due_on=clock.today())
    late = services.ticket_create(actor=member, adr=adr, title="Yesterday", due_on=clock.today() - timedelta(days=1))
    assert list(OneOffTicket.objects.late()) == [late]
    services.ticket_set_done(actor=member, ticket=late, done=True)
    assert list(OneOffTicket.objects.late()) == []
    assert due_today.status == OneOffTicket.Status.OPEN


def test_created_from_the_decision_page_with_a_due_date_and_a_link(project, member):
    adr = shortcut(project, member, revisit_in_days=30)
    client = client_for(member)
    page = client.get(adr.get_absolute_url()).content.decode()
    assert new_url(adr) in page and 'data-testid="no-remediation-flag"' in page
    form = client.get(new_url(adr)).context["form"]
    assert adr.code in form.initial["title"] and form.initial["owner"] == member.pk
    due = clock.today() + timedelta(days=14)
    response = client.post(new_url(adr), {
        "title": "Move scoring into the scheduler", "due_on": due.isoformat(),
        "link": "https://tracker.example/PAY-12", "owner": member.pk,
    })
    ticket = OneOffTicket.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#ticket-{ticket.pk}")
    assert (ticket.due_on, ticket.link, ticket.owner, ticket.created_by) == (due, "https://tracker.example/PAY-12", member, member)
    page = client.get(adr.get_absolute_url()).content.decode()
    assert f'id="ticket-{ticket.pk}"' in page and "https://tracker.example/PAY-12" in page
    assert f"due {due:%Y-%m-%d}" in page and 'data-testid="no-remediation-flag"' not in page


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("due_on", {"due_on": ""}, "This field is required."),
        ("link", {"link": "ftp://files.example/ticket"}, "Enter a valid URL."),
        ("link", {"link": "javascript:alert(1)"}, "Enter a valid URL."),
        ("title", {"title": " "}, "This field is required."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_changes_nothing(project, member, field, data, message):
    adr = shortcut(project, member, revisit_in_days=30)
    response = client_for(member).post(new_url(adr), {"title": "Fix it", "due_on": clock.today().isoformat(), **data})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not OneOffTicket.objects.exists()


def test_the_owner_is_a_member_of_the_team(project, member):
    adr = shortcut(project, member, revisit_in_days=30)
    stranger = MembershipFactory(user=UserFactory()).user
    response = client_for(member).post(new_url(adr), {"title": "Fix it", "due_on": clock.today().isoformat(), "owner": stranger.pk})
    assert response.status_code == 400 and "owner" in response.context["form"].errors
    assert not OneOffTicket.objects.exists()


def test_an_edit_made_meanwhile_is_not_overwritten(project, member, lead):
    adr = shortcut(project, member, revisit_in_days=30)
    ticket = services.ticket_create(actor=member, adr=adr, title="Fix it", due_on=clock.today() + timedelta(days=10))
    url = reverse("adr:ticket_edit", args=[project.slug, adr.number, ticket.pk])
    loaded = client_for(member).get(url).context["form"].initial["updated_at"]
    later = clock.today() + timedelta(days=20)
    assert client_for(lead).post(url, {"title": "Fix it", "due_on": later.isoformat(), "updated_at": loaded}).status_code == 302
    response = client_for(member).post(url, {"title": "Fix it now", "due_on": clock.today().isoformat(), "updated_at": loaded})
    assert response.status_code == 400
    assert "Someone changed this ticket" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.title, ticket.due_on) == ("Fix it", later)


def test_a_ticket_is_reached_only_through_its_own_decision(project, member):
    adr = shortcut(project, member, revisit_in_days=30)
    other = shortcut(project, member, revisit_in_days=30)
    ticket = services.ticket_create(actor=member, adr=adr, title="Fix it", due_on=clock.today())
    wrong = reverse("adr:ticket_done", args=[project.slug, other.number, ticket.pk])
    assert client_for(member).post(wrong, {"done": "1"}).status_code == 404
    assert OneOffTicket.objects.get(pk=ticket.pk).status == OneOffTicket.Status.OPEN


def test_home_lists_my_late_one_off_tickets(project, member, lead):
    adr = shortcut(project, member, revisit_in_days=30)
    services.ticket_create(actor=member, adr=adr, title="Late and mine", due_on=clock.today() - timedelta(days=2), owner=member)
    services.ticket_create(actor=member, adr=adr, title="Not due yet", due_on=clock.today() + timedelta(days=2), owner=member)
    services.ticket_create(actor=member, adr=adr, title="Late, the lead's", due_on=clock.today() - timedelta(days=2), owner=lead)
    response = client_for(member).get("/")
    assert [ticket.title for ticket in response.context["overdue_one_offs"]] == ["Late and mine"]
    assert "Late and mine" in response.content.decode()
