"""Admin for API tokens: admins see every token (never its secret) and can revoke a leaked one."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal import services
from portal.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "scope", "expires_at", "last_used_at", "revoked_at", "created_at"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        # A token is created by its owner on the tokens page, the only place its secret is shown.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revoked, not deleted: the list keeps who had which token and when it stopped working.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The selected tokens are revoked."))
