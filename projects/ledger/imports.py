"""FOCUS billing imports as a person or a command starts them: keep the file (both start there), import it in
the background (uploads) or at once (the command), run one import all or nothing, void a whole import. The
parsing and allocation live in projects.ledger.focus."""
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from projects import clock, permissions
from projects.common import jobs
from projects.ledger import focus
from projects.ledger.models import FocusImport, FocusRow
from projects.ledger.rollup import schedule_rollup
from projects.ledger.selectors import PROGRESS_KEY


def focus_import_create(*, actor: User | None, upload, currency: str = "") -> FocusImport:
    """Check a FOCUS file's header and keep the file as a waiting import: where the upload page and
    `manage.py import_focus` both start. `actor` None is the operator running the command on the server."""
    if actor is not None and not permissions.can_import_costs(actor):
        raise PermissionDenied(_("Only managers and admins import billing exports."))
    currency = (currency or "").upper()
    try:
        header = focus.read_header(upload)
        focus.check_columns(header, currency)
    except focus.FocusError as error:
        raise ValidationError({"upload": str(error)}) from None
    focus_import = FocusImport(
        file_name=upload.name[:255], sha256=focus.file_sha256(upload), currency=currency, created_by=actor
    )
    focus_import.full_clean(exclude=["upload"])
    focus_import.upload.save(f"{focus_import.sha256[:16]}.csv", upload, save=False)
    focus_import.save()
    return focus_import


@transaction.atomic
def focus_import_start(*, actor: User, upload, currency: str = "") -> FocusImport:
    """Keep an uploaded FOCUS file and import it in the background."""
    from projects.ledger import tasks

    focus_import = focus_import_create(actor=actor, upload=upload, currency=currency)
    transaction.on_commit(lambda: jobs.enqueue(tasks.import_focus, focus_import.pk))
    return focus_import


def focus_import_run(*, import_id: int, stream=None, dry_run: bool = False):
    """Run one import, all or nothing; safe to call again (a finished import is left as it is).

    Returns the focus.Result, or raises focus.FocusError after recording the refusal.
    """
    key = PROGRESS_KEY.format(import_id)

    def progress(percent: int) -> None:
        cache.set(key, percent, timeout=3600)

    try:
        with transaction.atomic():
            focus_import = FocusImport.objects.select_for_update().get(pk=import_id)
            if focus_import.is_finished or focus_import.is_voided:
                return None
            own_stream = stream is None
            source = focus_import.upload.open("rb") if own_stream else stream
            try:
                result = focus.import_stream(
                    focus_import=focus_import, stream=source, currency=focus_import.currency, progress=progress
                )
            finally:
                if own_stream:
                    source.close()
            focus_import.status = FocusImport.Status.DUPLICATE if result.duplicates_skipped else FocusImport.Status.DONE
            focus_import.rows_read, focus_import.rows_imported = result.rows_read, result.rows_imported
            focus_import.duplicates_skipped, focus_import.rows_replaced = result.duplicates_skipped, result.rows_replaced
            focus_import.summary = {"currencies": result.currencies, "replaced_imports": result.replaced_imports}
            focus_import.save()
            schedule_rollup(result.project_ids)
            if dry_run:
                transaction.set_rollback(True)
            return result
    except focus.FocusError as error:
        if not dry_run:
            FocusImport.objects.filter(pk=import_id).update(
                status=FocusImport.Status.FAILED, error=str(error), updated_at=clock.now()
            )
        raise
    finally:
        cache.delete(key)


@transaction.atomic
def focus_import_void(*, actor: User, focus_import, reason: str):
    """Void a whole import: its rows stop counting and the rows it replaced count again."""
    if not permissions.can_import_costs(actor):
        raise PermissionDenied(_("Only managers and admins void billing imports."))
    focus.lock_imports()  # an import running now may be re-issuing the same period: let it finish first
    focus_import = FocusImport.objects.select_for_update().get(pk=focus_import.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the import is voided.")})
    if focus_import.is_voided:
        raise ValidationError({"reason": _("This import is already voided.")})
    if focus_import.status != FocusImport.Status.DONE:
        raise ValidationError({"reason": _("Only a finished import can be voided.")})
    focus_import.voided_at, focus_import.voided_by, focus_import.void_reason = clock.now(), actor, reason
    focus_import.save()
    project_ids = set(
        FocusRow.objects.filter(focus_import=focus_import, project__isnull=False).values_list("project_id", flat=True).distinct()
    )
    project_ids |= set(
        FocusRow.objects.filter(replaced_by=focus_import, project__isnull=False).values_list("project_id", flat=True).distinct()
    )
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_REPLACED_SQL, {"id": focus_import.pk})
    schedule_rollup(project_ids)
    return focus_import


# The rows a voided import had replaced go to the next live import that re-issued the same billing
# account and period after it (which found them already replaced), and count again only when there is none.
RELEASE_REPLACED_SQL = """
WITH released AS (
    SELECT DISTINCT billing_account_id, billing_period_start FROM projects_focusrow WHERE replaced_by_id = %(id)s
), successor AS (
    SELECT r.billing_account_id, r.billing_period_start, (
        SELECT min(i.id) FROM projects_focusimport i
        WHERE i.id > %(id)s AND i.status = 'done' AND i.voided_at IS NULL AND EXISTS (
            SELECT 1 FROM projects_focusrow n
            WHERE n.focus_import_id = i.id AND n.billing_account_id = r.billing_account_id
              AND n.billing_period_start = r.billing_period_start AND n.charge_class <> 'Correction')
    ) AS import_id
    FROM released r
)
UPDATE projects_focusrow t SET replaced_by_id = successor.import_id
FROM successor
WHERE t.replaced_by_id = %(id)s AND t.billing_account_id = successor.billing_account_id
  AND t.billing_period_start = successor.billing_period_start
"""
