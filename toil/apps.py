from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToilConfig(AppConfig):
    name = "toil"
    verbose_name = _("Toil")

    def ready(self) -> None:
        # Adds this app's section to the decommission evidence snapshot.
        from toil import evidence  # noqa: F401
