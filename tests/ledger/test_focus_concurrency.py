"""Two workers importing at once, each in its own transaction and connection."""
import threading

import pytest
from django.db import connection

from projects.ledger import imports as ledger_imports
from projects.ledger.models import FocusImport, FocusRow
from tests.factories import ProjectFactory
from tests.ledger.focus_files import row, tag, write

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(import_ids: list[int]) -> list[BaseException]:
    barrier = threading.Barrier(len(import_ids))
    errors: list[BaseException] = []

    def work(import_id: int) -> None:
        try:
            barrier.wait()
            ledger_imports.focus_import_run(import_id=import_id)
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(import_id,)) for import_id in import_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_the_same_file_uploaded_twice_at_once_is_counted_once(tmp_path, team, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ProjectFactory(team=team, slug="churn", phase="run")
    path = write(tmp_path / "bill.csv", [row(Tags=tag("churn"), EffectiveCost=str(index)) for index in range(1, 2001)])
    imports = []
    for name in ("first.csv", "second.csv"):
        focus_import = FocusImport(file_name=name, sha256="same-bytes")
        focus_import.upload.save(name, open(path, "rb"), save=True)
        imports.append(focus_import)

    assert run_together([focus_import.pk for focus_import in imports]) == []

    statuses = sorted(FocusImport.objects.values_list("status", flat=True))
    assert statuses == ["done", "duplicate"]
    assert FocusRow.objects.count() == 2000


def test_a_void_waits_for_the_import_that_is_running(tmp_path, team, settings):
    """An import re-issuing a period and a void of an earlier export must not interleave."""
    import time

    from django.db import transaction

    from projects.ledger import focus
    from tests.factories import make_manager

    manager = make_manager()
    focus_import = FocusImport.objects.create(file_name="old.csv", sha256="old", status="done")
    events: list[str] = []
    holding = threading.Event()

    def running_import() -> None:
        try:
            with transaction.atomic():
                focus.lock_imports()
                events.append("import running")
                holding.set()
                time.sleep(1)
                events.append("import committed")
        finally:
            connection.close()

    thread = threading.Thread(target=running_import)
    thread.start()
    assert holding.wait(timeout=30)
    ledger_imports.focus_import_void(actor=manager, focus_import=focus_import, reason="Sent twice")
    events.append("voided")
    thread.join(timeout=30)

    assert events == ["import running", "import committed", "voided"]
