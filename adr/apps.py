from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdrConfig(AppConfig):
    name = "adr"
    verbose_name = _("Decisions")
