"""The API's writes beyond costs, values, logs, projects and new records: each does what its page does, answers
what it changed, refuses bad input on the field, and a retry with the same Idempotency-Key writes once."""
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adr import services as adr_services
from adr.models import Adr, Comment, Placement
from projects.decommission.models import ChecklistItem, DecommissionRequest
from projects.ledger.models import AllocationRule, ExchangeRate, FocusImport
from projects.models import HEALTH_ITEM_KEYS, HealthCheck, Membership, Phase, Project
from tests.api.conftest import api_client, make_token
from tests.factories import ToilItemFactory, UserFactory
from tests.ledger.focus_files import row, tag
from tests.ledger.focus_files import write as write_focus
from toil.models import ToilItem

pytestmark = pytest.mark.django_db


def send(client, method: str, path: str, body: dict | None = None, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json", headers=headers)


@pytest.fixture
def running(project):
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    project.refresh_from_db()
    return project


@pytest.fixture
def lead_api(lead):
    return api_client(make_token(lead))


@pytest.fixture
def manager_api(manager):
    return api_client(make_token(manager))


def test_toil_item_created_with_the_suggested_class_edited_and_moved(member_api, project, member):
    created = send(member_api, "POST", "/api/v1/toil/items", {
        "project": project.slug, "title": "Rerun the feed", "minutes_per_occurrence": 30, "is_manual": True,
        "is_repetitive": True, "is_automatable": True, "is_tactical": True, "owner": "member",
    })
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["classification"], item["owner"], item["status"], item["project"]) == ("toil", "member", "identified", "churn-model")

    edited = send(member_api, "PATCH", f"/api/v1/toil/items/{item['id']}", {"people": 3, "strategy": "eliminate"})
    assert (edited.status_code, edited.json()["people"], edited.json()["title"]) == (200, 3, "Rerun the feed")

    moved = send(member_api, "POST", f"/api/v1/toil/items/{item['id']}/move", {"status": "done"})
    assert (moved.status_code, moved.json()["status"]) == (200, "done")
    assert moved.json()["finished_on"] is not None
    assert ToilItem.objects.get(pk=item["id"]).people == 3


def test_accepting_toil_without_a_reason_is_refused_on_the_field(member_api, project):
    item = ToilItemFactory(project=project, strategy_reason="")
    refused = send(member_api, "POST", f"/api/v1/toil/items/{item.pk}/move", {"status": "accepted"})
    assert (refused.status_code, refused.json()["field"]) == (422, "status")
    assert ToilItem.objects.get(pk=item.pk).status == item.status


def test_an_owner_outside_the_team_is_refused(member_api, project, outsider):
    refused = send(member_api, "POST", "/api/v1/toil/items", {
        "project": project.slug, "title": "Rerun", "minutes_per_occurrence": 5, "owner": outsider.username,
    })
    assert (refused.status_code, refused.json()["field"]) == (422, "owner")
    assert not ToilItem.objects.exists()


def test_classify_suggests_like_the_form(member_api):
    answer = send(member_api, "POST", "/api/v1/toil/classify", {"is_manual": True, "is_repetitive": True, "is_tactical": True,
                                                              "is_automatable": True})
    assert answer.json() == {"classification": "toil", "criteria": 4}
    assert send(member_api, "POST", "/api/v1/toil/classify", {}).json()["classification"] == "engineering"


def test_a_decision_edited_against_an_old_version_is_refused_with_409(member_api, project, member):
    adr = adr_services.adr_create(actor=member, project=project, title="One feature store")
    path = f"/api/v1/projects/{project.slug}/adrs/{adr.number}"
    saved = send(member_api, "PUT", path, {"title": "One feature store", "context": "Two pipelines.", "version": adr.version})
    assert (saved.status_code, saved.json()["version"], saved.json()["context"]) == (200, adr.version + 1, "Two pipelines.")

    stale = send(member_api, "PUT", path, {"title": "Two stores", "version": adr.version})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["message"]
    assert Adr.objects.get(pk=adr.pk).title == "One feature store"


def test_review_place_comment_and_export_a_decision(member_api, lead_api, project, member):
    adr = adr_services.adr_create(actor=member, project=project, title="Serve scores online", decision_makers=[member])
    base = f"/api/v1/projects/{project.slug}/adrs/{adr.number}"

    own = send(member_api, "POST", f"{base}/review", {"verdict": "accepted", "comment": "Mine."})
    assert own.status_code == 403
    reviewed = send(lead_api, "POST", f"{base}/review", {"verdict": "accepted", "comment": "Agreed."})
    assert (reviewed.json()["status"], reviewed.json()["reviews"][0]["reviewer"]) == ("accepted", "lead")

    no_date = send(member_api, "POST", f"{base}/placements", {"cell": "conscious_reckless", "reason": "A shortcut."})
    assert (no_date.status_code, no_date.json()["field"]) == (422, "revisit_by")
    suggested = send(member_api, "POST", f"{base}/placements", {
        "knew_tradeoff": True, "weighed_alternatives": True, "under_pressure": False, "hindsight": False,
    })
    assert suggested.status_code == 201, suggested.content
    assert suggested.json()["cell"] == suggested.json()["suggested_cell"] == "conscious_prudent"
    assert Placement.objects.filter(adr=adr).count() == 1

    comment = send(lead_api, "POST", f"{base}/comments", {"body": "Revisit after Q3."}).json()
    assert send(member_api, "POST", f"{base}/comments/{comment['id']}/remove").status_code == 403
    removed = send(lead_api, "POST", f"{base}/comments/{comment['id']}/remove")
    assert (removed.json()["removed_by"], Comment.objects.get().body) == ("lead", "Revisit after Q3.")
    listed = member_api.get(f"{base}/comments").json()
    assert [(item["body"], item["removed_by"]) for item in listed["items"]] == [("Revisit after Q3.", "lead")]

    markdown = member_api.get(f"{base}/markdown")
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "# Serve scores online" in markdown.content.decode() and "status: accepted" in markdown.content.decode()


def test_import_markdown_files_all_or_nothing_and_twice_changes_nothing(member_api, project):
    text = b"---\nstatus: accepted\ndate: 2025-03-01\n---\n# Keep features in one store\n\n## Context and Problem Statement\n\nTwo pipelines.\n"

    def upload():
        return member_api.post(f"/api/v1/projects/{project.slug}/adrs/import",
                               {"files": SimpleUploadedFile("0004-one-store.md", text, content_type="text/markdown")})

    first = upload()
    assert first.status_code == 200, first.content
    assert [(report["result"], report["title"]) for report in first.json()] == [("imported", "Keep features in one store")]
    assert [report["result"] for report in upload().json()] == ["unchanged"]
    assert Adr.objects.filter(project=project).count() == 1


def test_decommission_from_request_to_retirement(member_api, manager_api, manager, running, member):
    requested = send(member_api, "POST", "/api/v1/decommissions/", {"project": running.slug, "reason": "Nobody reads it."})
    assert requested.status_code == 201, requested.content
    request_id = requested.json()["id"]
    assert requested.json()["state"] == "proposed" and requested.json()["evidence"]["sections"]
    assert send(member_api, "POST", f"/api/v1/decommissions/{request_id}/approve", {}).status_code == 403

    approved = send(manager_api, "POST", f"/api/v1/decommissions/{request_id}/approve", {"comment": "Agreed."})
    assert approved.json()["state"] == "approved"
    assert send(member_api, "POST", f"/api/v1/decommissions/{request_id}/complete").status_code == 422
    first, *others = approved.json()["checklist"]
    assigned = send(manager_api, "POST", f"/api/v1/decommissions/{request_id}/checklist/{first['id']}/assign", {"assignee": "member"})
    assert assigned.json()["assignee"] == "member"
    assert send(manager_api, "POST", f"/api/v1/decommissions/{request_id}/checklist/{first['id']}", {"status": "done"}).status_code == 403
    for item in (first, *others):
        ticked = send(member_api, "POST", f"/api/v1/decommissions/{request_id}/checklist/{item['id']}", {"status": "done", "note": "Gone."})
        assert ticked.json()["done_by"] == "member"

    completed = send(member_api, "POST", f"/api/v1/decommissions/{request_id}/complete")
    assert completed.json()["state"] == "completed"
    assert Project.objects.get(pk=running.pk).phase == Phase.RETIRED
    assert not ChecklistItem.objects.filter(request_id=request_id, status="open").exists()


def test_a_rejection_needs_words_and_a_cancel_a_reason(member_api, manager_api, running):
    request_id = send(member_api, "POST", "/api/v1/decommissions/", {"project": running.slug, "reason": "Costly."}).json()["id"]
    refused = send(manager_api, "POST", f"/api/v1/decommissions/{request_id}/reject", {"comment": ""})
    assert refused.status_code == 422
    assert send(member_api, "POST", f"/api/v1/decommissions/{request_id}/cancel", {"reason": ""}).status_code == 422
    cancelled = send(member_api, "POST", f"/api/v1/decommissions/{request_id}/cancel", {"reason": "The users came back."})
    assert cancelled.json()["state"] == "cancelled"
    assert DecommissionRequest.objects.get().state == "cancelled"


def _focus_upload(tmp_path, slug: str = "churn-model") -> SimpleUploadedFile:
    path = write_focus(tmp_path / "march.csv", [row(Tags=tag(slug))])
    return SimpleUploadedFile("march.csv", path.read_bytes(), content_type="text/csv")


def test_focus_upload_imports_in_the_background_and_a_bad_header_is_refused(
    manager_api, project, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = manager_api.post("/api/v1/ledger/focus-imports", {"upload": _focus_upload(tmp_path)})
    assert uploaded.status_code == 202, uploaded.content
    import_id = uploaded.json()["id"]
    assert uploaded.json()["status"] == "pending"
    # The import is queued on commit; the test settings run Celery tasks eagerly, so the worker is done now.
    followed = manager_api.get(f"/api/v1/ledger/focus-imports/{import_id}").json()
    assert (followed["status"], followed["progress"], followed["rows_imported"], followed["error"]) == ("done", 100, 1, "")

    bad = SimpleUploadedFile("bad.csv", b"Cost,Day\n1,2\n", content_type="text/csv")
    refused = manager_api.post("/api/v1/ledger/focus-imports", {"upload": bad})
    assert (refused.status_code, refused.json()["field"]) == (422, "upload")
    assert FocusImport.objects.count() == 1

    voided = send(manager_api, "POST", f"/api/v1/ledger/focus-imports/{import_id}/void", {"reason": "Wrong month."})
    assert voided.json()["void_reason"] == "Wrong month." and voided.json()["voided_at"]


def test_allocation_rules_and_exchange_rates(manager_api, admin_user, project):
    created = send(manager_api, "POST", "/api/v1/ledger/allocation-rules",
                   {"field": "sub_account_id", "value": "acct-42", "project": project.slug})
    assert created.status_code == 201 and created.json()["project"] == "churn-model"
    twice = send(manager_api, "POST", "/api/v1/ledger/allocation-rules",
                 {"field": "sub_account_id", "value": "acct-42", "project": project.slug})
    assert (twice.status_code, twice.json()["field"]) == (422, "value")
    assert send(manager_api, "DELETE", f"/api/v1/ledger/allocation-rules/{created.json()['id']}").status_code == 204
    assert not AllocationRule.objects.exists()

    assert send(manager_api, "PUT", "/api/v1/ledger/exchange-rates", {"currency": "USD", "month": "2025-03-14", "rate": "0.9"}).status_code == 403
    admin_api = api_client(make_token(admin_user))
    rate = send(admin_api, "PUT", "/api/v1/ledger/exchange-rates", {"currency": "usd", "month": "2025-03-14", "rate": "0.92"})
    assert rate.json() == {"currency": "USD", "month": "2025-03-01", "rate": "0.92"}
    send(admin_api, "PUT", "/api/v1/ledger/exchange-rates", {"currency": "USD", "month": "2025-03-01", "rate": "0.93"})
    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("0.93")]


def test_health_ticks_project_edit_and_members(member_api, lead_api, project, member):
    ticked = send(member_api, "PUT", f"/api/v1/projects/{project.slug}/health/{HEALTH_ITEM_KEYS[0]}", {"status": "partly", "note": "Half."})
    assert (ticked.json()["status"], ticked.json()["checked_by"]) == ("partly", "member")
    assert HealthCheck.objects.get().note == "Half."
    listed = member_api.get(f"/api/v1/projects/{project.slug}/health").json()
    assert len(listed) == len(HEALTH_ITEM_KEYS) and listed[0]["status"] == "partly"

    edited = send(member_api, "PATCH", f"/api/v1/projects/{project.slug}", {"summary": "Scores churn weekly."})
    assert (edited.json()["summary"], edited.json()["name"]) == ("Scores churn weekly.", "Churn model")

    UserFactory(username="newcomer")
    body = {"user": "newcomer", "role": "member", "weekly_hours": "20", "joined_on": "2025-02-03"}
    assert send(member_api, "POST", f"/api/v1/teams/{project.team.slug}/members", body).status_code == 403
    added = send(lead_api, "POST", f"/api/v1/teams/{project.team.slug}/members", body)
    assert added.status_code == 201 and added.json()["username"] == "newcomer"
    assert send(lead_api, "POST", f"/api/v1/teams/{project.team.slug}/members", body).json()["field"] == "user"
    assert send(lead_api, "DELETE", f"/api/v1/teams/{project.team.slug}/members/newcomer").status_code == 204
    assert not Membership.objects.filter(user__username="newcomer").exists()
    assert send(lead_api, "DELETE", f"/api/v1/teams/{project.team.slug}/members/lead").status_code == 422


@pytest.mark.parametrize("write", ["toil item", "decommission", "comment", "focus upload"])
def test_a_retry_with_the_same_key_writes_once(write, member_api, manager_api, running, member, tmp_path):
    adr = adr_services.adr_create(actor=member, project=running, title="One store")

    def once():
        if write == "toil item":
            return send(member_api, "POST", "/api/v1/toil/items",
                        {"project": running.slug, "title": "Rerun", "minutes_per_occurrence": 5}, key="toil-1")
        if write == "decommission":
            return send(member_api, "POST", "/api/v1/decommissions/", {"project": running.slug, "reason": "Costly."}, key="dec-1")
        if write == "comment":
            return send(member_api, "POST", f"/api/v1/projects/{running.slug}/adrs/{adr.number}/comments", {"body": "Hm."}, key="c-1")
        return manager_api.post("/api/v1/ledger/focus-imports", {"upload": _focus_upload(tmp_path)}, headers={"Idempotency-Key": "f-1"})

    first, retried = once(), once()
    assert first.status_code in (201, 202), first.content
    assert (retried.status_code, retried.json(), retried["Idempotent-Replayed"]) == (first.status_code, first.json(), "true")
    counts = {"toil item": ToilItem.objects.count, "decommission": DecommissionRequest.objects.count,
              "comment": Comment.objects.count, "focus upload": FocusImport.objects.count}
    assert counts[write]() == 1


def test_an_edit_refuses_null_on_a_field_that_cannot_be_empty(member_api, project):
    item = ToilItemFactory(project=project, title="Rerun the feed")
    refused = send(member_api, "PATCH", f"/api/v1/toil/items/{item.pk}", {"title": None})
    assert (refused.status_code, refused.json()["field"]) == (422, "title")
    cleared = send(member_api, "PATCH", f"/api/v1/toil/items/{item.pk}", {"owner": None, "people": 2})
    assert (cleared.status_code, cleared.json()["owner"], cleared.json()["title"]) == (200, None, "Rerun the feed")
    assert send(member_api, "PATCH", f"/api/v1/projects/{project.slug}", {"name": None}).json()["field"] == "name"
    assert Project.objects.get(pk=project.pk).name == "Churn model"
