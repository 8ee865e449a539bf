from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and teams")

    def ready(self) -> None:
        # The ledger's and the decommission's cards on the project page.
        from projects.decommission import cards as decommission_cards  # noqa: F401
        from projects.ledger import cards as ledger_cards  # noqa: F401
