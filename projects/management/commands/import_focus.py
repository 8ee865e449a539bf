"""`manage.py import_focus FILE [--currency CODE] [--dry-run] [--json]`: import a FOCUS billing export."""
import json
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.ledger import focus
from projects.ledger import imports as ledger_imports
from projects.ledger.models import FocusImport


class Command(BaseCommand):
    help = "Import a FOCUS (FinOps Open Cost and Usage Specification) CSV file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--currency", default="", help="Currency of a file without a BillingCurrency column.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, keep nothing.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, file, currency, dry_run, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        with path.open("rb") as stream:
            try:
                result = self._run(stream, path.name, currency.upper(), dry_run)
            except focus.FocusError as error:
                raise CommandError(f"{file}: refused. {error}") from None
        payload = {
            "file": str(file), "rows_read": result.rows_read, "rows_imported": result.rows_imported,
            "duplicates_skipped": result.duplicates_skipped, "dry_run": dry_run, "currencies": result.currencies,
        }
        if json:
            self.stdout.write(_json_dumps(payload))
            return
        verb = "would import" if dry_run else "imported"
        self.stdout.write(f"{file}: read {result.rows_read} rows, {verb} {result.rows_imported}, {result.duplicates_skipped} duplicates skipped.")
        if result.rows_replaced:
            self.stdout.write(f"Replaced {result.rows_replaced} rows of earlier imports {result.replaced_imports} (re-issued billing period).")
        for code, totals in result.currencies.items():
            self.stdout.write(
                f"  {code}: effective {totals['effective_cost']}, billed {totals['billed_cost']}, "
                f"allocated {totals['allocated_effective_cost']}, unallocated {totals['unallocated_effective_cost']}"
            )

    def _run(self, stream, name: str, currency: str, dry_run: bool):
        """The upload page's service keeps the file and the import runs it at once, as the worker would."""
        if currency and not re.fullmatch(focus.CURRENCY_RE, currency):
            raise focus.FocusError(f"--currency {currency!r} is not a three-letter ISO 4217 code, such as USD.")
        if dry_run:
            return self._dry_run(File(stream, name=name), currency)
        focus_import = self._create(File(stream, name=name), currency)
        return ledger_imports.focus_import_run(import_id=focus_import.pk)

    def _dry_run(self, upload: File, currency: str):
        with transaction.atomic():
            focus_import = self._create(upload, currency)
            try:
                return ledger_imports.focus_import_run(import_id=focus_import.pk, dry_run=True)
            finally:
                focus_import.upload.delete(save=False)
                transaction.set_rollback(True)

    @staticmethod
    def _create(upload: File, currency: str) -> FocusImport:
        try:
            return ledger_imports.focus_import_create(actor=None, upload=upload, currency=currency)
        except ValidationError as error:
            raise focus.FocusError(" ".join(error.messages)) from None


def _json_dumps(payload: dict) -> str:
    return json.dumps(payload, indent=2)
