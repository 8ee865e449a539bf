"""FOCUS import through `manage.py import_focus`: valid exports, broken ones, re-issues and voids."""
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management import CommandError, call_command

from projects.ledger.rollup import ledger_rollup
from projects.ledger import reference as ledger_reference
from projects.ledger import imports as ledger_imports
from projects.ledger.models import AllocationRule, FocusImport, FocusRow, LedgerMonth
from tests.factories import ProjectFactory
from tests.ledger.focus_files import COLUMNS_1_0, COLUMNS_1_2, row, tag, write

pytestmark = pytest.mark.django_db
CORPUS = Path("/work/shared/corpus/focus")


def run(capsys, path, *args) -> dict:
    call_command("import_focus", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def churn(team):
    return ProjectFactory(team=team, slug="churn", phase="run")


def test_focus_1_0_export_with_tags_is_imported_and_allocated(tmp_path, capsys, churn):
    path = write(tmp_path / "bill.csv", [
        row(Tags=tag("churn"), EffectiveCost="1.0000000001", BilledCost="2"),
        row(Tags=tag("churn"), EffectiveCost="0.0000000002", BilledCost="0"),
        row(Tags="", EffectiveCost="5", BilledCost="5"),
        row(Tags=tag("no-such-project"), EffectiveCost="3", BilledCost="3"),
    ])

    result = run(capsys, path)

    assert result == {
        "file": str(path), "rows_read": 4, "rows_imported": 4, "duplicates_skipped": 0, "dry_run": False,
        "currencies": {"EUR": {
            "effective_cost": "9.0000000003", "billed_cost": "10",
            "allocated_effective_cost": "1.0000000003", "unallocated_effective_cost": "8",
        }},
    }
    ledger_rollup()
    march = LedgerMonth.objects.get(project=churn)
    assert march.cost_cloud == Decimal("1.0000000003")


def test_focus_1_2_export_with_several_currencies_and_real_world_quirks(tmp_path, capsys, churn):
    path = write(tmp_path / "bill12.csv", [
        row(Tags=tag("churn"), BillingCurrency="USD", EffectiveCost="10", ChargePeriodStart="2025-03-04 10:00:00"),
        row(Tags=tag("churn"), BillingCurrency="EUR", EffectiveCost="1e1", ChargePeriodStart="2025-03-05T00:00:00"),
        row(Tags="null", BillingCurrency="EUR", EffectiveCost="-2.5", ChargeClass="NULL", ChargePeriodEnd="null"),
        row(Tags=tag("churn"), BillingCurrency="JPY", EffectiveCost="1500", ChargePeriodStart="2025-03-06 00:00:00Z"),
    ], COLUMNS_1_2, newline="\r\n", bom=True)

    result = run(capsys, path)

    assert result["rows_imported"] == 4
    assert set(result["currencies"]) == {"EUR", "JPY", "USD"}
    assert result["currencies"]["EUR"]["effective_cost"] == "7.5"
    assert result["currencies"]["EUR"]["unallocated_effective_cost"] == "-2.5"
    first = FocusRow.objects.get(line=2)
    assert first.charge_period_start.isoformat() == "2025-03-04T10:00:00+00:00"


def test_same_file_twice_changes_nothing(tmp_path, capsys, churn):
    path = write(tmp_path / "bill.csv", [row(Tags=tag("churn")), row()])
    run(capsys, path)
    ledger_rollup()
    before = list(LedgerMonth.objects.values_list("month", "cost_total"))

    again = run(capsys, path)

    assert (again["rows_imported"], again["duplicates_skipped"]) == (0, 2)
    assert FocusRow.objects.count() == 2
    ledger_rollup()
    assert list(LedgerMonth.objects.values_list("month", "cost_total")) == before


def test_reissued_billing_period_replaces_earlier_rows_but_keeps_corrections(tmp_path, capsys, churn):
    run(capsys, write(tmp_path / "march-v1.csv", [
        row(Tags=tag("churn"), EffectiveCost="100"),
        row(Tags=tag("churn"), EffectiveCost="-7", ChargeClass="Correction"),
        row(Tags=tag("churn"), EffectiveCost="50", BillingAccountId="acct-2"),
    ]))
    run(capsys, write(tmp_path / "march-v2.csv", [
        row(Tags=tag("churn"), EffectiveCost="120"),
        row(Tags=tag("churn"), EffectiveCost="-1", ChargeClass="Correction"),
    ]))

    latest = FocusImport.objects.filter(status="done").latest("pk")
    assert latest.rows_replaced == 1
    ledger_rollup()
    assert LedgerMonth.objects.get(project=churn).cost_cloud == Decimal("162")  # 120 - 7 - 1 + 50

    ledger_imports.focus_import_void(actor=_manager(), focus_import=latest, reason="Provider withdrew it")
    ledger_rollup()
    assert LedgerMonth.objects.get(project=churn).cost_cloud == Decimal("143")  # 100 - 7 + 50


def _manager():
    from tests.factories import make_manager

    return make_manager()


def test_rules_allocate_rows_and_new_rules_reallocate_the_unallocated(tmp_path, capsys, team):
    reco = ProjectFactory(team=team, slug="reco")
    fraud = ProjectFactory(team=team, slug="fraud")
    AllocationRule.objects.create(field="sub_account_id", match="pattern", value="reco-*", project=reco)
    result = run(capsys, write(tmp_path / "bill.csv", [
        row(SubAccountId="reco-prod", EffectiveCost="4"),
        row(SubAccountId="shared", ServiceName="Fraud API", EffectiveCost="6"),
        row(SubAccountId="reco_prod", EffectiveCost="1"),  # the underscore is not a wildcard
    ]))
    assert result["currencies"]["EUR"]["unallocated_effective_cost"] == "7"

    ledger_reference.allocation_rule_create(actor=_manager(), field="service_name", match="exact", value="Fraud API", project=fraud)

    assert set(FocusRow.objects.filter(project__isnull=False).values_list("project__slug", "effective_cost")) == {
        ("reco", Decimal("4")), ("fraud", Decimal("6")),
    }


def test_dry_run_keeps_nothing(tmp_path, capsys, churn):
    result = run(capsys, write(tmp_path / "bill.csv", [row(Tags=tag("churn"))]), "--dry-run")
    assert result["dry_run"] is True and result["rows_imported"] == 1
    assert not FocusRow.objects.exists() and not FocusImport.objects.exists()


def refused(path, *args) -> str:
    rows_before = FocusRow.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_focus", str(path), *args)
    assert FocusRow.objects.count() == rows_before
    return str(error.value)


def test_missing_mandatory_column_is_named(tmp_path):
    columns = [column for column in COLUMNS_1_0 if column != "EffectiveCost"]
    message = refused(write(tmp_path / "bill.csv", [row()], columns))
    assert "EffectiveCost" in message


def test_bad_amount_on_line_37_is_reported_with_its_value(tmp_path):
    rows = [row() for _ in range(40)]
    rows[35] = row(EffectiveCost="12,50")
    message = refused(write(tmp_path / "bill.csv", rows))
    assert "Line 37" in message and "EffectiveCost" in message and "12,50" in message
    assert FocusImport.objects.get().status == "failed"


@pytest.mark.parametrize("amount", ["$12.00", "1,234.00", "12 EUR", "NaN", "Infinity"])
def test_money_with_symbols_or_separators_is_refused(tmp_path, amount):
    assert "Line 2" in refused(write(tmp_path / "bill.csv", [row(BilledCost=amount)]))


@pytest.mark.parametrize("value", ["2025-02-30T00:00:00Z", "2025-03-01T25:00:00Z", "2025-13-01", "yesterday"])
def test_impossible_dates_are_refused_with_the_line(tmp_path, value):
    message = refused(write(tmp_path / "bill.csv", [row(), row(ChargePeriodStart=value)]))
    assert "Line 3" in message and "ChargePeriodStart" in message


def test_wrong_encoding_is_refused(tmp_path):
    message = refused(write(tmp_path / "bill.csv", [row(), row(ServiceName="Café données")], encoding="latin-1"))
    assert "UTF-8" in message and "3" in message


def test_empty_required_value_and_bad_tags_are_refused(tmp_path):
    assert "BillingCurrency is empty" in refused(write(tmp_path / "a.csv", [row(BillingCurrency="")]))
    assert "Tags" in refused(write(tmp_path / "b.csv", [row(Tags="{not json")]))


def test_specification_examples_without_billing_currency_are_refused(capsys):
    for path in sorted(CORPUS.glob("*.csv")):
        assert "BillingCurrency" in refused(path)


def test_specification_examples_import_with_a_currency_except_impossible_hours(capsys):
    outcomes = {}
    for path in sorted(CORPUS.glob("*.csv")):
        lines = path.read_text().splitlines()
        bad_lines = [number for number, line in enumerate(lines, start=1) if "T30:00:00Z" in line]
        if bad_lines:
            message = refused(path, "--currency", "USD")
            outcomes[path.name] = message
            assert f"Line {bad_lines[0]}:" in message and "T30:00:00Z" in message
        else:
            result = run(capsys, path, "--currency", "USD")
            outcomes[path.name] = result
            assert result["rows_imported"] == result["rows_read"] > 0
            assert set(result["currencies"]) == {"USD"}
    assert sum(isinstance(outcome, str) for outcome in outcomes.values()) == 2


@pytest.mark.parametrize("value", [
    "2025-03-01T00:00:00Z BC", "2025-03-01 allballs", "2025-03-01 Sunday", "2025-03-01 10:00 pm", "2025-03-01 10:00 Europe/Paris",
])
def test_timestamps_postgresql_would_read_loosely_are_refused(tmp_path, value):
    rows = [row() for _ in range(40)]
    rows[35] = row(ChargePeriodStart=value)
    message = refused(write(tmp_path / "bill.csv", rows))
    assert "Line 37" in message and "ChargePeriodStart" in message and value in message
    assert not FocusRow.objects.exists()


@pytest.mark.parametrize("amount", ["1_234.50", "0x10", "1e16", "12345678901234567", "1e400000"])
def test_amounts_outside_plain_decimals_or_too_large_are_named_with_their_line(tmp_path, amount):
    rows = [row() for _ in range(40)]
    rows[35] = row(EffectiveCost=amount)
    message = refused(write(tmp_path / "bill.csv", rows))
    assert "Line 37" in message and "EffectiveCost" in message and amount in message


def test_broken_csv_lines_are_named(tmp_path):
    path = write(tmp_path / "bill.csv", [row() for _ in range(40)])
    lines = path.read_text().splitlines()
    unquoted_thousands = lines[36].replace(",9.5,", ",1,234.50,", 1)
    assert unquoted_thousands != lines[36]
    cases = {
        "extra.csv": (unquoted_thousands, "more fields than the header"),
        "short.csv": (lines[36].rsplit(",", 3)[0], "fewer fields than the header"),
    }
    for name, (broken, explanation) in cases.items():
        broken_file = tmp_path / name
        broken_file.write_text("\n".join(lines[:36] + [broken] + lines[37:]) + "\n")
        message = refused(broken_file)
        assert "Line 37" in message and explanation in message, message


def test_currency_option_must_be_an_iso_code(tmp_path):
    columns = [column for column in COLUMNS_1_0 if column != "BillingCurrency"]
    with pytest.raises(CommandError, match="three-letter ISO 4217"):
        call_command("import_focus", str(write(tmp_path / "bill.csv", [row()], columns)), "--currency", "U1D")
    assert not FocusRow.objects.exists()


def test_voiding_the_middle_of_three_reissues_counts_the_period_once(tmp_path, capsys, churn):
    manager = _manager()
    """Export v1, its re-issue v2, and v3: voiding v2 gives the period back to v3, not to v1 beside v3."""
    run(capsys, write(tmp_path / "v1.csv", [
        row(Tags=tag("churn"), EffectiveCost="10"), row(Tags=tag("churn"), EffectiveCost="10"),
        row(Tags=tag("churn"), EffectiveCost="-2", ChargeClass="Correction"),
    ]))
    run(capsys, write(tmp_path / "v2.csv", [
        row(Tags=tag("churn"), EffectiveCost="12"), row(Tags=tag("churn"), EffectiveCost="1", ChargeClass="Correction"),
    ]))
    run(capsys, write(tmp_path / "v3.csv", [row(Tags=tag("churn"), EffectiveCost="30")]))
    v1, v2, v3 = FocusImport.objects.order_by("pk")

    def live_total() -> Decimal:
        ledger_rollup()
        return LedgerMonth.objects.get(project=churn).cost_cloud

    assert live_total() == Decimal("29")  # v3's 30, v1's correction -2, v2's correction +1
    ledger_imports.focus_import_void(actor=manager, focus_import=v2, reason="Sent by mistake")
    assert live_total() == Decimal("28")
    ledger_imports.focus_import_void(actor=manager, focus_import=v3, reason="Sent by mistake")
    assert live_total() == Decimal("18")  # v1 counts again, whole


def test_the_command_keeps_the_file_as_the_upload_page_does(tmp_path, capsys, settings, churn):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write(tmp_path / "bill.csv", [row(Tags=tag("churn"))])

    run(capsys, path)

    focus_import = FocusImport.objects.get()
    assert focus_import.file_name == "bill.csv" and focus_import.created_by is None
    with focus_import.upload.open("rb") as kept:
        assert kept.read() == path.read_bytes()


def test_a_dry_run_keeps_no_file(tmp_path, capsys, settings, churn):
    settings.MEDIA_ROOT = tmp_path / "media"

    run(capsys, write(tmp_path / "bill.csv", [row(Tags=tag("churn"))]), "--dry-run")

    assert not [kept for kept in (tmp_path / "media").rglob("*") if kept.is_file()]


def test_the_command_refuses_a_header_with_the_upload_page_message(tmp_path, admin_user):
    columns = [column for column in COLUMNS_1_0 if column != "EffectiveCost"]
    path = write(tmp_path / "bill.csv", [row()], columns)
    with path.open("rb") as stream, pytest.raises(ValidationError) as upload_error:
        ledger_imports.focus_import_start(actor=admin_user, upload=File(stream, name="bill.csv"))

    message = refused(path)

    assert upload_error.value.message_dict["upload"][0] in message
    assert not FocusImport.objects.exists()
