"""`manage.py seed_demo`: load the demo organisation, its history written relative to today. A database
that already holds the demo is left as it is, so running it again changes nothing."""
import json

from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Loads a realistic demo organisation (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the demo logins and projects as JSON.")
        parser.add_argument("--if-empty", action="store_true", help="Seed only when the database has no users.")

    def handle(self, *args, **options) -> None:
        loaded = False
        if not options["if_empty"] or demo.is_empty():
            loaded = demo.seed()
        if options["json"]:
            self.stdout.write(json.dumps({"users": demo.logins(), "projects": demo.projects()}, indent=2))
            return
        if not loaded and demo.is_seeded():
            self.stdout.write("The demo organisation is already loaded; its history is left as it is.")
        self.stdout.write("Demo logins (password for all: %s):" % demo.DEMO_PASSWORD)
        for login in demo.logins():
            teams = ", ".join(login["teams"]) or "-"
            self.stdout.write(f"  {login['username']:<8} {login['role']:<8} {teams}")
