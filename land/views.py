"""Public pages of the land search, its GeoJSON layer and its CSV export.

All three run the same `LandPlotFilterSet` over the visible plots, so a link copied
from the search page gives the same plots on the map and in the export.
"""

from __future__ import annotations

import csv
import json
import math

from django import forms
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from brorebro.inquiries import InquiryForm, handle_inquiry
from brorebro.spatial import cluster_feature, point_clusters
from land.filters import LandPlotFilterSet
from land.models import Landmark, LandmarkKind, LandPlot

# At or below this zoom a plot is drawn as a point: polygons would be specks.
CENTROID_MAX_ZOOM = 9
# More dots than this at a centroid zoom are grouped into numbered clusters.
MAX_POINTS = 300
# Metres per screen pixel at zoom 0 at the county's latitude (59.3°N), for 256 px tiles.
METRES_PER_PIXEL_Z0 = 156543.03 * math.cos(math.radians(59.3))


def visible_plots():
    return LandPlot.objects.visible().select_related("municipality").defer("municipality__boundary")


def _filterset(request) -> LandPlotFilterSet:
    # Always bound, so that no parameters at all is a valid (unfiltered) search.
    return LandPlotFilterSet(request.GET, queryset=visible_plots())


# --- search page --------------------------------------------------------------------------
def _wants_partial(request) -> bool:
    return request.GET.get("partial") == "1"


@require_GET
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
        paginator = Paginator(plots, settings.SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        page_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        totals = plots.order_by().totals()
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "page_range": page_range,
        "totals": totals,
        "near_kind": near_kind,
        "geojson_url": reverse("land_api:geojson"),
        "export_url": reverse("land:export"),
    }
    template = "land/_results.html" if _wants_partial(request) else "land/index.html"
    return render(request, template, context)


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
            .annotate(geom_wgs84_json=AsGeoJSON(Transform("geom", 4326), precision=6))
            .get(pk=pk)
        )
    except LandPlot.DoesNotExist:
        raise Http404(_("No such plot is on offer."))


# --- GeoJSON ---------------------------------------------------------------------------------
class MapOptionsForm(forms.Form):
    zoom = forms.IntegerField(min_value=0, max_value=20, required=False, label=gettext_lazy("zoom"))
    simplify = forms.FloatField(
        min_value=0, max_value=5000, required=False, label=gettext_lazy("simplify (m)")
    )
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)

    def centroids(self) -> bool:
        zoom = self.cleaned_data.get("zoom")
        return zoom is not None and zoom <= CENTROID_MAX_ZOOM

    def tolerance_m(self) -> float:
        """About one screen pixel at the given zoom, or the explicit `simplify` in metres."""
        if self.cleaned_data.get("simplify") is not None:
            return self.cleaned_data["simplify"]
        zoom = self.cleaned_data.get("zoom")
        if zoom is None:
            return 0.0
        return round(METRES_PER_PIXEL_Z0 / 2**zoom, 2)


def _plot_feature(row: dict, url_pattern: str) -> dict:
    price = row["price_sek_per_m2"]
    return {
        "type": "Feature",
        "id": row["pk"],
        "geometry": json.loads(row["geometry_json"]),
        "properties": {
            "id": row["pk"],
            "external_ref": row["external_ref"],
            "municipality_code": row["municipality__code"],
            "name": row["name"],
            "area_name": row["area_name"],
            "area_m2": row["area_m2"],
            "purposes": row["purposes"],
            "price_sek_per_m2": float(price) if price is not None else None,
            "plan_status": row["plan_status"],
            "url": url_pattern.format(row["pk"]),
        },
    }


@require_GET
def geojson(request):
    filterset = _filterset(request)
    options = MapOptionsForm(request.GET)
    if not filterset.is_valid() or not options.is_valid():
        errors = {**filterset.error_messages, **{k: [str(m) for m in v] for k, v in options.errors.items()}}
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    queryset = filterset.qs
    with translation.override(options.cleaned_data.get("lang") or translation.get_language()):
        # One reverse() for all features: the URL differs only in the id.
        url_pattern = reverse("land:detail", args=[987654321]).replace("987654321", "{}")
    centroids = options.centroids()
    clustered = False
    if centroids:
        rows = list(queryset.for_map(centroids=True)[: MAX_POINTS + 1])
        clustered = len(rows) > MAX_POINTS
    else:
        rows = queryset.for_map(centroids=False, tolerance_m=options.tolerance_m())
    if clustered:
        # Too many dots for a zoomed-out map: group them into cells in the database,
        # so the response stays small however many plots match.
        cells = point_clusters(queryset, "spot", options.cleaned_data["zoom"])
        single = [cell["pk"] for cell in cells if cell["count"] == 1]
        by_pk = (
            {row["pk"]: row for row in queryset.filter(pk__in=single).for_map(centroids=True)}
            if single
            else {}
        )
        features = [
            _plot_feature(by_pk[cell["pk"]], url_pattern) if cell["count"] == 1 else cluster_feature(cell)
            for cell in cells
        ]
    else:
        features = [_plot_feature(row, url_pattern) for row in rows]
    body = {
        "type": "FeatureCollection",
        "count": sum(f["properties"].get("count", 1) for f in features),
        "clustered": clustered,
        "geometry": "point" if centroids else "polygon",
        "features": features,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Content-Type"] = "application/geo+json"
    return response


# --- CSV ---------------------------------------------------------------------------------------
CSV_COLUMNS = [
    "id",
    "external_ref",
    "municipality_code",
    "municipality",
    "name",
    "area_name",
    "area_m2",
    "area_ha",
    "purposes",
    "plan_id",
    "plan_status",
    "plan_purpose_codes",
    "max_site_coverage_pct",
    "max_building_height_m",
    "plan_document_url",
    "price_sek_per_m2",
    "divisible",
    "min_plot_m2",
    "water_sewer",
    "district_heating",
    "fibre",
    "electricity_kw",
    "rail_siding_possible",
    "contact_name",
    "contact_organisation",
    "contact_email",
    "contact_phone",
    "last_confirmed",
    "url",
    "centroid_lat",
    "centroid_lon",
    "wkt_wgs84",
]


def _cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else value


@require_GET
def export_csv(request):
    filterset = _filterset(request)
    if not filterset.is_valid():
        lines = [_("The search parameters are not valid:")]
        lines += [
            f"{field}: {message}"
            for field, messages in filterset.error_messages.items()
            for message in messages
        ]
        return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="land-{stamp}.csv"'
    response.write("\ufeff")  # so that Excel opens UTF-8 correctly
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for plot in filterset.qs.for_export():
        writer.writerow(
            [
                _cell(value)
                for value in (
                    plot.pk,
                    plot.external_ref,
                    plot.municipality.code,
                    plot.municipality.name,
                    plot.name,
                    plot.area_name,
                    plot.area_m2,
                    f"{plot.area_m2 / 10000:.2f}",
                    ",".join(plot.purposes),
                    plot.plan_id,
                    plot.plan_status,
                    plot.plan_purpose_codes,
                    plot.max_site_coverage_pct,
                    plot.max_building_height_m,
                    plot.plan_document_url,
                    plot.price_sek_per_m2,
                    plot.divisible,
                    plot.min_plot_m2,
                    plot.water_sewer,
                    plot.district_heating,
                    plot.fibre,
                    plot.electricity_kw,
                    plot.rail_siding_possible,
                    plot.contact_name,
                    plot.contact_organisation,
                    plot.contact_email,
                    plot.contact_phone,
                    timezone.localdate(plot.last_confirmed).isoformat() if plot.last_confirmed else "",
                    request.build_absolute_uri(plot.get_absolute_url()),
                    f"{plot.centroid_lat:.6f}",
                    f"{plot.centroid_lon:.6f}",
                    plot.wkt_wgs84,
                )
            ]
        )
    return response
