"""Import from every format teams keep (the shared corpus and our own samples), and the lossless export round trip."""
import json
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from adr import importers, services
from adr.models import Adr, AdrRevision, Status
from tests.conftest import client_for
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CORPUS = Path("/work/shared/corpus/adr")
if not CORPUS.exists():
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "adr"
SAMPLES = Path(__file__).parent / "samples"
CORPUS_FILES = sorted(CORPUS.glob("*/*.md"))
NOT_DECISIONS = {"README.md", "index.md"}


def run_import(directory: Path, slug: str, capsys) -> dict:
    call_command("import_adrs", str(directory), "--project", slug, "--json")
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def importer(team):
    from tests.factories import MembershipFactory

    return MembershipFactory(team=team, user=UserFactory(username="importer", is_superuser=True)).user


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, slug="target")


def test_corpus_is_present():
    assert len(CORPUS_FILES) >= 30


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_corpus_file_is_read_or_skipped_as_not_a_decision(path):
    text = path.read_text(encoding="utf-8")
    if path.name in NOT_DECISIONS or "template" in path.name:
        with pytest.raises(importers.NotADecision):
            importers.parse(path.name, text)
        return
    parsed = importers.parse(path.name, text)
    assert parsed.title and "{" not in parsed.title
    assert parsed.number == int(path.name[:4])
    assert parsed.status in Status.values
    assert parsed.context or parsed.outcome


@pytest.mark.parametrize("folder", ["adr-tools", "madr4", "madr4-templates"])
def test_each_corpus_folder_imports_with_every_file_reported(folder, project, importer, capsys):
    result = run_import(CORPUS / folder, project.slug, capsys)
    files = sorted(path.name for path in (CORPUS / folder).iterdir())
    assert sorted(report["file"] for report in result["files"]) == files
    results = {report["file"]: report for report in result["files"]}
    for name, report in results.items():
        expected = "skipped" if name in NOT_DECISIONS or "template" in name else "imported"
        assert report["result"] == expected, report
        assert set(report) == {"file", "result", "reason", "number", "title", "status", "status_as_written", "date", "supersedes", "superseded_by"}
        if expected == "skipped":
            assert report["reason"].startswith("not a decision")
    assert Adr.objects.filter(project=project).count() == sum(1 for r in results.values() if r["result"] == "imported")


def test_adr_tools_corpus_keeps_dates_titles_and_amends_links(project, importer, capsys):
    run_import(CORPUS / "adr-tools", project.slug, capsys)
    first = Adr.objects.get(project=project, number=1)
    assert first.title == "Record architecture decisions"
    assert str(first.decided_on) == "2016-02-12"
    assert first.status == Status.ACCEPTED
    help_comments = Adr.objects.get(project=project, number=5)
    assert list(help_comments.relates_to.values_list("number", flat=True)) == [9]


def test_madr4_corpus_keeps_non_standard_status_and_extra_keys(project, importer, capsys):
    result = run_import(CORPUS / "madr4", project.slug, capsys)
    on_hold = next(report for report in result["files"] if report["number"] == 3)
    assert on_hold["status"] == "proposed" and on_hold["status_as_written"] == "on hold"
    adr = Adr.objects.get(project=project, number=8)
    assert adr.chosen_option == "Use YAML front matter"
    assert len(adr.options) == 6
    assert adr.front_matter_extra == {"parent": "Decisions", "nav_order": 8}
    assert "# Write own MADR tooling" in adr.options[0]["description"], "headings inside code fences stay content"


def test_own_samples_in_every_format(project, importer, capsys, django_user_model):
    sam = UserFactory(username="sam")
    result = run_import(SAMPLES, project.slug, capsys)
    reports = {report["file"]: report for report in result["files"]}
    assert reports["README.md"]["result"] == "skipped"
    assert reports["0099-broken-front-matter.md"]["result"] == "error"
    assert "YAML" in reports["0099-broken-front-matter.md"]["reason"]

    madr2 = Adr.objects.get(project=project, number=1)
    assert madr2.status == Status.ACCEPTED and str(madr2.decided_on) == "2019-03-04"
    assert [option["title"] for option in madr2.options] == ["PostgreSQL", "Cassandra"]
    assert madr2.options[0] == {"title": "PostgreSQL", "description": "Mature.", "good": ["it is known"], "neutral": [], "bad": ["scaling writes is hard"]}
    assert madr2.chosen_option == "PostgreSQL" and madr2.outcome == "the team runs it already."
    assert "Positive Consequences" in madr2.consequences and "sharding later" in madr2.consequences
    assert madr2.decision_makers_external == ["lea", "Jane Outside"]

    madr3 = Adr.objects.get(project=project, number=3)
    assert (madr3.status, madr3.status_as_written) == (Status.PROPOSED, "on hold")
    assert list(madr3.decision_makers.all()) == [sam]
    assert madr3.consulted_external == ["Data protection office"]
    assert madr3.front_matter_extra == {"owner-team": "analytics"}

    madr4 = Adr.objects.get(project=project, number=5)
    assert madr4.tags == ["database", "storage"]
    assert madr4.confirmation == "A CI job checks the server version."
    assert madr4.options[0]["neutral"] == ["a migration is needed"]
    assert madr4.decision_makers_external == ["External Architect"]

    mysql = Adr.objects.get(project=project, number=2)
    assert mysql.status == Status.SUPERSEDED
    assert reports["0002-madr2-superseded.md"]["superseded_by"] == [5]
    assert set(mysql.superseded_by.values_list("number", flat=True)) == {4, 5}, "several records supersede it"

    nygard = Adr.objects.get(project=project, number=4)
    assert nygard.title == "Deploy with containers" and nygard.status == Status.ACCEPTED
    assert nygard.outcome == "We will deploy every model as a container."
    assert nygard.consequences == "Images must be scanned."

    old, new = Adr.objects.get(project=project, number=6), Adr.objects.get(project=project, number=7)
    assert old.status == Status.SUPERSEDED and list(new.supersedes.all()) == [old]

    log4brains = Adr.objects.get(project=project, title="Use Log4brains to manage the ADRs")
    assert log4brains.number == 8, "a date-named file takes the next free number"
    assert (log4brains.status, log4brains.status_as_written) == (Status.PROPOSED, "draft")
    assert log4brains.tags == ["doc", "tooling"]
    assert log4brains.drivers == "- easy to write"
    assert list(log4brains.relates_to.values_list("number", flat=True)) == [4]


def test_importing_again_changes_nothing_and_a_changed_file_becomes_a_revision(project, importer, capsys, tmp_path):
    folder = tmp_path / "adrs"
    shutil.copytree(SAMPLES, folder)
    run_import(folder, project.slug, capsys)
    count, revisions = Adr.objects.count(), AdrRevision.objects.count()

    again = run_import(folder, project.slug, capsys)
    assert {report["result"] for report in again["files"]} == {"unchanged", "skipped", "error"}
    assert (Adr.objects.count(), AdrRevision.objects.count()) == (count, revisions)

    path = folder / "0004-nygard-status-after.md"
    path.write_text(path.read_text().replace("Images must be scanned.", "Images must be scanned and signed."))
    third = run_import(folder, project.slug, capsys)
    changed = next(report for report in third["files"] if report["file"] == path.name)
    assert changed["result"] == "updated"
    adr = Adr.objects.get(project=project, number=4)
    assert adr.consequences == "Images must be scanned and signed." and adr.version == 2
    assert Adr.objects.count() == count
    assert adr.revisions.get(version=1).content["consequences"] == "Images must be scanned."


def test_two_files_with_the_same_number_keep_one_and_renumber_the_other(project, importer, capsys, tmp_path):
    (tmp_path / "0001-first.md").write_text("# 1. First\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nA.\n")
    (tmp_path / "0001-second.md").write_text("# 1. Second\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nB.\n")
    result = run_import(tmp_path, project.slug, capsys)
    first, second = result["files"]
    assert (first["number"], second["number"]) == (1, 2)
    assert "already taken" in second["reason"]


def test_export_then_import_into_an_empty_project_gives_the_same_records(project, importer, capsys, tmp_path, team):
    UserFactory(username="sam")
    run_import(SAMPLES, project.slug, capsys)
    run_import(CORPUS / "madr4", project.slug, capsys)
    lead = importer
    adr = Adr.objects.get(project=project, number=5)
    services.comment_add(actor=lead, adr=adr, body="kept out of the export")
    call_command("export_adrs", str(tmp_path / "out"), "--project", project.slug)
    capsys.readouterr()
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names[0] == "0000-use-markdown-architectural-decision-records.md"
    assert all(name[:4].isdigit() and name.endswith(".md") for name in names)

    empty = ProjectFactory(team=team, slug="copy")
    result = run_import(tmp_path / "out", empty.slug, capsys)
    assert {report["result"] for report in result["files"]} == {"imported"}
    for original in Adr.objects.filter(project=project):
        copy = Adr.objects.get(project=empty, number=original.number)
        assert services.adr_content(copy) == services.adr_content(original), original.number
        assert copy.front_matter_extra == original.front_matter_extra


def test_upload_of_several_files_and_a_zip_in_the_browser(project, member):
    uploads = [SimpleUploadedFile(path.name, path.read_bytes()) for path in sorted(SAMPLES.glob("000[1-3]*.md"))]
    response = client_for(member).post(f"/projects/{project.slug}/adrs/import/", {"files": uploads})
    assert response.status_code == 200
    assert Adr.objects.filter(project=project).count() == 3
    assert b"imported" in response.content

    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(SAMPLES.iterdir()):
            zipped.write(path, f"docs/adr/{path.name}")
    response = client_for(member).post(
        f"/projects/{project.slug}/adrs/import/", {"files": [SimpleUploadedFile("adrs.zip", archive.getvalue())]}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "unchanged" in content and "skipped" in content and "YAML" in content
    assert Adr.objects.filter(project=project).count() == 8


def test_upload_of_a_broken_zip_says_so_and_imports_nothing(project, member):
    response = client_for(member).post(
        f"/projects/{project.slug}/adrs/import/", {"files": [SimpleUploadedFile("adrs.zip", b"not a zip")]}
    )
    assert response.status_code == 400
    assert "not a readable zip" in response.content.decode()
    assert not Adr.objects.exists()


def test_other_team_cannot_import(project, outsider):
    path = SAMPLES / "0005-madr4-full.md"
    response = client_for(outsider).post(
        f"/projects/{project.slug}/adrs/import/", {"files": [SimpleUploadedFile(path.name, path.read_bytes())]}
    )
    assert response.status_code == 403
    assert not Adr.objects.exists()


def test_import_command_refuses_unknown_project(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No project"):
        call_command("import_adrs", str(tmp_path), "--project", "nope")
