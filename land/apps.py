from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_figures() -> list[tuple[str, str]]:
    """Live figures for the home page: plots on offer and their total area."""
    from brorebro.templatetags.portal import hectares, num
    from land.models import LandPlot

    totals = LandPlot.objects.visible().order_by().totals()
    return [
        (num(totals["count"]), str(_("plots on offer"))),
        (hectares(totals["area_m2"] or 0), str(_("hectares in total"))),
    ]


class LandConfig(AppConfig):
    name = "land"
    verbose_name = _("Zoned land")

    def ready(self):
        from brorebro.sections import Section, register

        register(
            Section(
                key="land",
                order=20,
                title=_("Land for business"),
                lead=_(
                    "Zoned land for industry and logistics across the county, searchable by size, "
                    "plan, services and distance to motorways and rail terminals."
                ),
                url_name="land:index",
                figures=home_figures,
            )
        )
