"""The CSV export of a premises search: the import columns plus `url`.

Written by the portal's one CSV writer (`brorebro.csvexport`): streamed, with a BOM,
and with formula-like text neutralised in a form the importer reads back, so an
export can be imported again.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse

from brorebro.csvexport import csv_response
from brorebro.spatial import ST_X, ST_Y
from premises.importing import COLUMNS, OPTIONAL_COLUMNS, SPEC_COLUMNS

EXPORT_COLUMNS = COLUMNS + OPTIONAL_COLUMNS + ["url"]


def _values(premises, url: str) -> dict[str, object]:
    return {
        "external_ref": premises.external_ref,
        "municipality_code": premises.municipality.code,
        "title": premises.title,
        "kind": premises.kind,
        "street": premises.street,
        "postal_code": premises.postal_code,
        "locality": premises.locality,
        "lat": f"{premises.lat:.6f}",
        "lon": f"{premises.lon:.6f}",
        "sweref_n": f"{premises.north:.2f}",
        "sweref_e": f"{premises.east:.2f}",
        "area_min_m2": premises.area_min_m2,
        "area_max_m2": premises.area_max_m2,
        "tenure": premises.tenure,
        "rent_sek_per_m2_year": premises.rent_sek_per_m2_year,
        "price_sek": premises.price_sek,
        "available_from": premises.available_from.isoformat() if premises.available_from else "",
        "description_sv": premises.description_sv,
        "description_en": premises.description_en,
        "contact_name": premises.contact_name,
        "contact_email": premises.contact_email,
        "contact_phone": premises.contact_phone,
        "status": premises.status,
        "title_en": premises.title_en,
        "contact_organisation": premises.contact_organisation,
        "amenities": ",".join(premises.amenities),
        **{name: "" if getattr(premises, name) is None else getattr(premises, name) for name in SPEC_COLUMNS},
        "url": url,
    }


def _rows(queryset, detail_url: str) -> Iterator[list[object]]:
    for premises in queryset.iterator(chunk_size=2000):
        values = _values(premises, detail_url.replace("/0/", f"/{premises.pk}/"))
        yield [values[name] for name in EXPORT_COLUMNS]


def export_response(queryset, detail_url: str) -> StreamingHttpResponse:
    """The streamed CSV of `queryset` (a filtered search).

    `detail_url` is the absolute URL of the detail page of premises 0, a template for the rest.
    """
    queryset = (
        queryset.select_related("municipality")
        .defer("municipality__boundary")
        .with_wgs84()
        .annotate(east=ST_X("location"), north=ST_Y("location"))
    )
    return csv_response("premises.csv", EXPORT_COLUMNS, _rows(queryset, detail_url))
