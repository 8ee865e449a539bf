"""Admin for the ledger: read-only. Every write goes through the services (the pages, the API, the commands),
which keep the audit reason and schedule the rollup."""
from django.contrib import admin

from projects.common.admin_records import ViewOnly
from projects.ledger.models import AllocationRule, CostEntry, ExchangeRate, FocusImport, ValueEntry


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["month", "currency", "rate"]
    list_filter = ["currency"]


@admin.register(CostEntry)
class CostEntryAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["project", "incurred_on", "category", "amount", "currency", "source", "voided_at"]
    list_filter = ["category", "source"]
    search_fields = ["project__name", "description"]


@admin.register(ValueEntry)
class ValueEntryAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["project", "realized_on", "kind", "amount", "currency", "confidence", "voided_at"]
    list_filter = ["kind", "confidence"]
    search_fields = ["project__name", "evidence"]


@admin.register(FocusImport)
class FocusImportAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["file_name", "status", "rows_read", "rows_imported", "created_at", "voided_at"]
    readonly_fields = ["sha256", "summary"]


@admin.register(AllocationRule)
class AllocationRuleAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["field", "match", "value", "project"]
