"""Celery finds tasks in each app's tasks.py: this brings in the ledger's."""
from projects.ledger.tasks import import_focus, rollup_all, rollup_project  # noqa: F401
