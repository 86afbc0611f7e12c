from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "premises"
    verbose_name = _("Vacant premises")

    def ready(self):
        from brorebro.places import register_source
        from brorebro.sections import Section, register

        register_source(locality_places)

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


def locality_places():
    """The localities of the visible premises, for "Near" (`brorebro.places`): each at the mean
    position of its premises, after the gazetteer's point for the same locality."""
    from django.db.models import Avg

    from brorebro.places import locality
    from brorebro.spatial import ST_X, ST_Y
    from premises.models import Premises

    rows = (
        Premises.objects.visible()
        .order_by()
        .values("locality", "municipality__name")
        .annotate(x=Avg(ST_X("location")), y=Avg(ST_Y("location")))
    )
    return [locality(r["locality"], r["municipality__name"], r["x"], r["y"], source_rank=1) for r in rows]
