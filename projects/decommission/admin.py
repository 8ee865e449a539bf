from django.contrib import admin

from projects.decommission.models import ChecklistItem, ChecklistTemplateItem, DecommissionEvent, DecommissionRequest


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["position", "title", "active"]
    list_display_links = ["title"]
    list_editable = ["position", "active"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    readonly_fields = ["done_by", "done_at"]


class DecommissionEventInline(admin.TabularInline):
    model = DecommissionEvent
    extra = 0
    readonly_fields = ["action", "actor", "at", "comment"]
    can_delete = False


@admin.register(DecommissionRequest)
class DecommissionRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "state", "requested_by", "created_at", "decided_by", "completed_at"]
    list_filter = ["state"]
    search_fields = ["project__name"]
    readonly_fields = ["state", "evidence", "requested_by", "decided_by", "decided_at", "phase_before", "monthly_cost_freed", "completed_at"]
    inlines = [ChecklistItemInline, DecommissionEventInline]
