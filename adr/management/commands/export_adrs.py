"""`manage.py export_adrs DIR --project SLUG`: write a project's decisions as MADR 4 files."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from adr.exporters import export_project
from projects.models import Project


class Command(BaseCommand):
    help = "Write a project's decision records as MADR 4 files named NNNN-title.md."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--project", required=True, help="The project's slug.")

    def handle(self, *args, directory, project, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with the slug {project!r}.")
        written = export_project(target, Path(directory))
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(f"{len(written)} decision records written to {directory}.")
