"""`manage.py seed_demo`: load the demo organisation. Running it again changes nothing."""
import json

from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Loads a realistic demo organisation (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the demo logins and projects as JSON.")
        parser.add_argument("--if-empty", action="store_true", help="Seed only when the database has no users.")

    def handle(self, *args, **options) -> None:
        if not options["if_empty"] or demo.is_empty():
            demo.seed()
        if options["json"]:
            self.stdout.write(json.dumps({"users": demo.logins(), "projects": demo.projects()}, indent=2))
            return
        self.stdout.write("Demo logins (password for all: %s):" % demo.DEMO_PASSWORD)
        for login in demo.logins():
            teams = ", ".join(login["teams"]) or "-"
            self.stdout.write(f"  {login['username']:<8} {login['role']:<8} {teams}")
