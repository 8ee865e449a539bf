"""Admin views of decision records, read-only: every change goes through the pages or the API, which keep
the revisions and the sign-offs."""
from django.contrib import admin

from adr.models import Adr, AdrRevision, Comment, OneOffTicket, Review
from projects.common.admin_records import ViewOnly


class ReviewInline(ViewOnly, admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ("reviewer", "verdict", "comment", "reviewed_at")


@admin.register(Adr)
class AdrAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("code", "title", "project", "status", "decided_on", "version")
    list_filter = ("status", "project__team")
    search_fields = ("title", "project__name")
    raw_id_fields = ("author",)
    filter_horizontal = ("decision_makers", "consulted", "informed", "relates_to", "supersedes")
    readonly_fields = ("version", "source_file", "source_hash")
    inlines = [ReviewInline]


@admin.register(AdrRevision)
class AdrRevisionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("adr", "version", "changed_by", "changed_at")
    readonly_fields = ("adr", "version", "content", "reason", "changed_by", "changed_at")


@admin.register(Comment)
class CommentAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("adr", "author", "created_at", "removed_at")
    raw_id_fields = ("adr", "author", "removed_by")


@admin.register(OneOffTicket)
class OneOffTicketAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("title", "adr", "due_on", "status", "owner")
    list_filter = ("status",)
    raw_id_fields = ("adr", "owner", "created_by")
