"""Logging filters of the portal (wired in settings.LOGGING)."""
import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (403) is an answer, not a fault: log it as its one line
    ("Forbidden (…): /path"), without the traceback of the PermissionDenied that produced it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
