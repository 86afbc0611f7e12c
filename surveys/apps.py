from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Service survey (NKI)")

    def ready(self):
        from brorebro.sections import Section, register
        from surveys.trends import latest_region_figures

        register(
            Section(
                key="surveys",
                order=30,
                title=_("Service survey (NKI)"),
                lead=_(
                    "How satisfied companies are with the municipalities' service and authority work, "
                    "since 2011 and compared with Sweden."
                ),
                url_name="surveys:index",
                figures=latest_region_figures,
            )
        )
