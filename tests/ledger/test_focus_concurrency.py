"""Two workers importing at once, each in its own transaction and connection."""
import threading

import pytest
from django.db import connection

from projects.ledger import services
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
            services.focus_import_run(import_id=import_id)
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
