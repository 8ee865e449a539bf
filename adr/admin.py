"""Admin views of decision records, for admins fixing data; the pages are where people work."""
from django.contrib import admin

from adr.models import Adr, AdrRevision, Comment, Review


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ("reviewer", "verdict", "comment", "reviewed_at")


@admin.register(Adr)
class AdrAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "project", "status", "decided_on", "version")
    list_filter = ("status", "project__team")
    search_fields = ("title", "project__name")
    raw_id_fields = ("author",)
    filter_horizontal = ("decision_makers", "consulted", "informed", "relates_to", "supersedes")
    readonly_fields = ("version", "source_file", "source_hash")
    inlines = [ReviewInline]


@admin.register(AdrRevision)
class AdrRevisionAdmin(admin.ModelAdmin):
    list_display = ("adr", "version", "changed_by", "changed_at")
    readonly_fields = ("adr", "version", "content", "reason", "changed_by", "changed_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("adr", "author", "created_at", "removed_at")
    raw_id_fields = ("adr", "author", "removed_by")
