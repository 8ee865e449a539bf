"""Celery's autodiscovery imports `<app>.tasks` only: the ledger's and decommissioning's tasks live in
their own packages, so they are imported here for a worker to know them."""
from projects.decommission.tasks import notify_decommission_event  # noqa: F401
from projects.ledger.tasks import import_focus, rollup_all, rollup_project  # noqa: F401
