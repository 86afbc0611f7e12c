from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrorebroConfig(AppConfig):
    name = "brorebro"
    verbose_name = _("Region and municipalities")
