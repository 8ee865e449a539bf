"""Ledger pages driven as a user would: reading, adding and voiding entries, imports, rules, rates."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import clock
from projects.ledger import services
from projects.ledger.rollup import ledger_rollup
from projects.ledger import imports as ledger_imports
from projects.ledger.models import AllocationRule, CostEntry, ExchangeRate, FocusImport, FocusRow, ValueEntry
from tests.conftest import client_for
from tests.factories import CostEntryFactory, ProjectFactory, ValueEntryFactory
from tests.ledger.focus_files import row, tag, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, slug="churn", name="Churn", phase="run")


def ledger_url(project) -> str:
    return reverse("ledger:project_ledger", args=[project.slug])


def test_anonymous_is_sent_to_login(client, project):
    for url in (ledger_url(project), reverse("ledger:home")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_everyone_reads_the_ledger_with_its_months_and_underwater_flag(outsider, project):
    CostEntryFactory(project=project, incurred_on=date(2025, 5, 3), amount=Decimal("1234.5"))
    ledger_rollup(today=date(2025, 7, 1))

    response = client_for(outsider).get(ledger_url(project))

    assert response.status_code == 200
    page = response.content.decode()
    assert "May 2025" in page and "1,234.50" in page
    assert "Underwater since" in page
    assert 'id="ledger-chart-data"' in page
    assert "Add a cost" not in page  # not their team


def test_member_adds_a_cost_inline_with_htmx(member, project):
    response = client_for(member).post(
        reverse("ledger:cost_add", args=[project.slug]),
        {"cost-incurred_on": "2025-05-02", "cost-category": "licences", "cost-amount": "99.123456789012",
         "cost-currency": "usd", "cost-description": "Labeling tool"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Labeling tool" in response.content and b"<html" not in response.content
    entry = CostEntry.objects.get()
    assert (entry.amount, entry.currency, entry.created_by) == (Decimal("99.123456789012"), "USD", member)


def test_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(member, project):
    response = client_for(member).post(
        reverse("ledger:value_add", args=[project.slug]),
        {"value-realized_on": "2025-05-02", "value-kind": "revenue", "value-amount": "12",
         "value-currency": "EUR", "value-confidence": "measured", "value-evidence": ""},
    )
    assert response.status_code == 400
    assert 'id="id_value-evidence-error"' in response.content.decode()
    assert not ValueEntry.objects.exists()


def test_member_of_other_team_gets_403_and_nothing_changes(outsider, project):
    entry = CostEntryFactory(project=project)
    client = client_for(outsider)
    response = client.post(
        reverse("ledger:cost_add", args=[project.slug]),
        {"cost-incurred_on": "2025-05-02", "cost-category": "cloud", "cost-amount": "1", "cost-currency": "EUR"},
    )
    assert response.status_code == 403
    response = client.post(reverse("ledger:cost_void", args=[project.slug, entry.pk]), {"reason": "mine now"})
    assert response.status_code == 403
    assert CostEntry.objects.count() == 1 and not CostEntry.objects.get().is_voided


def test_member_voids_a_value_entry_with_a_reason(member, project):
    entry = ValueEntryFactory(project=project)
    client = client_for(member)
    url = reverse("ledger:value_void", args=[project.slug, entry.pk])
    response = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert b"Say why" in response.content
    entry.refresh_from_db()
    assert not entry.is_voided
    client.post(url, {"reason": "Counted twice"}, HTTP_HX_REQUEST="true")
    entry.refresh_from_db()
    assert entry.void_reason == "Counted twice"


def test_filters_narrow_the_entries(member, project):
    CostEntryFactory(project=project, category="cloud", description="GPU hours")
    CostEntryFactory(project=project, category="licences", description="IDE seats")
    response = client_for(member).get(ledger_url(project), {"category": "licences"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-entries")
    assert b"IDE seats" in response.content and b"GPU hours" not in response.content


def test_csv_export_lists_the_months(member, project):
    CostEntryFactory(project=project, incurred_on=date(2025, 3, 3), amount=Decimal("10.5"))
    ledger_rollup()
    response = client_for(member).get(reverse("ledger:project_ledger_csv", args=[project.slug]))
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("month,cost_cloud") and lines[1] == "2025-03,10.5,0,0,0,0,10.5,0,0,0,10.5,0,10.5,0,0,EUR,run"
    assert "E-" not in response.content.decode() and "000000" not in response.content.decode()


@pytest.mark.parametrize("entries", [2, 30])
def test_project_ledger_runs_a_bounded_number_of_queries(member, project, entries, django_assert_max_num_queries):
    for index in range(entries):
        CostEntryFactory(project=project, incurred_on=date(2024, 1 + index % 12, 1), currency="USD")
        ValueEntryFactory(project=project, realized_on=date(2024, 1 + index % 12, 2))
    ledger_rollup()
    client = client_for(member)
    with django_assert_max_num_queries(16):
        assert client.get(ledger_url(project)).status_code == 200


@pytest.mark.parametrize("imports", [1, 12])
def test_ledger_home_runs_a_bounded_number_of_queries(manager, imports, django_assert_max_num_queries, team):
    ProjectFactory(team=team)
    for index in range(imports):
        FocusImport.objects.create(file_name=f"f{index}.csv", sha256=str(index), status="done")
        AllocationRule.objects.create(field="service_name", value=f"svc-{index}", project=ProjectFactory(team=team))
    client = client_for(manager)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("ledger:home")).status_code == 200


def test_manager_uploads_a_focus_file_which_imports_in_the_background(
    manager, project, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write(tmp_path / "bill.csv", [row(Tags=tag("churn"), EffectiveCost="5"), row(EffectiveCost="2")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse("ledger:focus_upload"), {"upload": SimpleUploadedFile("bill.csv", path.read_bytes()), "currency": ""}
        )
    assert response.status_code == 302
    focus_import = FocusImport.objects.get()
    assert (focus_import.status, focus_import.rows_imported, focus_import.created_by) == ("done", 2, manager)
    page = client_for(manager).get(reverse("ledger:home")).content.decode()
    assert "bill.csv" in page and "€2.00" in page


def test_upload_missing_a_column_is_refused_next_to_the_field(manager, tmp_path):
    response = client_for(manager).post(
        reverse("ledger:focus_upload"), {"upload": SimpleUploadedFile("bill.csv", b"BilledCost,EffectiveCost\n1,1\n")}
    )
    assert response.status_code == 400
    assert "ChargePeriodStart" in response.content.decode()
    assert not FocusImport.objects.exists()


def test_members_cannot_import_change_rules_or_rates(member, project):
    client = client_for(member)
    upload = SimpleUploadedFile("bill.csv", b"x")
    assert client.post(reverse("ledger:focus_upload"), {"upload": upload}).status_code == 403
    assert client.post(reverse("ledger:rule_add"), {"field": "service_name", "match": "exact", "value": "x", "project": project.pk}).status_code == 403
    assert client.post(reverse("ledger:rate_set"), {"currency": "USD", "month": "2025-01-01", "rate": "0.9"}).status_code == 403
    assert not AllocationRule.objects.exists() and not ExchangeRate.objects.exists()


def test_manager_adds_a_rule_and_admin_sets_a_rate(manager, admin_user, project):
    response = client_for(manager).post(
        reverse("ledger:rule_add"), {"field": "sub_account_id", "match": "pattern", "value": "churn-*", "project": project.pk}
    )
    assert response.status_code == 302 and AllocationRule.objects.get().project == project
    assert client_for(manager).post(reverse("ledger:rate_set"), {"currency": "USD", "month": "2025-01-01", "rate": "0.9"}).status_code == 403
    response = client_for(admin_user).post(reverse("ledger:rate_set"), {"currency": "USD", "month": "2025-01-09", "rate": "-1"})
    assert response.status_code == 400 and 'id="id_rate_rate-error"' in response.content.decode()
    response = client_for(admin_user).post(reverse("ledger:rate_set"), {"currency": "USD", "month": "2025-01-09", "rate": "0.91"})
    assert response.status_code == 302 and ExchangeRate.objects.get().month == date(2025, 1, 1)


def test_manager_voids_an_import(manager, project, tmp_path, capsys):
    from django.core.management import call_command

    call_command("import_focus", str(write(tmp_path / "bill.csv", [row(Tags=tag("churn"))])))
    focus_import = FocusImport.objects.get()
    client = client_for(manager)
    client.post(reverse("ledger:focus_void", args=[focus_import.pk]), {"reason": ""})
    focus_import.refresh_from_db()
    assert not focus_import.is_voided
    client.post(reverse("ledger:focus_void", args=[focus_import.pk]), {"reason": "Wrong account"})
    focus_import.refresh_from_db()
    assert focus_import.void_reason == "Wrong account" and FocusRow.objects.count() == 1


def test_project_panel_tag_renders_the_summary(project):
    from django.template import Context, Template

    CostEntryFactory(project=project, incurred_on=date(2025, 3, 3), amount=Decimal("10"))
    ledger_rollup()
    html = Template('{% load cards %}{% card "project" "ledger" project %}').render(Context({"project": project}))
    assert "Cost against value" in html and "10.00" in html


def test_import_task_delivered_twice_imports_once(manager, project, tmp_path, django_capture_on_commit_callbacks, settings):
    from projects.ledger import tasks

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write(tmp_path / "bill.csv", [row(Tags=tag("churn"))])
    with django_capture_on_commit_callbacks(execute=True):
        ledger_imports.focus_import_start(actor=manager, upload=SimpleUploadedFile("bill.csv", path.read_bytes()))
    focus_import = FocusImport.objects.get()

    tasks.import_focus(focus_import.pk)

    assert FocusRow.objects.count() == 1
    focus_import.refresh_from_db()
    assert focus_import.status == "done"


def test_refused_upload_is_recorded_with_its_reason(manager, project, tmp_path, django_capture_on_commit_callbacks, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [row(Tags=tag("churn")) for _ in range(3)] + [row(BilledCost="€4")]
    path = write(tmp_path / "bill.csv", rows)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(reverse("ledger:focus_upload"), {"upload": SimpleUploadedFile("bill.csv", path.read_bytes())})
    focus_import = FocusImport.objects.get()
    assert focus_import.status == "failed" and "Line 5" in focus_import.error and "BilledCost" in focus_import.error
    assert not FocusRow.objects.exists()
    assert "Line 5" in client_for(manager).get(reverse("ledger:home")).content.decode()


def test_toil_cost_is_shown_as_toil_and_kept_out_of_people(member, project):
    services.toil_cost_set(project=project, month=date(2025, 5, 1), hours=Decimal("2"))
    CostEntryFactory(project=project, incurred_on=date(2025, 5, 3), category="people", description="On-call retainer")

    page = client_for(member).get(ledger_url(project)).content.decode()
    assert "<td>Toil</td>" in page and "On-call retainer" in page

    people = client_for(member).get(ledger_url(project), {"category": "people"}).content.decode()
    assert "On-call retainer" in people and "<td>Toil</td>" not in people


def test_after_an_htmx_add_the_figures_ask_until_the_rollup_has_run(member, project, django_capture_on_commit_callbacks):
    from urllib.parse import quote


    client = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):  # the rollup, queued on commit, runs (eagerly here)
        response = client.post(
            reverse("ledger:cost_add", args=[project.slug]),
            {"cost-incurred_on": "2025-05-02", "cost-category": "licences", "cost-amount": "99",
             "cost-currency": "EUR", "cost-description": "Labeling tool"},
            HTTP_HX_REQUEST="true",
        )
    page = response.content.decode()
    assert '<div id="ledger-figures" hx-swap-oob="true" hx-get="/projects/churn/ledger/?figures=1&amp;since=' in page
    assert "Updating the figures…" in page

    def figures(since, tries: int) -> str:
        url = f"{ledger_url(project)}?figures=1&since={quote(since.isoformat())}&tries={tries}"
        return client.get(url, HTTP_HX_REQUEST="true").content.decode()

    done = figures(clock.now() - timedelta(minutes=1), 1)  # the rollup ran after that moment
    assert 'id="ledger-figures"' in done and "hx-get" not in done and "May 2025" in done
    waiting = figures(clock.now() + timedelta(minutes=1), 3)  # not yet
    assert "tries=4" in waiting and "Updating the figures…" in waiting
    late = figures(clock.now() + timedelta(minutes=1), 20)
    assert "hx-get" not in late and "background work catches up" in late


def test_the_ledger_leads_back_to_its_project_and_pages_its_entries(member, project):
    for index in range(30):
        CostEntryFactory(project=project, incurred_on=date(2024, 1, 1) + timedelta(days=index), description=f"Cost {index:02d}")
    client = client_for(member)
    html = client.get(ledger_url(project)).content.decode()
    assert f'<a href="{project.get_absolute_url()}">Churn</a>' in html
    assert "Cost 29" in html and "Cost 04" not in html  # newest first, 25 a page
    assert "Page 1 of 2 · 30 entries" in html
    older = client.get(ledger_url(project), {"costs_page": 2, "kind": ""}, headers={"HX-Request": "true", "HX-Target": "ledger-entries"})
    page_two = older.content.decode()
    assert "<html" not in page_two and "Cost 04" in page_two and "Cost 29" not in page_two
    assert "costs_page=1" in page_two and "kind=" in page_two  # the way back keeps the filters


def test_voiding_asks_for_its_reason_only_when_opened(member, project):
    CostEntryFactory(project=project)
    html = client_for(member).get(ledger_url(project)).content.decode()
    details = html[html.index('<details class="ledger-void">'):html.index("</details>")]
    assert "<summary" in details and 'name="reason"' in details


def test_the_running_month_is_marked_so_far(member, project):
    today = clock.today()
    CostEntryFactory(project=project, incurred_on=today.replace(day=1), amount=Decimal("100"))
    CostEntryFactory(project=project, incurred_on=(today.replace(day=1) - timedelta(days=1)), amount=Decimal("100"))
    ledger_rollup()
    response = client_for(member).get(ledger_url(project))
    assert response.context["chart"]["partial"] == len(response.context["months"]) - 1
    assert response.content.decode().count('data-testid="so-far"') == 1
