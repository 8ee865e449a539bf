"""The portal: settings, Celery app, layout, home and portfolio dashboards."""
from portal.celery import app as celery_app

__all__ = ["celery_app"]
