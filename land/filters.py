"""The one land search: used by the search page, the GeoJSON API and the CSV export.

Every parameter is validated by the FilterSet's form, so a bad value becomes a
message beside its field (or a 400 from the API), never a 500. Filters whose value
is invalid are left out; the valid ones still apply.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.contrib.gis.db.models.functions import Distance
from django.db.models import F, FloatField
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from brorebro.places import PlaceFilter
from brorebro.search import (
    BBoxFilter,
    MultipleChoiceFilter,
    MunicipalityFilter,
    RadiusFilter,
    SearchFilterSet,
)
from brorebro.spatial import MAX_RADIUS_KM
from land.models import LandmarkKind, LandPlot, PlanStatus, Purpose, Service

SORTS = {
    "newest": (_("Newest first"), [F("published_at").desc(nulls_last=True), "-pk"]),
    "area_desc": (_("Largest first"), ["-area_m2", "pk"]),
    "area_asc": (_("Smallest first"), ["area_m2", "pk"]),
    "price_asc": (_("Lowest price first"), [F("price_sek_per_m2").asc(nulls_last=True), "pk"]),
    "name": (_("Name A–Ö"), ["name", "pk"]),
    "distance": (_("Nearest first (choose a place or a kind of place)"), ["landmark_distance_m", "pk"]),
}


class DecimalCommaField(forms.DecimalField):
    """A number that may be written the Swedish way, with a decimal comma (4,5)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class NumberFilter(django_filters.NumberFilter):
    field_class = DecimalCommaField


def _format_lazy(template, **values):
    """`template % values`, translated when shown rather than when this module loads."""
    return lazy(lambda: capfirst(str(template) % {k: str(v) for k, v in values.items()}), str)()


def _number_messages(what) -> dict:
    return {
        "invalid": _format_lazy(_("Enter %(what)s as a number, e.g. 5."), what=what),
        "min_value": _format_lazy(_("%(what)s cannot be negative."), what=what),
        "max_value": _format_lazy(_("%(what)s is unrealistically large."), what=what),
    }


class LandSearchForm(forms.Form):
    """Checks that involve two fields."""

    def clean(self):
        data = super().clean()
        kind, km = data.get("landmark_kind"), data.get("within_km")
        if kind and km is None and "within_km" not in self.errors:
            self.add_error("within_km", _("Give the distance in km to the chosen kind of place."))
        if km is not None and not kind and "landmark_kind" not in self.errors:
            self.add_error("landmark_kind", _("Choose the kind of place the distance is measured to."))
        near = data.get("near")
        if data.get("radius_km") is not None and near is None and "near" not in self.errors:
            self.add_error("near", _("Give a place to search within a distance of it."))
        if (
            data.get("sort") == "distance"
            and not kind
            and near is None
            and "landmark_kind" not in self.errors
        ):
            if "near" not in self.errors:
                self.add_error(
                    "sort", _("Sorting by distance needs a place, or a kind of place and a distance.")
                )
        low, high = data.get("area_min_ha"), data.get("area_max_ha")
        if low is not None and high is not None and low > high:
            self.add_error("area_max_ha", _("The largest area must be at least the smallest area."))
        return data


class LandPlotFilterSet(SearchFilterSet):
    cache_kinds = ("land", "municipalities")

    q = django_filters.CharFilter(
        label=_("Search words"),
        method="filter_q",
        help_text=_("Name, business area, plan id or description."),
        max_length=100,
    )
    municipality = MunicipalityFilter()
    purpose = MultipleChoiceFilter(
        label=_("Permitted use"),
        choices=Purpose.choices,
        method="filter_purpose",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Plots that allow any of the chosen uses."),
        error_messages={"invalid_choice": _("“%(value)s” is not a use we list.")},
    )
    area_min_ha = NumberFilter(
        label=_("Smallest area (ha)"),
        method="filter_area_min",
        help_text=_("1 hectare is 10 000 m²."),
        min_value=Decimal(0),
        max_value=Decimal(100000),
        error_messages=_number_messages(_("the smallest area")),
    )
    area_max_ha = NumberFilter(
        label=_("Largest area (ha)"),
        method="filter_area_max",
        min_value=Decimal(0),
        max_value=Decimal(100000),
        error_messages=_number_messages(_("the largest area")),
    )
    price_max = NumberFilter(
        label=_("Highest price (SEK/m²)"),
        field_name="price_sek_per_m2",
        lookup_expr="lte",
        min_value=Decimal(0),
        max_value=Decimal(1000000),
        help_text=_("Plots with the price on request are left out."),
        error_messages=_number_messages(_("the highest price")),
    )
    plan_status = django_filters.ChoiceFilter(
        label=_("Detailed plan"),
        choices=PlanStatus.choices,
        empty_label=_("Any"),
        error_messages={"invalid_choice": _("“%(value)s” is not a plan status.")},
    )
    service = MultipleChoiceFilter(
        label=_("Services"),
        choices=Service.choices,
        method="filter_services",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Plots that have all of the chosen services."),
        error_messages={"invalid_choice": _("“%(value)s” is not a service we list.")},
    )
    rail = django_filters.BooleanFilter(
        label=_("A rail siding is possible"), method="filter_rail", widget=forms.CheckboxInput
    )
    landmark_kind = django_filters.ChoiceFilter(
        label=_("Near"),
        choices=LandmarkKind.choices,
        empty_label=_("Anywhere"),
        method="filter_nothing",  # applied together with within_km
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of place we list.")},
    )
    within_km = NumberFilter(
        label=_("Within (km)"),
        method="filter_within_km",
        min_value=Decimal("0.1"),
        max_value=Decimal(MAX_RADIUS_KM),
        help_text=_("Distance from the plot boundary to the nearest such place, as the crow flies."),
        error_messages={
            "invalid": _("Enter the distance in km as a number, e.g. 5."),
            "min_value": _("The distance must be at least 0.1 km."),
            "max_value": _format_lazy(_("The distance can be at most %(max)s km."), max=MAX_RADIUS_KM),
        },
    )
    near = PlaceFilter(
        label=_("Near the place"),
        method="filter_near",
        help_text=_(
            "A place such as Kumla, Örebro kombiterminal or E20 Blacksta, or latitude,longitude, "
            "e.g. 59.2741,15.2066."
        ),
    )
    radius_km = RadiusFilter(
        label=_("Within (km) of the place"),
        method="filter_nothing",  # applied with near
        error_messages={
            "invalid": _("Enter the distance in km as a number, e.g. 5."),
            "min_value": _("The distance must be at least 0.1 km."),
            "max_value": _format_lazy(_("The distance can be at most %(max)s km."), max=MAX_RADIUS_KM),
        },
    )
    bbox = BBoxFilter(field_name="geom", lookup_expr="intersects")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        empty_label=None,
        method="filter_sort",
        error_messages={"invalid_choice": _("“%(value)s” is not a way to sort.")},
    )

    class Meta:
        model = LandPlot
        form = LandSearchForm
        fields: list[str] = []

    # --- filter methods
    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_purpose(self, queryset, name, value):
        return queryset.with_any_purpose(value)

    def filter_area_min(self, queryset, name, value):
        return queryset.filter(area_m2__gte=value * 10000)

    def filter_area_max(self, queryset, name, value):
        return queryset.filter(area_m2__lte=value * 10000)

    def filter_services(self, queryset, name, value):
        return queryset.with_services(value)

    def filter_rail(self, queryset, name, value):
        return queryset.filter(rail_siding_possible=True) if value else queryset

    def filter_within_km(self, queryset, name, value):
        kind = self.form.cleaned_data.get("landmark_kind")
        if not kind:
            return queryset
        return queryset.near_landmark(kind, float(value) * 1000).with_distance_to(kind)

    def filter_near(self, queryset, name, value):
        """Plots within `radius_km` of the place (when given), with `place_distance_m` annotated."""
        queryset = queryset.annotate(place_distance_m=Cast(Distance("geom", value), FloatField()))
        radius = self.form.cleaned_data.get("radius_km")
        if radius:
            # Both in settings.SRID: metres on PostGIS and SpatiaLite alike.
            queryset = queryset.filter(geom__dwithin=(value, float(radius) * 1000))
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == "distance":
            # To the place when one is given, else to the nearest landmark of the chosen kind.
            if "place_distance_m" in queryset.query.annotations:
                return queryset.order_by("place_distance_m", "pk")
            if "landmark_distance_m" not in queryset.query.annotations:
                return queryset  # the form has already explained why
        return queryset.order_by(*SORTS[value][1])
