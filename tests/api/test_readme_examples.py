"""The curl examples of the README, run as written with curl against a live server: post a cost (twice, to
show the retry is safe), log toil, read the portfolio, upload a FOCUS export, accept a decision."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from adr import services as adr_services
from adr.models import Adr
from projects.ledger.models import CostEntry, FocusImport
from projects.models import Membership
from tests.api.conftest import make_token
from tests.factories import MembershipFactory, ProjectFactory, TeamFactory, ToilItemFactory, UserFactory, make_manager
from tests.ledger.focus_files import row, tag, write as write_focus
from toil.models import TimeLog

pytestmark = pytest.mark.django_db(transaction=True)


def readme_curl_commands() -> list[str]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    block = re.search(r"```sh\nexport PORTAL=.*?\n```", readme, re.S).group(0)
    lines = block.replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("curl ")]


def run(command: str, *, portal: str, token: str, tmp_path: Path) -> tuple[int, dict, str]:
    out = tmp_path / "body.json"
    headers = tmp_path / "headers.txt"
    completed = subprocess.run(
        ["bash", "-c", f'{command} -sS -o "$OUT" -D "$HEADERS" -w "%{{http_code}}"'],
        env={**os.environ, "PORTAL": portal, "TOKEN": token, "OUT": str(out), "HEADERS": str(headers)},
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True,
    )
    return int(completed.stdout), json.loads(out.read_text()), headers.read_text()


def test_the_readme_examples_work_as_written(live_server, tmp_path):
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    user = MembershipFactory(team=team, user=UserFactory(username="pipeline")).user
    project = ProjectFactory(team=team, name="Churn prediction", slug="churn-prediction")
    ToilItemFactory(pk=42, project=project, title="Re-run the monthly scoring by hand")
    write, read = make_token(user, scope="write"), make_token(user, scope="read")
    post_cost, log_toil, read_portfolio, upload_focus, review = readme_curl_commands()

    status, cost, _headers = run(post_cost, portal=live_server.url, token=write, tmp_path=tmp_path)
    assert status == 201, cost
    assert (cost["project"], cost["amount"], cost["description"]) == ("churn-prediction", "1840.00", "GPU inference")
    status, retried, headers = run(post_cost, portal=live_server.url, token=write, tmp_path=tmp_path)
    assert status == 201
    assert retried == cost
    assert "idempotent-replayed: true" in headers.lower()
    assert CostEntry.objects.filter(source="manual").count() == 1

    status, log, _headers = run(log_toil, portal=live_server.url, token=write, tmp_path=tmp_path)
    assert status == 201, log
    assert (log["item"], log["minutes"], log["user"]) == (42, 45, "pipeline")
    assert TimeLog.objects.get().note == "Manual retrain after a feed delay"

    status, portfolio, _headers = run(read_portfolio, portal=live_server.url, token=read, tmp_path=tmp_path)
    assert status == 200, portfolio
    assert [row["slug"] for row in portfolio["projects"]["items"]] == ["churn-prediction"]
    assert portfolio["currency"] == "EUR"

    write_focus(tmp_path / "focus-2026-10.csv", [row(Tags=tag("churn-prediction"))])
    manager = make_token(make_manager(username="finops"), scope="write")
    status, upload, _headers = run(upload_focus, portal=live_server.url, token=manager, tmp_path=tmp_path)
    assert status == 202, upload
    assert (upload["file_name"], upload["rows_read"]) == ("focus-2026-10.csv", 0)
    assert FocusImport.objects.get().file_name == "focus-2026-10.csv"
    status, retried, headers = run(upload_focus, portal=live_server.url, token=manager, tmp_path=tmp_path)
    assert (status, retried["id"]) == (202, upload["id"]) and "idempotent-replayed: true" in headers.lower()

    lead = MembershipFactory(team=team, user=UserFactory(username="lead"), role=Membership.Role.LEAD).user
    for number in (1, 2, 3):
        adr_services.adr_create(actor=user, project=project, title=f"Decision {number}", number=number)
    status, record, _headers = run(review, portal=live_server.url, token=make_token(lead, scope="write"), tmp_path=tmp_path)
    assert status == 200, record
    assert (record["number"], record["status"], record["reviews"][0]["reviewer"]) == (3, "accepted", "lead")
    assert Adr.objects.get(project=project, number=3).status == "accepted"
