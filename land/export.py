"""The CSV export of a land search: every public fact of each plot, its boundary as WKT.

Written by the portal's one CSV writer (`brorebro.csvexport`): streamed, with a BOM,
and with formula-like text neutralised.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from brorebro.csvexport import csv_response

EXPORT_COLUMNS = [
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


def _row(plot, url: str) -> list[object]:
    return [
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
        url,
        f"{plot.centroid_lat:.6f}",
        f"{plot.centroid_lon:.6f}",
        plot.wkt_wgs84,
    ]


def _rows(queryset, url_pattern: str) -> Iterator[list[object]]:
    for plot in queryset.for_export().iterator(chunk_size=2000):
        yield _row(plot, url_pattern.format(plot.pk))


def export_response(queryset, url_pattern: str) -> StreamingHttpResponse:
    """The streamed CSV of `queryset` (a filtered search).

    `url_pattern` is the absolute URL of a plot's detail page with `{}` for the id.
    """
    filename = f"land-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, EXPORT_COLUMNS, _rows(queryset, url_pattern))
