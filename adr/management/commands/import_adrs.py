"""`manage.py import_adrs DIR --project SLUG [--json]`: import every ADR markdown file in a folder."""
import json
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from adr import services
from projects.models import Project


class Command(BaseCommand):
    help = "Import MADR 2/3/4, Nygard / adr-tools and log4brains decision records from a folder into a project."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--project", required=True, help="The project's slug.")
        parser.add_argument("--as", dest="username", help="The user recorded as importer (default: the first admin).")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, directory, project, username=None, as_json=False, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with the slug {project!r}.")
        actor = (User.objects.filter(username=username) if username else User.objects.filter(is_superuser=True).order_by("pk")).first()
        if actor is None:
            raise CommandError("No importing user: pass --as USERNAME or create an admin.")
        files = [(path.name, path.read_bytes()) for path in sorted(folder.iterdir()) if path.is_file()]
        reports = services.adr_import(actor=actor, project=target, files=files, keep_signers=True)
        if as_json:
            self.stdout.write(_dumps({"project": target.slug, "files": reports}))
            return
        for report in reports:
            line = f"{report['file']}: {report['result']}"
            if report["number"] is not None:
                line += f" as ADR-{report['number']:04d} {report['title']!r}"
            if report["reason"]:
                line += f" ({report['reason']})"
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
