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


def landmark_places():
    """The transport landmarks, for "Near" (`brorebro.places`): "E20 Blacksta", "Örebro kombiterminal"."""
    from brorebro.places import landmark
    from brorebro.spatial import ST_X, ST_Y
    from land.models import Landmark, LandmarkKind

    labels = dict(LandmarkKind.choices)
    rows = Landmark.objects.annotate(x=ST_X("location"), y=ST_Y("location")).values_list(
        "name", "kind", "x", "y"
    )
    return [landmark(name, kind, labels[kind], x, y) for name, kind, x, y in rows]


class LandConfig(AppConfig):
    name = "land"
    verbose_name = _("Zoned land")

    def ready(self):
        from brorebro.places import register_source
        from brorebro.sections import Section, register

        register_source(landmark_places)

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
