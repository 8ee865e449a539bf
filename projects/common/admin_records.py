"""What the admin pages of the records the portal keeps share."""


class ViewOnly:
    """Mixed into a ModelAdmin or an inline: the record is shown, never added, changed or deleted here.

    Records are voided, not deleted, and every write goes through the services, which keep the audit
    reasons and recompute what depends on the record (rollup, toil cost, revisions, timelines).
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
