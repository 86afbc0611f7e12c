"""Public pages of the land search, its GeoJSON layer and its CSV export.

All three run the same `LandPlotFilterSet` over the visible plots, so a link copied
from the search page gives the same plots on the map and in the export.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from brorebro.caching import public_response, shared
from brorebro.inquiries import InquiryForm, handle_inquiry
from brorebro.search import (
    ZoomField,
    invalid_search_csv,
    invalid_search_json,
    result_page,
    search_key,
    wants_partial,
)
from brorebro.spatial import WGS84
from land.export import export_response
from land.filters import LandPlotFilterSet
from land.geojson import feature_collection
from land.models import Landmark, LandmarkKind, LandPlot

# The data a land search answer depends on (the keys of its shared responses and values).
CACHE_KINDS = LandPlotFilterSet.cache_kinds


def visible_plots():
    return LandPlot.objects.visible().select_related("municipality").defer("municipality__boundary")


def _filterset(request) -> LandPlotFilterSet:
    # Always bound, so that no parameters at all is a valid (unfiltered) search.
    return LandPlotFilterSet(request.GET, queryset=visible_plots())


# --- search page --------------------------------------------------------------------------
@require_GET
@public_response(*CACHE_KINDS)
def search(request):
    filterset = _filterset(request)
    page = page_range = totals = None
    near_kind = ""
    if filterset.is_valid():
        kind = filterset.form.cleaned_data.get("landmark_kind")
        near_kind = LandmarkKind(kind).label if kind else ""
        # As on the premises search: with an invalid parameter the page shows the
        # problems and no results, rather than results for a search nobody asked for.
        plots = filterset.qs
        # The totals are shared by every page and order of the same search.
        totals = shared(CACHE_KINDS, "land-totals", plots.order_by().totals, search_key(filterset.form))
        page, page_range = result_page(request, plots, count=totals["count"])
    context = {
        "form": filterset.form,
        "page": page,
        "page_range": page_range,
        "ways_out": filterset.ways_out() if page is not None and not page.paginator.count else [],
        "totals": totals,
        "near_kind": near_kind,
        "geojson_url": reverse("land_api:geojson"),
        "export_url": reverse("land:export"),
    }
    template = "land/_results.html" if wants_partial(request) else "land/index.html"
    response = render(request, template, context)
    # As on the premises search; also keeps a page with form errors out of the shared cache.
    response["X-Search-Valid"] = "1" if page is not None else "0"
    return response


# --- detail page ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    plot = _get_visible_plot(pk)
    if request.method == "POST":
        inquiry_form, sent = handle_inquiry(request, plot)
        if sent:
            return HttpResponseRedirect(plot.get_absolute_url())
    else:
        inquiry_form = InquiryForm()
    landmarks = Landmark.objects.nearest_each_kind(plot.geom)
    map_data = {
        "plot": json.loads(plot.geom_wgs84_json),
        "landmarks": [
            {
                "name": row["name"],
                "kind": str(row["kind_label"]),
                "lon": row["lon"],
                "lat": row["lat"],
                "km": row["km"],
            }
            for row in landmarks
        ],
    }
    context = {
        "plot": plot,
        "landmarks": landmarks,
        "map_data": map_data,
        "inquiry_form": inquiry_form,
        "inquiry_action": plot.get_absolute_url(),
    }
    return render(request, "land/detail.html", context)


def _get_visible_plot(pk: int) -> LandPlot:
    """The plot if the public may see it; drafts, sold and stale plots are 404."""
    try:
        return (
            visible_plots()
            .annotate(geom_wgs84_json=AsGeoJSON(Transform("geom", WGS84), precision=6))
            .get(pk=pk)
        )
    except LandPlot.DoesNotExist:
        raise Http404(_("No such plot is on offer."))


# --- GeoJSON ---------------------------------------------------------------------------------
class MapOptionsForm(forms.Form):
    """How the map asks (not what it asks for): zoom level, simplification and link language."""

    zoom = ZoomField()
    simplify = forms.FloatField(
        min_value=0, max_value=5000, required=False, label=gettext_lazy("simplify (m)")
    )
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


@require_GET
@public_response(*CACHE_KINDS)
def geojson(request):
    filterset = _filterset(request)
    options = MapOptionsForm(request.GET)
    if not filterset.is_valid() or not options.is_valid():
        return invalid_search_json(filterset, options)
    with translation.override(options.cleaned_data.get("lang") or translation.get_language()):
        # One reverse() for all features: the URL differs only in the id.
        url_pattern = reverse("land:detail", args=[987654321]).replace("987654321", "{}")
    body = feature_collection(
        filterset.qs,
        options.cleaned_data["zoom"],
        url_pattern,
        options.cleaned_data["simplify"],
        shared_as=(CACHE_KINDS, search_key(filterset.form)),
    )
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Content-Type"] = "application/geo+json"
    return response


# --- CSV ---------------------------------------------------------------------------------------
@require_GET
@public_response(*CACHE_KINDS)
def export_csv(request):
    filterset = _filterset(request)
    if not filterset.is_valid():
        return invalid_search_csv(filterset)
    detail_url = request.build_absolute_uri(reverse("land:detail", args=[987654321]))
    return export_response(filterset.qs, detail_url.replace("987654321", "{}"))
