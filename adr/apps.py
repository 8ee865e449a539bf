from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdrConfig(AppConfig):
    name = "adr"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        # Adds this app's section to the decommission evidence snapshot and its cards to the project and team pages.
        from adr import cards, evidence  # noqa: F401
