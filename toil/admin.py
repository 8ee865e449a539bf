"""Admin for the toil backlog, read-only: items and their time logs change through the pages or the API,
which record the moves and hand the hours to the ledger."""
from django.contrib import admin

from projects.common.admin_records import ViewOnly
from toil.models import TimeLog, ToilItem


class TimeLogInline(ViewOnly, admin.TabularInline):
    model = TimeLog
    extra = 0
    raw_id_fields = ["user", "logged_by"]


@admin.register(ToilItem)
class ToilItemAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["title", "project", "classification", "status", "strategy", "owner"]
    list_filter = ["status", "classification", "strategy", "project__team"]
    search_fields = ["title", "description", "project__name"]
    raw_id_fields = ["owner"]
    list_select_related = ["project", "owner"]
    inlines = [TimeLogInline]


@admin.register(TimeLog)
class TimeLogAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["item", "user", "logged_on", "minutes", "logged_by"]
    list_filter = ["logged_on"]
    raw_id_fields = ["item", "user", "logged_by"]
    list_select_related = ["item", "user", "logged_by"]
