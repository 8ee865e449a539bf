"""Admin for the ledger: read-mostly, since every write goes through the services."""
from django.contrib import admin

from projects.ledger.models import AllocationRule, CostEntry, ExchangeRate, FocusImport, ValueEntry


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["month", "currency", "rate"]
    list_filter = ["currency"]


@admin.register(CostEntry)
class CostEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "incurred_on", "category", "amount", "currency", "source", "voided_at"]
    list_filter = ["category", "source"]
    search_fields = ["project__name", "description"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # entries are voided, never deleted


@admin.register(ValueEntry)
class ValueEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "realized_on", "kind", "amount", "currency", "confidence", "voided_at"]
    list_filter = ["kind", "confidence"]
    search_fields = ["project__name", "evidence"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FocusImport)
class FocusImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "rows_read", "rows_imported", "created_at", "voided_at"]
    readonly_fields = ["sha256", "summary"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AllocationRule)
class AllocationRuleAdmin(admin.ModelAdmin):
    list_display = ["field", "match", "value", "project"]
