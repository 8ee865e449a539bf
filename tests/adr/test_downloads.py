"""Decisions out of the portal from the browser: one record as MADR, a project's records as a zip that
imports back to the same people; and the banner on a decision that is no longer in force."""
import io
import re
import zipfile

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from adr import services
from adr.models import Adr, Status
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, slug="churn", name="Churn")


@pytest.fixture
def makers(team):
    # Two people with the same name: only the username tells them apart.
    return [
        MembershipFactory(team=team, user=UserFactory(username="amartin", first_name="Alex", last_name="Martin")).user,
        MembershipFactory(team=team, user=UserFactory(username="alex.m", first_name="Alex", last_name="Martin")).user,
    ]


@pytest.fixture
def adr(project, member, makers):
    return services.adr_create(
        actor=member, project=project, title="Use batch scoring", context="Monthly offers.", decision_makers=[makers[1]],
        consulted=[makers[0]], informed_external=["Finance desk"], options=[{"title": "Batch"}, {"title": "Real time"}],
        chosen_option="Batch",
    )


def link_to(html: str, text: str) -> str:
    """The href of the link whose text is `text`."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", html)
    assert len(found) == 1, found
    return found[0]


def banner(html: str) -> str | None:
    found = re.search(r'<div [^>]*id="superseded-banner"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)) if found else None


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_a_decision_downloads_as_madr_naming_people_by_name_and_username_with_no_empty_keys(adr, project, outsider):
    href = link_to(client_for(outsider).get(adr.get_absolute_url()).content.decode(), "Download MADR")
    assert href == f"/projects/{project.slug}/adrs/{adr.number}/madr/"

    response = client_for(outsider).get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{adr.number:04d}-use-batch-scoring.md"'
    front = front_matter(response.content.decode())
    assert front["decision-makers"] == ["Alex Martin <alex.m>"]
    assert front["consulted"] == ["Alex Martin <amartin>"]
    assert front["informed"] == ["Finance desk"]
    assert "status-as-written" not in front
    assert all(value not in ("", None, [], {}) for value in front.values()), front


def test_a_project_downloads_as_a_zip_that_imports_back_to_the_same_people(adr, project, member, makers, team):
    services.adr_create(actor=member, project=project, title="Keep features in one store", decision_makers=[makers[0], member])
    href = link_to(client_for(member).get(f"/projects/{project.slug}/adrs/").content.decode(), "Download all (MADR zip)")
    response = client_for(member).get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="churn-decisions.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [f"churn/{adr.number:04d}-use-batch-scoring.md", f"churn/{adr.number + 1:04d}-keep-features-in-one-store.md"]

    copy = ProjectFactory(team=team, slug="churn-copy")
    upload = SimpleUploadedFile("churn-decisions.zip", response.content)
    assert client_for(member).post(f"/projects/{copy.slug}/adrs/import/", {"files": [upload]}).status_code == 200
    first = Adr.objects.get(project=copy, number=adr.number)
    assert list(first.decision_makers.all()) == [makers[1]]
    assert list(first.consulted.all()) == [makers[0]]
    assert first.consulted_external == [] and first.informed_external == ["Finance desk"]
    second = Adr.objects.get(project=copy, number=adr.number + 1)
    assert set(second.decision_makers.all()) == {makers[0], member}
    assert second.decision_makers_external == []


def test_a_name_whose_username_is_unknown_here_is_kept_as_written(project, member):
    adr = services.adr_create(actor=member, project=project, title="Imported")
    users, external = services._people(["Dana Smith <dsmith>", f"{member.get_full_name()} <nobody-here>"])
    assert users == [member] and external == ["Dana Smith <dsmith>"]
    assert adr.decision_makers.count() == 0


def test_a_project_without_decisions_offers_no_download_and_anonymous_is_sent_to_login(project, member, client, adr):
    empty = ProjectFactory(team=project.team, slug="empty")
    page = client_for(member).get(f"/projects/{empty.slug}/adrs/").content.decode()
    assert "Download all" not in page
    for url in (f"/projects/{project.slug}/adrs/export.zip", f"/projects/{project.slug}/adrs/{adr.number}/madr/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(member).get(f"/projects/{project.slug}/adrs/999/madr/").status_code == 404


def test_a_superseded_decision_names_its_successors_at_the_top(adr, project, member):
    newer = services.adr_create(actor=member, project=project, title="Stream scoring", supersedes=[adr])
    text = banner(client_for(member).get(adr.get_absolute_url()).content.decode())
    assert "This decision is superseded." in text
    assert f'href="{newer.get_absolute_url()}">{newer.code} Stream scoring</a>' in text
    assert banner(client_for(member).get(newer.get_absolute_url()).content.decode()) is None


def test_a_deprecated_decision_says_so_even_without_a_successor(adr, project, member):
    Adr.objects.filter(pk=adr.pk).update(status=Status.DEPRECATED)
    text = banner(client_for(member).get(adr.get_absolute_url()).content.decode())
    assert "This decision is deprecated." in text
    assert "No decision names itself as its successor." in text
