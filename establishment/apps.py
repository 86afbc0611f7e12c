from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentConfig(AppConfig):
    name = "establishment"
    verbose_name = _("Establishment requests")

    def ready(self):
        from brorebro.sections import Section, register
        from establishment import signals  # noqa: F401 (connects the new-match signal handlers)

        register(
            Section(
                key="establishment",
                order=50,
                title=_("Establish here"),
                lead=_(
                    "Tell us once what your company needs. You get matching premises and land across the "
                    "county at once, and one proposal from the municipalities."
                ),
                url_name="establishment:request",
            )
        )
