from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToilConfig(AppConfig):
    name = "toil"
    verbose_name = _("Toil")
