"""Building blocks of the public searches, written once for premises and land.

Each search is one django-filter FilterSet, which the search page, the GeoJSON API
and the CSV export build from the same query string. What the two searches share
lives here:

- `SearchFilterSet`, the base: municipality choices from the county, the error shape
  that the API and the export report (`error_messages`), and the no-op filter method;
- the filters that read the map (`BBoxFilter`, `LatLonFilter`, `RadiusFilter`);
- `MunicipalityFilter`, the county's municipalities as checkboxes;
- the DISTINCT rule (`MultipleChoiceFilter`);
- the 400 answers of the GeoJSON APIs and the CSV exports when the search is invalid;
- for the search pages: the page of results and whether only the results were asked for;
- for the GeoJSON APIs: `ZoomField`, the map's zoom level.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from brorebro.models import Municipality
from brorebro.spatial import BBoxField, LatLonField, RadiusField


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """A multiple-choice filter that never adds DISTINCT.

    No search joins a to-many relation (choices are columns or codes on the row itself),
    so no row can repeat, and DISTINCT would make the database sort every selected
    column, geometries included. A search that does join a to-many relation must
    remove the repeats in its own method, where the join is made.
    """

    def __init__(self, *args, **kwargs):
        kwargs["distinct"] = False
        super().__init__(*args, **kwargs)


class MunicipalityFilter(MultipleChoiceFilter):
    """The municipalities of the county (`settings.COUNTY_CODE`), as checkboxes.

    The choices are read per request by `SearchFilterSet`, so membership changes
    (a municipality joining) need no restart.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Municipality"))
        kwargs.setdefault("field_name", "municipality__code")
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("help_text", _("Choose one or more. None chosen means all."))
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("“%(value)s” is not a municipality code in the county.")}
        )
        super().__init__(**kwargs)


class BBoxFilter(django_filters.Filter):
    """The part of the map to search, `west,south,east,north` in WGS84.

    `lookup_expr` says how a listing's geometry meets the area: `within` for points,
    `intersects` for polygons.
    """

    field_class = BBoxField

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Map area"))
        kwargs.setdefault(
            "help_text", _("West,south,east,north in degrees. Set by “Search this map area” on the map.")
        )
        super().__init__(**kwargs)


class LatLonFilter(django_filters.Filter):
    field_class = LatLonField


class RadiusFilter(django_filters.Filter):
    field_class = RadiusField


class SearchFilterSet(django_filters.FilterSet):
    """The base of every public search."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_filters = [f for f in self.filters.values() if isinstance(f, MunicipalityFilter)]
        if municipality_filters:
            # One query for the choices, evaluated here so that validating and rendering share it.
            choices = list(Municipality.objects.in_county().order_by("name").values_list("code", "name"))
            for municipality_filter in municipality_filters:
                municipality_filter.extra["choices"] = choices

    def filter_nothing(self, queryset, name, value):
        """For parameters that are applied together with another one, in `filter_queryset`."""
        return queryset

    @property
    def error_messages(self) -> dict[str, list[str]]:
        """{parameter: [messages]}, for the GeoJSON API and the CSV export."""
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}


def _errors(filterset: SearchFilterSet, *other_forms: forms.Form) -> dict[str, list[str]]:
    errors = dict(filterset.error_messages)
    for form in other_forms:
        errors.update({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return errors


def invalid_search_json(filterset: SearchFilterSet, *other_forms: forms.Form) -> JsonResponse:
    """The GeoJSON APIs' 400: `{"errors": {parameter: [messages]}}`.

    `other_forms` are the forms of the map's own parameters (zoom, view), which are not
    part of the search.
    """
    return JsonResponse(
        {"errors": _errors(filterset, *other_forms)}, status=400, json_dumps_params={"ensure_ascii": False}
    )


def invalid_search_csv(filterset: SearchFilterSet) -> HttpResponse:
    """The CSV exports' 400, in plain text: each invalid parameter and what is wrong with it.

    A spreadsheet user who edited the URL by hand reads this, so it is not JSON.
    """
    lines = [gettext("The search parameters are not valid:")]
    lines += [f"{name}: {message}" for name, messages in _errors(filterset).items() for message in messages]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


# --- search pages
# The page script asks for the results alone (`?partial=1`) to put them in place.
PARTIAL_PARAM = "partial"


def wants_partial(request: HttpRequest) -> bool:
    """Whether only the results partial was asked for, not the whole page."""
    return (
        request.GET.get(PARTIAL_PARAM) == "1" or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def result_page(request: HttpRequest, queryset) -> tuple[Page, list]:
    """The page of `queryset` that `?page=` asks for (the last one if beyond), and the page links.

    The links are elided (1 … 4 5 [6] 7 8 … 40), so a search with thousands of hits
    does not render thousands of links.
    """
    paginator = Paginator(queryset, settings.SEARCH_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


# --- GeoJSON APIs
ZOOM_MESSAGE = _("The zoom level must be a whole number from 0 to 20.")


class ZoomField(forms.IntegerField):
    """The zoom level of the map that asks (0–20, as Leaflet counts); optional."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 20)
        kwargs.setdefault(
            "error_messages", {"invalid": ZOOM_MESSAGE, "min_value": ZOOM_MESSAGE, "max_value": ZOOM_MESSAGE}
        )
        super().__init__(**kwargs)
