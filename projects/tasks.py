"""Celery's autodiscovery imports `<app>.tasks` only: the ledger's and decommissioning's tasks live in
their own packages, so they are imported here for a worker to know them."""
from projects.decommission.tasks import *  # noqa: F401,F403
from projects.ledger.tasks import *  # noqa: F401,F403
