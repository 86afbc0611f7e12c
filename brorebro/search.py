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
- for the search pages: the page of results, whether only the results were asked for,
  and the ways out of a search with no hits (`SearchFilterSet.ways_out`);
- for the GeoJSON APIs: `ZoomField`, the map's zoom level.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from brorebro import textsearch
from brorebro.caching import county_municipality_choices, shared
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


@dataclass(frozen=True)
class WayOut:
    """A search like the current one, with one filter (or one search word) left out, that has hits."""

    count: int
    query: str  # the query string of that search, "?..."
    word: str = ""  # the search word left out, as typed
    label: str = ""  # else the label of the filter left out


class SearchFilterSet(django_filters.FilterSet):
    """The base of every public search."""

    # The free-text parameter, whose words are left out one at a time by `ways_out`, and
    # the column its filter matches (brorebro.textsearch).
    text_param = "q"
    text_field = "search_text"
    # Parameters that order the hits and never narrow them.
    order_params = ("sort",)
    # The data kinds the hits depend on (brorebro.versions). When set, the number of hits of
    # the same filters is computed once per data version and shared (`count`).
    cache_kinds: tuple[str, ...] = ()

    def __init__(self, *args, municipality_choices: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_filters = [f for f in self.filters.values() if isinstance(f, MunicipalityFilter)]
        if municipality_filters:
            # One query for the choices, evaluated here so that validating and rendering share it.
            if municipality_choices is None:
                municipality_choices = county_municipality_choices()
            for municipality_filter in municipality_filters:
                municipality_filter.extra["choices"] = municipality_choices
        self._municipality_choices = municipality_choices

    def count(self) -> int:
        """The number of hits of a valid search: one COUNT, shared by every visitor, page and
        order of the same filters for as long as the data does not change (`cache_kinds`)."""
        if not self.cache_kinds:
            return self.qs.count()
        return shared(self.cache_kinds, f"{type(self).__name__}-count", self.qs.count, search_key(self.form))

    def ways_out(self) -> list[WayOut]:
        """For a valid search with no hits: the searches with one filter, or one search word,
        left out that do have hits, most hits first.

        At most one COUNT per active filter and per search word, each the `count` of that
        search (so shared with it: a word left out leaves a search someone may have made).
        A filter that only makes sense with the one left out (a distance without its
        position) is left out with it.
        """
        # The same search on its first page, as a whole page.
        base = {
            key: values
            for key, values in _lists(self.data)
            if key not in ("page", PARTIAL_PARAM) and any(value.strip() for value in values)
        }
        cleaned = self.form.cleaned_data
        ways, offered = [], set()
        for name in base:
            if name not in self.filters or name in self.order_params or cleaned.get(name) in (None, "", []):
                continue
            if name == self.text_param:
                ways += self._ways_without_a_word(base, cleaned[name])
                continue
            filterset, data = self._valid_sibling(_without(base, name))
            query = f"?{_query(data).urlencode()}"
            if filterset is None or query in offered:  # a pair left out from either end
                continue
            offered.add(query)
            count = filterset.count()
            if count:
                ways.append(WayOut(count, query, label=str(self.filters[name].label or name)))
        return sorted(ways, key=lambda way: -way.count)

    def _ways_without_a_word(self, base: dict[str, list[str]], text: str) -> list[WayOut]:
        """The search without each of its words: the other filters, and the other words.

        Each is counted as a search of its own (`count`), which lets the database use the
        words' index; one conditional COUNT per word over the other filters' rows could not,
        and read every visible listing (tens of milliseconds at national scale)."""
        words = textsearch.query_words(text)
        _filterset, data = self._valid_sibling(_without(base, self.text_param))
        if not words or _filterset is None:
            return []
        ways = []
        for index, word in enumerate(words):
            rest = " ".join(words[:index] + words[index + 1 :])
            search = {
                key: [rest] if key == self.text_param else data[key]
                for key in base
                if key in data or (key == self.text_param and rest)
            }
            sibling = self._sibling(search)
            count = sibling.count() if sibling.is_valid() else 0
            if count:
                ways.append(WayOut(count, f"?{_query(search).urlencode()}", word))
        return ways

    def _valid_sibling(self, data: dict[str, list[str]]) -> tuple[SearchFilterSet | None, dict]:
        """The search `data`, made valid by leaving out what needed the parameter left out
        (a sort by distance, a distance without its position). Validating costs no query."""
        filterset = self._sibling(data)
        if filterset.is_valid():
            return filterset, data
        # Orders never change the count, so they go first.
        data = {
            key: values
            for key, values in data.items()
            if key not in filterset.errors and key not in self.order_params
        }
        filterset = self._sibling(data)
        if filterset.is_valid():
            return filterset, data
        # The error is on the parameter left out: one of the others needs it.
        for name in data:
            if name != self.text_param:
                filterset = self._sibling(_without(data, name))
                if filterset.is_valid():
                    return filterset, _without(data, name)
        return None, data

    def _sibling(self, data: dict[str, list[str]]) -> SearchFilterSet:
        return type(self)(
            _query(data), queryset=self.queryset, municipality_choices=self._municipality_choices
        )

    def filter_nothing(self, queryset, name, value):
        """For parameters that are applied together with another one, in `filter_queryset`."""
        return queryset

    @property
    def error_messages(self) -> dict[str, list[str]]:
        """{parameter: [messages]}, for the GeoJSON API and the CSV export."""
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}


def _lists(data) -> list[tuple[str, list[str]]]:
    if isinstance(data, QueryDict):
        return list(data.lists())
    return [(key, value if isinstance(value, list) else [str(value)]) for key, value in (data or {}).items()]


def _without(data: dict[str, list[str]], name: str) -> dict[str, list[str]]:
    return {key: values for key, values in data.items() if key != name}


def _query(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


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


# How a search is asked for, not what it asks for: the order, the page, the map's view.
NOT_FILTERS = frozenset({"sort", "page", "partial", "zoom", "view", "lang", "from"})


def search_key(form: forms.Form) -> str:
    """The filters a search form was given, in a canonical text: part of the key of a value
    computed from the filtered set (the number of hits, map clusters). Only the form's own
    filter fields count, so the order, the page, the map's view or an unknown parameter do
    not split the key."""
    data = form.data
    return "&".join(
        f"{name}={sorted(data.getlist(name))!r}"
        for name in sorted(form.fields)
        if name in data and name not in NOT_FILTERS
    )


def result_page(request: HttpRequest, queryset, count: int | None = None) -> tuple[Page, list]:
    """The page of `queryset` that `?page=` asks for (the last one if beyond), and the page links.

    The links are elided (1 … 4 5 [6] 7 8 … 40), so a search with thousands of hits
    does not render thousands of links. `count`: the number of hits when the caller has
    counted them already (one COUNT over the filtered set is enough).
    """
    paginator = Paginator(queryset, settings.SEARCH_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property: this is its value
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
