from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrorebroConfig(AppConfig):
    name = "brorebro"
    verbose_name = _("Region and municipalities")

    def ready(self):
        from django.db.models.signals import post_migrate

        from brorebro.versions import after_migrate

        # The data-version triggers cover every table that exists after each migrate.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="brorebro_data_version_triggers")
