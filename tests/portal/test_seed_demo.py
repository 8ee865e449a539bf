"""seed_demo loads the demo organisation, prints its logins as JSON, and can run twice."""
import json

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from projects.models import Membership, Team


def seed_json(capsys) -> dict:
    call_command("seed_demo", "--json")
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_seed_demo_prints_logins_that_work(capsys, rf):
    data = seed_json(capsys)
    roles = {user["role"] for user in data["users"]}
    assert roles == {"member", "lead", "manager", "admin"}
    for login in data["users"]:
        assert authenticate(rf.get("/"), username=login["username"], password=login["password"]) is not None
    assert isinstance(data["projects"], list)


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    seed_json(capsys)
    counts = (User.objects.count(), Team.objects.count(), Membership.objects.count())
    seed_json(capsys)
    assert (User.objects.count(), Team.objects.count(), Membership.objects.count()) == counts


@pytest.mark.django_db
def test_every_team_has_a_lead(capsys):
    seed_json(capsys)
    for team in Team.objects.all():
        assert team.memberships.filter(role="lead").exists(), team


@pytest.mark.django_db
def test_seed_demo_sends_no_email(capsys, django_capture_on_commit_callbacks, mailoutbox):
    """The demo's decommissions are history written on people's behalf: nobody is told about them."""
    with django_capture_on_commit_callbacks(execute=True):
        seed_json(capsys)
    from projects.decommission.models import DecommissionEvent

    assert DecommissionEvent.objects.exists()
    assert mailoutbox == []
