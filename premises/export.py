"""The CSV export of a premises search: the import columns plus `url`.

Streamed row by row, so an export of every premises in the country does not sit in
memory. The file starts with a BOM so that Excel opens it as UTF-8; the importer
accepts that.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from premises.importing import COLUMNS, OPTIONAL_COLUMNS

EXPORT_COLUMNS = COLUMNS + OPTIONAL_COLUMNS + ["url"]


class _Line:
    """A file-like object whose write() hands the line back to the csv writer's caller."""

    def write(self, value: str) -> str:
        return value


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
        "contact_organisation": premises.contact_organisation,
        "amenities": ",".join(premises.amenities),
        "url": url,
    }


def csv_rows(queryset, detail_url: str) -> Iterator[str]:
    """Lines of CSV for `queryset` (annotated with lat, lon, north, east)."""
    writer = csv.DictWriter(_Line(), fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    yield "\ufeff" + writer.writeheader()
    for premises in queryset.iterator(chunk_size=2000):
        yield writer.writerow(_values(premises, detail_url.replace("/0/", f"/{premises.pk}/")))
