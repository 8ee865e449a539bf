"""The Django admin shows the kept records but changes none of them: records are voided, never deleted, and
every write goes through the services. Admins still edit the default decommission checklist there."""
import pytest
from django.test import Client
from django.urls import reverse

from adr.models import Adr, AdrRevision, Comment
from projects.decommission.models import ChecklistTemplateItem, DecommissionRequest
from projects.ledger.models import CostEntry, ExchangeRate
from tests.security import snapshot
from tests.security.org import build_org
from toil.models import TimeLog

pytestmark = pytest.mark.django_db


def admin_client(org) -> Client:
    client = Client()
    client.force_login(org.users["admin"])
    return client


def url(obj, action: str) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{action}", args=[obj.pk])


def records(org) -> list:
    log = TimeLog.objects.create(
        item=org.toil_item, user=org.users["member"], logged_on="2025-03-03", minutes=30, logged_by=org.users["member"]
    )
    rate = ExchangeRate.objects.create(currency="USD", month="2025-03-01", rate="0.9")
    return [org.adr, org.comment, org.decommission, org.cost, log, rate]


def test_admin_reads_records_but_cannot_delete_or_change_them():
    org = build_org()
    client = admin_client(org)
    kept = records(org)
    before = snapshot.tables()
    for obj in kept:
        assert client.get(url(obj, "change")).status_code == 200, obj  # the read-only view
        assert client.post(url(obj, "delete"), {"post": "yes"}).status_code == 403, obj
        assert client.post(url(obj, "change"), {"amount": "1", "rate": "2"}).status_code == 403, obj
    assert snapshot.tables() == before
    assert all(type(obj).objects.filter(pk=obj.pk).exists() for obj in kept)
    assert AdrRevision.objects.filter(adr=org.adr).exists()


def test_admin_edits_the_default_decommission_checklist():
    org = build_org()
    client = admin_client(org)
    assert client.get(reverse("admin:projects_decommissionrequest_changelist")).status_code == 200
    response = client.post(reverse("admin:projects_checklisttemplateitem_add"), {
        "position": "99", "title": "Archive the feature store tables", "description": "", "active": "on",
    })
    assert response.status_code == 302
    assert ChecklistTemplateItem.objects.filter(title="Archive the feature store tables").exists()


def test_records_have_no_delete_action_in_the_lists():
    org = build_org()
    client = admin_client(org)
    for model in (Adr, Comment, DecommissionRequest, CostEntry, TimeLog):
        page = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")).content.decode()
        assert "delete_selected" not in page, model


def test_admin_revokes_a_token_but_does_not_delete_it():
    from portal.models import ApiToken

    org = build_org()
    client = admin_client(org)
    token = ApiToken.objects.get(pk=org.tokens["member"])
    assert client.post(url(token, "delete"), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:portal_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
