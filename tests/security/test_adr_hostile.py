"""Hostile input on decision records: the XSS corpus over every markdown field of a record and its
comments, oversized and zip-bomb imports, malformed files, and hypothesis on the ADR parser."""
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from adr import exporters, importers
from adr.models import Adr, Comment
from tests.conftest import client_for
from tests.factories import AdrFactory
from tests.security.htmlcheck import new_hostile_parts
from tests.security.org import build_org
from tests.security.snapshot import tables
from tests.security.test_xss import BATCH, HARMLESS, PAYLOADS

ADR_FIELDS = ["context", "drivers", "outcome", "consequences", "confirmation", "more_information"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ADR_FIELDS + ["option", "comment"])
def test_markdown_fields_of_a_decision(field):
    org = build_org()
    client = client_for(org.users["member"])
    page = org.adr.get_absolute_url()

    def store(text: str) -> None:
        if field == "comment":
            Comment.objects.filter(pk=org.comment.pk).update(body=text)
        elif field == "option":
            Adr.objects.filter(pk=org.adr.pk).update(options=[
                {"title": "Feast", "description": text, "good": [text], "neutral": [text], "bad": [text]}
            ])
        else:
            Adr.objects.filter(pk=org.adr.pk).update(**{field: text})

    store(HARMLESS)
    baseline = client.get(page)
    assert baseline.status_code == 200
    baseline_html = baseline.content.decode()
    assert "example.com" in baseline_html, f"{field} is not on {page}"
    failures = []
    for start in range(0, len(PAYLOADS), BATCH):
        batch = PAYLOADS[start:start + BATCH]
        store("\n\n".join(batch))
        response = client.get(page)
        assert response.status_code == 200, batch
        problems = new_hostile_parts(response.content.decode(), baseline_html)
        if problems:
            failures.append(f"{batch!r}: {problems}")
    assert not failures, f"{field}:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_live_preview_is_sanitised_too():
    org = build_org()
    client = client_for(org.users["member"])
    url = f"/projects/{org.project.slug}/adrs/preview/"
    baseline = client.post(url, {"title": "t", "context": HARMLESS}).content.decode()
    for start in range(0, len(PAYLOADS), BATCH):
        text = "\n\n".join(PAYLOADS[start:start + BATCH])
        response = client.post(url, {"title": text[:200], **{name: text for name in ADR_FIELDS}})
        assert response.status_code == 200
        assert not new_hostile_parts(response.content.decode(), baseline)


# Uploads

def _import(client, org, *files):
    return client.post(f"/projects/{org.project.slug}/adrs/import/", {"files": list(files)})


@pytest.mark.django_db
@override_settings(ADR_IMPORT_MAX_UPLOAD_MB=1)
def test_an_oversized_adr_upload_is_refused_next_to_the_field():
    org = build_org()
    client = client_for(org.users["member"])
    before = tables()
    big = SimpleUploadedFile("0001-big.md", b"# 1. Big\n\n" + b"words " * 200_000, "text/markdown")
    response = _import(client, org, big)
    assert response.status_code == 400
    page = response.content.decode()
    assert "the limit is 1 MB" in page and "is-invalid" in page
    assert tables() == before


@pytest.mark.django_db
@override_settings(ADR_IMPORT_MAX_UNZIPPED_MB=1)
def test_a_zip_bomb_is_refused():
    org = build_org()
    client = client_for(org.users["member"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("0001-bomb.md", "# 1. Bomb\n\n" + "a" * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    before = tables()
    response = _import(client, org, SimpleUploadedFile("decisions.zip", buffer.getvalue(), "application/zip"))
    assert response.status_code == 400
    assert "more than 1 MB once unpacked" in response.content.decode()
    assert tables() == before


MALFORMED = {
    "truncated front matter": b"---\nstatus: accepted\ndate: 2025-",
    "bad yaml": b"---\nstatus: [accepted\n---\n# 1. Title\n",
    "latin-1": "# 1. Caf\xe9 au lait\n\n## Context and Problem Statement\n\nCr\xe8me.\n".encode("latin-1"),
    "utf-16": "# 1. Title\n\nText.\n".encode("utf-16"),
    "binary": os.urandom(2048),
    "nul bytes": b"# 1. Ti\x00tle\n\nText\x00.\n",
    "broken zip": b"PK\x03\x04" + os.urandom(200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(MALFORMED))
def test_malformed_adr_files_are_refused_cleanly(kind):
    org = build_org()
    client = client_for(org.users["member"])
    name = "decisions.zip" if kind == "broken zip" else "0002-malformed.md"
    before_count = Adr.objects.count()
    response = _import(client, org, SimpleUploadedFile(name, MALFORMED[kind], "text/markdown"))
    assert response.status_code in (200, 400)
    page = response.content.decode()
    # Either the whole upload is refused next to the field, or the file's line in the report says why.
    assert "invalid-feedback" in page or "0002-malformed.md" in page
    imported = Adr.objects.count() - before_count
    if kind == "latin-1" and imported:
        adr = Adr.objects.latest("pk")
        assert "\x00" not in adr.title + adr.context
    else:
        assert imported == 0, kind


# The parser (hypothesis)

@hypothesis_settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["0001-x.md", "x.markdown", "README.md", "9999999999-y.md"]), text=st.text(max_size=2000))
def test_the_parser_never_crashes(name, text):
    try:
        importers.parse(name, text)
    except (importers.NotADecision, importers.ParseError):
        pass


line = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" ,.;()'"),
    min_size=1, max_size=60,
).map(str.strip).filter(bool)
paragraph = st.lists(line, min_size=1, max_size=3).map(" ".join)


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=line, context=paragraph, outcome=paragraph, consequences=paragraph,
       status=st.sampled_from(["proposed", "accepted", "rejected", "deprecated"]))
def test_export_then_import_gives_the_same_record(title, context, outcome, consequences, status):
    with transaction.atomic():
        adr = AdrFactory(title=title, context=context, outcome=outcome, consequences=consequences, status=status,
                         status_as_written=status)
        parsed = importers.parse(exporters.file_name(adr), exporters.render(adr))
        assert (parsed.title, parsed.number, parsed.status) == (title, adr.number, status)
        assert (parsed.context, parsed.outcome, parsed.consequences) == (context, outcome, consequences)
        transaction.set_rollback(True)
