"""Hostile input that is not markdown: CSV injection in exports, oversized and malformed FOCUS
uploads, and property-based tests of the ledger maths."""
import csv
import io
import os
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from projects.ledger.rollup import ledger_rollup
from projects.ledger.models import CostEntry, FocusImport, FocusRow, LedgerMonth, ValueEntry
from projects.common.spreadsheet import FORMULA_START, safe_cell, safe_row
from tests.conftest import client_for
from tests.factories import CostEntryFactory, ProjectFactory, TeamFactory, ValueEntryFactory, make_manager
from tests.security.snapshot import tables

HEADER = "BillingCurrency,BilledCost,EffectiveCost,ChargePeriodStart,SubAccountId\n"
ROW = "EUR,10.50,10.50,2025-03-01T00:00:00Z,acct-churn\n"


# CSV injection

@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"http://evil.example\",\"x\")", "-", "+", "@"])
def test_formula_cells_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "+3", "-1e5", Decimal("-4.2"), 7, None, "2025-03", "EUR", "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe_cell(value) == value


@pytest.mark.django_db
def test_ledger_csv_export_has_no_formula_cell(member, team):
    project = ProjectFactory(team=team, slug="churn")
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 2), amount=Decimal("-80.00"))  # a credit
    CostEntryFactory(project=project, incurred_on=date(2025, 4, 2), amount=Decimal("120.00"))
    ValueEntryFactory(project=project, realized_on=date(2025, 4, 20), amount=Decimal("15"))
    ledger_rollup(today=date(2025, 6, 1))
    response = client_for(member).get("/projects/churn/ledger/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert "-80" in rows[1][1]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or safe_cell(cell) == cell, cell


def test_safe_row_keeps_the_order():
    assert safe_row(["=x", 1, "y"]) == ["'=x", 1, "y"]


# Uploads

def _upload(client, content: bytes, name: str = "billing.csv"):
    return client.post("/ledger/imports/", {"upload": SimpleUploadedFile(name, content, "text/csv"), "currency": ""})


@pytest.mark.django_db
@override_settings(LEDGER_FOCUS_MAX_UPLOAD_MB=1)
def test_an_oversized_focus_upload_is_refused_next_to_the_field():
    client = client_for(make_manager(username="maria"))
    content = (HEADER + ROW * 40_000).encode()
    assert len(content) > 1024 * 1024
    before = tables()
    response = _upload(client, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "the limit is 1 MB" in page
    assert 'id="id_upload"' in page and "is-invalid" in page
    assert tables() == before


def _malformed() -> dict[str, bytes]:
    good = (HEADER + ROW * 3).encode()
    return {
        "empty": b"",
        "truncated header": HEADER[:20].encode(),
        "truncated row": good[: len(good) - 25],
        "unterminated quote": (HEADER + 'EUR,"10.50,10.50,2025-03-01T00:00:00Z,acct-churn\n').encode(),
        "latin-1": (HEADER + "EUR,10.50,10.50,2025-03-01T00:00:00Z,caf\xe9\n").encode("latin-1"),
        "utf-16": (HEADER + ROW).encode("utf-16"),
        "binary": os.urandom(4096),
        "png": b"\x89PNG\r\n\x1a\n" + os.urandom(512),
        "nul bytes": (HEADER + "EUR,10.50,10\x00.50,2025-03-01T00:00:00Z,acct\n").encode(),
        "gzip": b"\x1f\x8b\x08\x00" + os.urandom(256),
    }


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("kind", list(_malformed()))
def test_malformed_focus_files_are_refused_cleanly(kind, django_capture_on_commit_callbacks):
    client = client_for(make_manager(username="maria"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _malformed()[kind])
    assert response.status_code in (302, 400)
    assert not FocusRow.objects.exists() and not CostEntry.objects.exists()
    if response.status_code == 400:
        assert 'class="invalid-feedback' in response.content.decode() or "alert-danger" in response.content.decode()
        assert not FocusImport.objects.exists()
    else:
        focus_import = FocusImport.objects.get()
        assert focus_import.status == FocusImport.Status.FAILED
        assert focus_import.error
        page = client.get("/ledger/").content.decode()
        assert focus_import.error.split(":")[0] in page


# Ledger maths (hypothesis)

MONTHS = [date(2025, month, 1) for month in range(1, 7)]
entries = st.lists(
    st.tuples(
        st.sampled_from(MONTHS), st.integers(min_value=0, max_value=27),
        st.sampled_from([c for c, _ in CostEntry.Category.choices]),
        st.decimals(min_value=Decimal("-1000"), max_value=Decimal("100000"), places=2, allow_nan=False),
        st.booleans(),
    ),
    max_size=25,
)
values = st.lists(
    st.tuples(st.sampled_from(MONTHS), st.decimals(min_value=0, max_value=Decimal("100000"), places=2), st.booleans()),
    max_size=10,
)


@pytest.mark.django_db
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(costs=entries, gains=values)
def test_rollup_equals_the_sum_of_live_entries(costs, gains):
    with transaction.atomic():
        project = ProjectFactory(team=TeamFactory(slug="maths"), slug="maths-project")
        now = date(2025, 7, 1)
        CostEntry.objects.bulk_create([
            CostEntry(project=project, incurred_on=month.replace(day=1 + day), category=category, amount=amount,
                      currency="EUR", voided_at=None if not voided else "2025-07-01T00:00:00Z")
            for month, day, category, amount, voided in costs
        ])
        ValueEntry.objects.bulk_create([
            ValueEntry(project=project, realized_on=month, kind="cost_saved", amount=amount, currency="EUR",
                       confidence="measured", evidence="x", voided_at=None if not voided else "2025-07-01T00:00:00Z")
            for month, amount, voided in gains
        ])
        expected = defaultdict(Decimal)
        for month, _day, category, amount, voided in costs:
            if not voided:
                expected[(month, category)] += amount
                expected[(month, "total")] += amount
        for month, amount, voided in gains:
            if not voided:
                expected[(month, "value")] += amount

        ledger_rollup(project_ids=[project.pk], today=now)
        rows = {row.month: row for row in LedgerMonth.objects.filter(project=project)}
        for month in MONTHS:
            row = rows.get(month)
            got = {
                "cloud": row.cost_cloud if row else 0, "licences": row.cost_licences if row else 0,
                "people": row.cost_people if row else 0, "other": row.cost_other if row else 0,
                "total": row.cost_total if row else 0, "value": row.value_total if row else 0,
            }
            for key, amount in got.items():
                assert amount == expected[(month, key)], (month, key)
        first = list(LedgerMonth.objects.filter(project=project).values_list(
            "month", "cost_total", "value_total", "cumulative_cost", "cumulative_value", "trailing_cost"))
        ledger_rollup(project_ids=[project.pk], today=now)
        ledger_rollup(today=now)
        again = list(LedgerMonth.objects.filter(project=project).values_list(
            "month", "cost_total", "value_total", "cumulative_cost", "cumulative_value", "trailing_cost"))
        assert again == first
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_portfolio_csv_export_neutralises_formula_names(member, team):
    ProjectFactory(team=team, slug="formula", name='=HYPERLINK("http://evil.example","Click")')
    ProjectFactory(team=team, slug="at-sign", name="@SUM(A1:A9)")
    response = client_for(member).get("/portfolio/export.csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in cells
    assert "'@SUM(A1:A9)" in cells
    for cell in cells:
        assert not cell.startswith(FORMULA_START) or safe_cell(cell) == cell, cell
