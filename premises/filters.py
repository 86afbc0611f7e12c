"""The one set of search filters for premises.

The search page, `/api/premises.geojson` and the CSV export all build a
`PremisesFilterSet` from the query string, so a shared URL means the same thing
everywhere. Invalid values become form errors with a message (never a 500);
parameters nobody asked for are ignored.

`LandmarkKind` comes from `land.models`: the "within (km) of a motorway junction, rail
terminal or airport" filters measure to the land app's landmarks (see premises.models).
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db.models import F
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
from land.models import LandmarkKind
from premises.models import (
    MAX_AREA_M2,
    MAX_CLEAR_HEIGHT_M,
    MAX_DOORS,
    MAX_POWER_A,
    MAX_PRICE,
    MAX_RENT,
    Amenity,
    Kind,
    Tenure,
)

# "Max distance to …" filters: parameter → the kind of landmark it measures to.
LANDMARK_DISTANCE_PARAMS = {
    "motorway_km": LandmarkKind.MOTORWAY_JUNCTION,
    "rail_km": LandmarkKind.RAIL_TERMINAL,
    "airport_km": LandmarkKind.AIRPORT,
}

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("area_asc", _("Smallest area first")),
    ("area_desc", _("Largest area first")),
    ("rent_asc", _("Lowest rent first")),
    ("distance", _("Nearest first (needs a position)")),
]
DEFAULT_SORT = "newest"


def _number_messages(invalid, negative, too_large) -> dict:
    return {"invalid": invalid, "min_value": negative, "max_value": too_large}


class DecimalCommaField(forms.DecimalField):
    """A number that may be written the Swedish way, with a decimal comma (4,5)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class DecimalNumberFilter(filters.NumberFilter):
    field_class = DecimalCommaField


class WholeNumberFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def _landmark_distance_filter(label):
    return DecimalNumberFilter(
        label=label,
        method="filter_landmark_distance",
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        help_text=_("As the crow flies. Leave empty for any distance."),
        error_messages=_number_messages(
            _("Enter the distance in km as a number, e.g. 5."),
            _("The distance must be at least 0.1 km."),
            _("The distance can be at most %(limit_value)s km."),
        ),
    )


AREA_MESSAGES = _number_messages(
    _("Enter the area in m² as a number, e.g. 500."),
    _("The area cannot be negative."),
    _("The area is unrealistically large."),
)
RENT_MESSAGES = _number_messages(
    _("Enter the rent in SEK per m² and year as a number, e.g. 1200."),
    _("The rent cannot be negative."),
    _("The rent is unrealistically high."),
)
PRICE_MESSAGES = _number_messages(
    _("Enter the price in SEK as a number, e.g. 5000000."),
    _("The price cannot be negative."),
    _("The price is unrealistically high."),
)


class PremisesSearchForm(forms.Form):
    """Checks that need more than one field."""

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("area_min"), cleaned.get("area_max")
        if low is not None and high is not None and low > high:
            self.add_error("area_max", _("“Area to” must be at least “Area from”."))
        if cleaned.get("radius_km") is not None and not cleaned.get("near") and "near" not in self.errors:
            self.add_error("near", _("Give a position to search within a distance of it."))
        if cleaned.get("sort") == "distance" and not cleaned.get("near") and "near" not in self.errors:
            self.add_error("sort", _("Sorting by distance needs a position."))
        return cleaned


class PremisesFilterSet(SearchFilterSet):
    # The premises, the municipalities, and the land app's landmarks that the "within (km) of
    # a motorway junction / rail terminal / airport" filters measure to. (Place names in
    # "near" resolve against data of several kinds; those keys also carry the listings'
    # five-minute time slot.)
    cache_kinds = ("premises", "municipalities", "land")

    q = filters.CharFilter(
        label=_("Search words"),
        method="filter_text",
        max_length=200,
        help_text=_("For example a street, a town or a word such as “lager”."),
    )
    municipality = MunicipalityFilter()
    kind = MultipleChoiceFilter(
        label=_("Type of premises"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a type of premises.")},
    )
    area_min = filters.NumberFilter(
        label=_("Area from (m²)"),
        method="filter_area_min",
        min_value=0,
        max_value=MAX_AREA_M2,
        error_messages=AREA_MESSAGES,
    )
    area_max = filters.NumberFilter(
        label=_("Area to (m²)"),
        method="filter_area_max",
        min_value=0,
        max_value=MAX_AREA_M2,
        error_messages=AREA_MESSAGES,
    )
    tenure = filters.ChoiceFilter(
        label=_("Rent or buy"),
        choices=Tenure.choices,
        empty_label=_("Either"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose rent or sale.")},
    )
    rent_max = filters.NumberFilter(
        label=_("Highest rent (SEK per m² and year)"),
        field_name="rent_sek_per_m2_year",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_RENT,
        error_messages=RENT_MESSAGES,
    )
    price_max = filters.NumberFilter(
        label=_("Highest price (SEK)"),
        field_name="price_sek",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
        error_messages=PRICE_MESSAGES,
    )
    available_by = filters.DateFilter(
        label=_("Available by"),
        method="filter_available_by",
        help_text=_("A date such as 2027-01-31. Premises available on or before it are shown."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2027-01-31.")},
    )
    amenity = MultipleChoiceFilter(
        label=_("Must have"),
        choices=Amenity.choices,
        method="filter_amenities",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only premises with all the chosen features are shown."),
        error_messages={"invalid_choice": _("“%(value)s” is not a feature we list.")},
    )
    clear_height_min = DecimalNumberFilter(
        label=_("Clear height at least (m)"),
        field_name="clear_height_m",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_CLEAR_HEIGHT_M,
        error_messages=_number_messages(
            _("Enter the clear height in metres as a number, e.g. 8."),
            _("The clear height cannot be negative."),
            _("The clear height is unrealistically large."),
        ),
    )
    dock_doors_min = WholeNumberFilter(
        label=_("Dock doors at least"),
        field_name="dock_doors",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_DOORS,
        error_messages=_number_messages(
            _("Enter the number of dock doors as a whole number, e.g. 2."),
            _("The number of dock doors cannot be negative."),
            _("The number of dock doors is unrealistically large."),
        ),
    )
    power_min = WholeNumberFilter(
        label=_("Electrical capacity at least (A, main fuse)"),
        field_name="power_a",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_POWER_A,
        error_messages=_number_messages(
            _("Enter the electrical capacity in amperes as a number, e.g. 250."),
            _("The electrical capacity cannot be negative."),
            _("The electrical capacity is unrealistically large."),
        ),
    )
    motorway_km = _landmark_distance_filter(_("Motorway junction within (km)"))
    rail_km = _landmark_distance_filter(_("Rail terminal within (km)"))
    airport_km = _landmark_distance_filter(_("Airport within (km)"))
    near = PlaceFilter(
        label=_("Near the position"),
        method="filter_nothing",  # applied with radius_km in filter_queryset
        help_text=_(
            "A place such as Kumla, Örebro kombiterminal or E20 Blacksta, or latitude,longitude, "
            "e.g. 59.2741,15.2066."
        ),
    )
    radius_km = RadiusFilter(
        label=_("Within (km)"),
        method="filter_nothing",
        error_messages={
            "invalid": _("Enter the distance in kilometres as a number, e.g. 10."),
            "min_value": _("The distance must be at least 0.1 km."),
            "max_value": _("The distance can be at most %(limit_value)s km."),
        },
    )
    bbox = BBoxFilter(field_name="location", lookup_expr="within")
    sort = filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        empty_label=None,
        method="filter_nothing",  # applied last, in filter_queryset
        error_messages={"invalid_choice": _("“%(value)s” is not a way to sort.")},
    )

    class Meta:
        form = PremisesSearchForm
        fields: list[str] = []

    # --- filters that are more than one lookup
    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_area_min(self, queryset, name, value):
        return queryset.overlapping_area(value, None)

    def filter_area_max(self, queryset, name, value):
        return queryset.overlapping_area(None, value)

    def filter_available_by(self, queryset, name, value):
        return queryset.available_by(value)

    def filter_amenities(self, queryset, name, value):
        return queryset.with_amenities(value)

    def filter_landmark_distance(self, queryset, name, value):
        return queryset.near_landmark(LANDMARK_DISTANCE_PARAMS[name], float(value) * 1000)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        near = data.get("near")
        if near is not None:
            # Stored in SWEREF 99 TM, so distances are metres on PostGIS and SpatiaLite alike.
            queryset = queryset.annotate(distance=Distance("location", near))
            if data.get("radius_km"):
                queryset = queryset.filter(location__dwithin=(near, D(km=data["radius_km"])))
        return self.sort_queryset(queryset, data.get("sort") or DEFAULT_SORT, near)

    @staticmethod
    def sort_queryset(queryset, sort: str, near):
        if sort == "distance" and near is not None:
            return queryset.order_by("distance", "pk")
        if sort == "area_asc":
            return queryset.order_by("area_min_m2", "pk")
        if sort == "area_desc":
            return queryset.order_by("-area_max_m2", "pk")
        if sort == "rent_asc":
            return queryset.order_by(F("rent_sek_per_m2_year").asc(nulls_last=True), "pk")
        return queryset.newest_first()
