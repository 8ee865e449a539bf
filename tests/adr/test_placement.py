"""Placing decisions on the conscious/reckless matrix: the questionnaire's suggestion, the rules, re-judging
history, who may place, and the placement carried through MADR export and import."""
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from adr import services
from adr.models import Adr, Cell, Placement
from projects import clock
from tests.conftest import client_for
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adr(team, member):
    return services.adr_create(actor=member, project=ProjectFactory(team=team, slug="churn"), title="Send the mail by hand")


@pytest.mark.parametrize(
    ("answers", "cell"),
    [
        ({"knew_tradeoff": True, "weighed_alternatives": True}, Cell.CONSCIOUS_PRUDENT),
        ({"knew_tradeoff": True, "weighed_alternatives": False, "under_pressure": True}, Cell.CONSCIOUS_RECKLESS),
        ({"knew_tradeoff": True, "weighed_alternatives": True, "under_pressure": True}, Cell.CONSCIOUS_RECKLESS),
        ({"knew_tradeoff": False, "weighed_alternatives": False}, Cell.UNCONSCIOUS_RECKLESS),
        ({"knew_tradeoff": False, "weighed_alternatives": True}, Cell.UNCONSCIOUS_PRUDENT),
        ({"knew_tradeoff": True, "weighed_alternatives": True, "hindsight": True}, Cell.UNCONSCIOUS_PRUDENT),
    ],
)
def test_questionnaire_suggests_a_cell(answers, cell):
    assert services.suggest_cell(answers) == cell


def test_member_places_with_the_suggestion_without_a_reason(adr, member):
    placement = services.placement_set(actor=member, adr=adr, answers={"knew_tradeoff": True, "weighed_alternatives": True})
    assert (placement.cell, placement.suggested_cell, placement.placed_by) == (Cell.CONSCIOUS_PRUDENT,) * 2 + (member,)


def test_overriding_the_suggestion_needs_a_reason(adr, member):
    with pytest.raises(ValidationError) as error:
        services.placement_set(actor=member, adr=adr, answers={"knew_tradeoff": True}, cell=Cell.CONSCIOUS_PRUDENT)
    assert "reason" in error.value.message_dict
    assert not Placement.objects.exists()


def test_conscious_reckless_needs_a_revisit_date(adr, member):
    with pytest.raises(ValidationError) as error:
        services.placement_set(actor=member, adr=adr, cell=Cell.CONSCIOUS_RECKLESS)
    assert "revisit_by" in error.value.message_dict
    placement = services.placement_set(actor=member, adr=adr, cell=Cell.CONSCIOUS_RECKLESS, revisit_by=date(2026, 3, 1))
    assert placement.revisit_by == date(2026, 3, 1)


def test_re_judging_keeps_every_placement_and_needs_a_reason(adr, member, manager):
    services.placement_set(actor=member, adr=adr, cell=Cell.CONSCIOUS_PRUDENT)
    with pytest.raises(ValidationError):
        services.placement_set(actor=manager, adr=adr, cell=Cell.UNCONSCIOUS_PRUDENT)
    services.placement_set(actor=manager, adr=adr, cell=Cell.UNCONSCIOUS_PRUDENT, reason="Hindsight: ELT fits better.")
    assert list(adr.placements.values_list("cell", "placed_by__username")) == [
        (Cell.CONSCIOUS_PRUDENT, "member"), (Cell.UNCONSCIOUS_PRUDENT, "manager"),
    ]


def test_other_team_cannot_place_and_nothing_changes(adr, outsider):
    with pytest.raises(PermissionDenied):
        services.placement_set(actor=outsider, adr=adr, cell=Cell.CONSCIOUS_PRUDENT)
    response = client_for(outsider).post(f"{adr.get_absolute_url()}placement/", {"cell": Cell.CONSCIOUS_PRUDENT})
    assert response.status_code == 403
    assert not Placement.objects.exists()


def test_placement_from_the_record_page_and_its_history(adr, member):
    client = client_for(member)
    suggestion = client.post(f"{adr.get_absolute_url()}placement/suggest/", {"knew_tradeoff": "on", "under_pressure": "on"})
    assert suggestion.content.decode() == "Conscious and reckless"
    response = client.post(f"{adr.get_absolute_url()}placement/", {"knew_tradeoff": "on", "under_pressure": "on"})
    assert response.status_code == 400
    assert "needs a date to revisit" in response.content.decode()
    assert not Placement.objects.exists()
    response = client.post(f"{adr.get_absolute_url()}placement/", {"knew_tradeoff": "on", "under_pressure": "on", "revisit_by": "2026-06-30"})
    assert response.status_code == 302
    response = client.get(adr.get_absolute_url())
    page = response.content.decode()
    assert "Conscious and reckless" in page and "revisit by 2026-06-30" in page
    # Re-judging starts from the answers given, with their suggestion.
    form = response.context["placement_form"]
    assert [form[key].value() for key in ("knew_tradeoff", "weighed_alternatives", "under_pressure", "hindsight")] == [
        True, False, True, False,
    ]
    assert '<strong id="placement-suggestion" aria-live="polite">Conscious and reckless</strong>' in page


@pytest.mark.calendar
def test_export_and_import_carry_the_current_placement(adr, member, team, tmp_path, capsys):
    UserFactory(username="root", is_superuser=True)
    services.placement_set(actor=member, adr=adr, cell=Cell.CONSCIOUS_PRUDENT)
    services.placement_set(actor=member, adr=adr, cell=Cell.CONSCIOUS_RECKLESS, reason="Pressure from the launch.",
                           revisit_by=clock.today() + timedelta(days=30))
    call_command("export_adrs", str(tmp_path), "--project", "churn")
    text = next(tmp_path.iterdir()).read_text()
    assert "matrix-cell: conscious_reckless" in text and "matrix-reason: Pressure from the launch." in text
    empty = ProjectFactory(team=team, slug="copy")
    capsys.readouterr()
    call_command("import_adrs", str(tmp_path), "--project", "copy", "--json")
    assert json.loads(capsys.readouterr().out)["files"][0]["result"] == "imported"
    copy = Adr.objects.get(project=empty)
    placement = copy.placements.get()
    assert (placement.cell, placement.reason, placement.placed_by) == (Cell.CONSCIOUS_RECKLESS, "Pressure from the launch.", member)
    assert copy.front_matter_extra == {}
    call_command("import_adrs", str(tmp_path), "--project", "copy")
    assert copy.placements.count() == 1, "importing again adds no placement"


def test_imported_reckless_placement_without_revisit_date_is_reported(team, tmp_path, capsys):
    UserFactory(username="root", is_superuser=True)
    ProjectFactory(team=team, slug="target")
    (tmp_path / "0001-shortcut.md").write_text("---\nstatus: accepted\nmatrix-cell: conscious_reckless\n---\n# Shortcut\n\n## Context and Problem Statement\n\nHurry.\n")
    call_command("import_adrs", str(tmp_path), "--project", "target", "--json")
    report = json.loads(capsys.readouterr().out)["files"][0]
    assert report["result"] == "imported" and "placement not kept" in report["reason"]
    assert not Placement.objects.exists()


def test_an_upload_cannot_sign_a_placement_in_someone_elses_name(adr, member, team):
    """Through the browser the importer signs; the person the file names is kept in the reason."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    boss = UserFactory(username="boss")
    text = (
        "---\nstatus: accepted\nmatrix-cell: conscious_prudent\nmatrix-placed-by: boss\n"
        "matrix-placed-at: 2025-03-02T10:00:00+00:00\nmatrix-reason: Weighed.\n---\n"
        "# Keep the batch job\n\n## Context and Problem Statement\n\nCheap enough.\n"
    )
    response = client_for(member).post(
        f"/projects/{adr.project.slug}/adrs/import/", {"files": [SimpleUploadedFile("0009-keep-the-batch-job.md", text.encode())]}
    )
    assert response.status_code == 200
    placement = Placement.objects.get(adr__title="Keep the batch job")
    assert placement.placed_by == member != boss
    assert placement.reason == "Weighed. (Placed by boss, as the imported file says.)"
    client_for(member).post(
        f"/projects/{adr.project.slug}/adrs/import/", {"files": [SimpleUploadedFile("0009-keep-the-batch-job.md", text.encode())]}
    )
    assert Placement.objects.filter(adr__title="Keep the batch job").count() == 1, "importing again adds no placement"
    MembershipFactory(team=team, user=boss)
    client_for(boss).post(
        f"/projects/{adr.project.slug}/adrs/import/", {"files": [SimpleUploadedFile("0009-keep-the-batch-job.md", text.encode())]}
    )
    assert Placement.objects.filter(adr__title="Keep the batch job").count() == 1, "nor when the person it names imports it"


def test_imported_answers_are_read_like_the_questionnaire(team, tmp_path, capsys):
    """Only the four questions count, as yes or no, and they suggest the cell as on the page."""
    UserFactory(username="root", is_superuser=True)
    ProjectFactory(team=team, slug="target")
    (tmp_path / "0001-shortcut.md").write_text(
        "---\nstatus: accepted\nmatrix-cell: conscious_prudent\nmatrix-reason: Weighed.\n"
        "matrix-answers: {knew_tradeoff: true, weighed_alternatives: 1, surprise: true}\n---\n"
        "# Shortcut\n\n## Context and Problem Statement\n\nHurry.\n"
    )
    call_command("import_adrs", str(tmp_path), "--project", "target", "--json")
    placement = Placement.objects.get()
    assert placement.answers == {"knew_tradeoff": True, "weighed_alternatives": True}
    assert placement.suggested_cell == Cell.CONSCIOUS_PRUDENT
