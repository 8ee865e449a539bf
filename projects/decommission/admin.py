"""Admin for decommissioning: admins edit the default checklist; requests are read-only here (they move
through the workflow's pages, which keep the timeline)."""
from django.contrib import admin

from projects.common.admin_records import ViewOnly
from projects.decommission.models import ChecklistItem, ChecklistTemplateItem, DecommissionEvent, DecommissionRequest


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["position", "title", "active"]
    list_display_links = ["title"]
    list_editable = ["position", "active"]


class ChecklistItemInline(ViewOnly, admin.TabularInline):
    model = ChecklistItem
    extra = 0
    readonly_fields = ["done_by", "done_at"]


class DecommissionEventInline(ViewOnly, admin.TabularInline):
    model = DecommissionEvent
    extra = 0
    readonly_fields = ["action", "actor", "at", "comment"]


@admin.register(DecommissionRequest)
class DecommissionRequestAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["project", "state", "requested_by", "created_at", "decided_by", "completed_at"]
    list_filter = ["state"]
    search_fields = ["project__name"]
    readonly_fields = ["state", "evidence", "requested_by", "decided_by", "decided_at", "phase_before", "monthly_cost_freed", "completed_at"]
    inlines = [ChecklistItemInline, DecommissionEventInline]
