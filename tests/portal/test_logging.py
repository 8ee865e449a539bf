"""Operations read the log: a refused request is one line; a fault keeps its traceback."""
import logging

import pytest
from django.urls import reverse

from tests.factories import UserFactory


def _handled(record: logging.LogRecord) -> str:
    """The line as the console handler of settings.LOGGING writes it."""
    return logging.Formatter().format(record)


@pytest.mark.django_db
def test_a_refused_request_is_logged_as_one_line(client, caplog):
    client.force_login(UserFactory())  # in no team: FOCUS imports are for managers and admins
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(reverse("ledger:focus_upload"))
    assert response.status_code == 403
    refusals = [record for record in caplog.records if record.name == "django.request"]
    assert len(refusals) == 1
    line = _handled(refusals[0])
    assert line == "Forbidden (Permission denied): /ledger/imports/"
    assert "Traceback" not in line


def test_a_fault_keeps_its_traceback():
    from portal.logs import RefusalsOnOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), sys.exc_info())
    record.status_code = 500
    assert RefusalsOnOneLine().filter(record)
    assert "Traceback" in _handled(record)
