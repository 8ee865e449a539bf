"""Load mix for `make load`: demo users browse the main pages and make the writes a team makes
every day. Aimed only at the local server that `make load` starts on 127.0.0.1."""
import json
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

DEMO = json.loads(Path(__file__).with_name(".demo.json").read_text())
MEMBERS = [user for user in DEMO["users"] if user["teams"]]
PROJECTS = [project["slug"] for project in DEMO["projects"]]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class TeamMember(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.user_info = random.choice(MEMBERS)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.user_info["username"], "password": self.user_info["password"], "csrfmiddlewaretoken": token},
            name="login",
        )
        own_team = set(self.user_info["teams"])
        self.own_projects = [p["slug"] for p in DEMO["projects"] if p["team"] in own_team and p["phase"] in ("conception", "build", "run")]

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(4)
    def project_list(self) -> None:
        self.client.get("/projects/?sort=team", name="/projects/")

    @task(6)
    def project_page(self) -> None:
        self.client.get(f"/projects/{random.choice(PROJECTS)}/", name="/projects/<slug>/")

    @task(3)
    def ledger_page(self) -> None:
        self.client.get(f"/projects/{random.choice(PROJECTS)}/ledger/", name="/projects/<slug>/ledger/")

    @task(2)
    def decommissions(self) -> None:
        self.client.get("/decommissions/", name="/decommissions/")

    @task(1)
    def tick_health_item(self) -> None:
        if not self.own_projects:
            return
        slug = random.choice(self.own_projects)
        page = self.client.get(f"/projects/{slug}/", name="/projects/<slug>/")
        match = CSRF.search(page.text)
        if match:
            self.client.post(
                f"/projects/{slug}/health/monitoring-alerting/",
                {"status": random.choice(["yes", "partly", "no"]), "note": "load test", "csrfmiddlewaretoken": match.group(1)},
                headers={"HX-Request": "true", "Referer": f"{self.host}/projects/{slug}/"},
                name="/projects/<slug>/health/<item>/",
            )
