from django.contrib import admin

from projects.common.jobs import PendingJob
from projects.models import Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "hourly_rate"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "weekly_hours", "joined_on"]
    list_filter = ["team", "role"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user", "team"]

from projects.decommission import admin as decommission_admin  # noqa: E402,F401  registers its admin pages
from projects.ledger import admin as ledger_admin  # noqa: E402,F401  registers the ledger's admin pages


@admin.register(PendingJob)
class PendingJobAdmin(admin.ModelAdmin):
    """Jobs recorded while Redis was down; the beat task `requeue-pending-jobs` sends them again. An admin may
    delete a job that should not run; nobody adds one by hand."""

    list_display = ["task_name", "args", "created_at", "attempts", "last_error"]
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False
