from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "premises"
    verbose_name = _("Vacant premises")

    def ready(self):
        from brorebro.sections import Section, register

        register(
            Section(
                key="premises",
                order=10,
                title=_("Vacant premises"),
                lead=_(
                    "Offices, shops, workshops and warehouses in all twelve municipalities, in one search with a map."
                ),
                url_name="premises:index",
                figures=home_figures,
            )
        )


def home_figures() -> list[tuple[str, str]]:
    """Live figures for the home page: how many premises are on offer, and how much floor area."""
    from django.db.models import Count, Sum

    from brorebro.templatetags.portal import num
    from premises.models import Premises

    totals = Premises.objects.visible().aggregate(n=Count("pk"), area=Sum("area_max_m2"))
    return [
        (num(totals["n"]), _("premises on offer")),
        (f"{num(totals['area'] or 0)} m²", _("of floor space")),
    ]
