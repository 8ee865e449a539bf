from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToilConfig(AppConfig):
    name = "toil"
    verbose_name = _("Toil")

    def ready(self) -> None:
        # Adds this app's section to the decommission evidence snapshot and its cards to the project and team pages.
        from toil import cards, evidence  # noqa: F401

        # Which statuses of a toil item finish a decision's remediation.
        from adr import remediation
        from toil.models import ToilItem

        remediation.register_finished(ToilItem.FINISHED)
