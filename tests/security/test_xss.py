"""The markdown XSS corpus (xss_payloads.json, known payloads from the usual cheat sheets and
markdown-specific ones) over every field the portal renders as markdown: no script element, event
handler or script URL survives in the page."""
import json
from pathlib import Path

import pytest

from projects.decommission.models import DecommissionRequest
from projects.ledger.models import ValueEntry
from projects.common.markdown import render_markdown
from projects.models import Project
from tests.conftest import client_for
from tests.security.htmlcheck import hostile_parts, new_hostile_parts
from tests.security.org import build_org

PAYLOADS = json.loads((Path(__file__).parent / "xss_payloads.json").read_text())
BATCH = 12
HARMLESS = "Plain *words* and a [link](https://example.com)."


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_neutralises(payload):
    parts = hostile_parts(str(render_markdown(payload)))
    assert parts == {"tags": [], "handlers": [], "urls": []}, payload


def _fields(org):
    """(label, object, field, page) for every field rendered with the markdown filter."""
    from toil.models import ToilItem

    project_page = org.project.get_absolute_url()
    ledger_page = f"/projects/{org.project.slug}/ledger/"
    return [
        ("project description", Project.objects.filter(pk=org.project.pk), "description", project_page),
        ("value hypothesis", Project.objects.filter(pk=org.project.pk), "value_hypothesis", project_page),
        ("value evidence", ValueEntry.objects.filter(pk=org.value.pk), "evidence", ledger_page),
        ("decommission reason", DecommissionRequest.objects.filter(pk=org.decommission.pk), "reason",
         org.decommission.get_absolute_url()),
        ("toil description", ToilItem.objects.filter(pk=org.toil_item.pk), "description", org.toil_item.get_absolute_url()),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("field_index", range(5), ids=["description", "value_hypothesis", "evidence", "reason", "toil"])
def test_markdown_fields_of_every_page(field_index):
    org = build_org()
    label, queryset, field, page = _fields(org)[field_index]
    client = client_for(org.users["member"])
    queryset.update(**{field: HARMLESS})
    baseline = client.get(page)
    assert baseline.status_code == 200
    baseline_html = baseline.content.decode()
    assert "example.com" in baseline_html, f"{label} is not on {page}"
    failures = []
    # Pages are heavier than the filter: payloads go in batches of blocks here, one by one above.
    for start in range(0, len(PAYLOADS), BATCH):
        batch = PAYLOADS[start:start + BATCH]
        queryset.update(**{field: "\n\n".join(batch)})
        response = client.get(page)
        assert response.status_code == 200, batch
        problems = new_hostile_parts(response.content.decode(), baseline_html)
        if problems:
            failures.append(f"{batch!r}: {problems}")
    assert not failures, f"{label} on {page}:\n" + "\n".join(failures)
