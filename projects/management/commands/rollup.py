"""`manage.py rollup [--project SLUG]`: recompute the ledger now, in the foreground."""
from django.core.management.base import BaseCommand, CommandError

from projects.ledger.rollup import ledger_rollup
from projects.models import Project


class Command(BaseCommand):
    help = "Recompute the ledger's monthly summary and underwater flags now."

    def add_arguments(self, parser):
        parser.add_argument("--project", metavar="SLUG", help="Only this project.")

    def handle(self, *args, project=None, **options):
        if project:
            found = Project.objects.filter(slug=project).first()
            if found is None:
                raise CommandError(f"No project with slug {project!r}.")
            ledger_rollup(project_ids=[found.pk])
            self.stdout.write(f"Ledger recomputed for {found.slug}.")
        else:
            ledger_rollup()
            self.stdout.write(f"Ledger recomputed for {Project.objects.count()} projects.")
