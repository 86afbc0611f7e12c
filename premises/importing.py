"""Import of premises from CSV or XLSX, on the core importer (all rows or none).

The columns are the ones in COLUMNS (README, "Premises import format"). Rows are
matched to existing premises by (municipality_code, external_ref): a match is
updated, anything else is created. A position is given either as `lat`/`lon` in
WGS84 or as `sweref_n`/`sweref_e` in SWEREF 99 TM; when a row has both, SWEREF
wins, because it is what the database stores (an export carries both).

The CSV export writes the same columns plus `url`, so an export can be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from brorebro.importing import Importer, Row
from brorebro.models import Municipality
from brorebro.spatial import WGS84, in_sweden, transformed, wgs84_point
from premises.models import (
    MAX_AREA_M2,
    MAX_PRICE,
    MAX_RENT,
    Amenity,
    Kind,
    Premises,
    PremisesStatus,
    Tenure,
    amenity_field,
    postal_code_validator,
)

COLUMNS = [
    "external_ref",
    "municipality_code",
    "title",
    "kind",
    "street",
    "postal_code",
    "locality",
    "lat",
    "lon",
    "sweref_n",
    "sweref_e",
    "area_min_m2",
    "area_max_m2",
    "tenure",
    "rent_sek_per_m2_year",
    "price_sek",
    "available_from",
    "description_sv",
    "description_en",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
]
# Accepted too, and written by the export; a file without them leaves them as they are.
OPTIONAL_COLUMNS = ["contact_organisation", "amenities"]
REQUIRED_COLUMNS = (
    "external_ref",
    "municipality_code",
    "title",
    "kind",
    "locality",
    "area_min_m2",
    "area_max_m2",
    "tenure",
)
IGNORED_COLUMNS = {"url"}  # written by the export
MAX_TEXT = 20_000


@dataclass
class PremisesRow:
    municipality: Municipality
    external_ref: str
    status: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str]:
        return (self.municipality.pk, self.external_ref)


class PremisesImporter(Importer):
    required_columns = REQUIRED_COLUMNS
    key_column = "external_ref"

    def check_headers(self, headers: list[str]) -> list[str]:
        problems = super().check_headers(headers)
        present = set(headers)
        if not ({"lat", "lon"} <= present or {"sweref_n", "sweref_e"} <= present):
            problems.append(_("a position needs the columns lat and lon, or sweref_n and sweref_e"))
        unknown = [
            h for h in headers if h and h not in COLUMNS + OPTIONAL_COLUMNS and h not in IGNORED_COLUMNS
        ]
        if unknown:
            problems.append(
                _("unknown column(s): %(cols)s. The columns are: %(known)s")
                % {"cols": ", ".join(unknown), "known": ", ".join(COLUMNS + OPTIONAL_COLUMNS)}
            )
        self._headers = present
        return problems

    # --- one row
    def clean_row(self, row: Row) -> PremisesRow | None:
        municipality = self.municipality(row)
        external_ref = row.text("external_ref", required=True, max_length=64)
        values: dict[str, Any] = {
            "title": row.text("title", required=True, max_length=200),
            "kind": row.choice("kind", Kind.choices, required=True),
            "street": row.text("street", max_length=200),
            "postal_code": self._postal_code(row),
            "locality": row.text("locality", required=True, max_length=100),
            "location": self._location(row, municipality),
            "tenure": row.choice("tenure", Tenure.choices, required=True),
            "rent_sek_per_m2_year": self._whole(row, "rent_sek_per_m2_year", MAX_RENT),
            "price_sek": self._whole(row, "price_sek", MAX_PRICE),
            "available_from": row.date("available_from"),
            "description_sv": row.text("description_sv", max_length=MAX_TEXT, multiline=True),
            "description_en": row.text("description_en", max_length=MAX_TEXT, multiline=True),
            "contact_name": row.text("contact_name", max_length=120),
            "contact_email": row.email("contact_email"),
            "contact_phone": row.text("contact_phone", max_length=40),
        }
        values.update(self._areas(row))
        if "contact_organisation" in self._headers:
            values["contact_organisation"] = row.text("contact_organisation", max_length=160)
        if "amenities" in self._headers:
            chosen = set(row.choices("amenities", Amenity.choices))
            values.update({amenity_field(key): key in chosen for key in Amenity.values})
        status = row.choice("status", PremisesStatus.choices)
        if row.errors or municipality is None:
            return None
        return PremisesRow(municipality=municipality, external_ref=external_ref, status=status, values=values)

    def _whole(self, row: Row, column: str, maximum: int, required: bool = False) -> int | None:
        return row.whole(column, required=required, minimum=0, maximum=maximum)

    def _areas(self, row: Row) -> dict[str, int | None]:
        low = self._whole(row, "area_min_m2", MAX_AREA_M2, required=True)
        high = self._whole(row, "area_max_m2", MAX_AREA_M2)
        if high is None:
            high = low  # not divisible
        if low is not None and high is not None and low > high:
            row.error(
                "area_max_m2",
                _("area_min_m2 (%(low)s) is larger than area_max_m2 (%(high)s)") % {"low": low, "high": high},
            )
        return {"area_min_m2": low, "area_max_m2": high}

    def _postal_code(self, row: Row) -> str:
        value = row.text("postal_code", max_length=6)
        if value:
            try:
                postal_code_validator(value)
            except ValidationError:
                row.error(
                    "postal_code", _("“%(value)s” is not a postal code (five digits)") % {"value": value}
                )
        return value

    def _location(self, row: Row, municipality: Municipality | None) -> Point | None:
        if row.has("sweref_n") or row.has("sweref_e"):
            column = "sweref_n"
            north = row.decimal("sweref_n", required=True, minimum=None)
            east = row.decimal("sweref_e", required=True, minimum=None)
            if north is None or east is None:
                return None
            point = Point(float(east), float(north), srid=settings.SRID)
            wgs = transformed(point, WGS84)
            if not in_sweden(wgs.x, wgs.y):
                row.error(
                    column, _("the position (sweref_n, sweref_e) is outside Sweden; are the two swapped?")
                )
                return None
        elif row.has("lat") or row.has("lon"):
            column = "lat"
            lat = row.decimal("lat", required=True, minimum=None)
            lon = row.decimal("lon", required=True, minimum=None)
            if lat is None or lon is None:
                return None
            if not in_sweden(float(lon), float(lat)):
                row.error(column, _("the position (lat, lon) is outside Sweden; are the two swapped?"))
                return None
            point = wgs84_point(float(lon), float(lat))
        else:
            row.error("lat", _("a position is required: lat and lon, or sweref_n and sweref_e"))
            return None
        if municipality is not None and municipality.contains(point) is False:
            row.error(column, _("the position lies outside %(name)s") % {"name": municipality.name})
        return point

    # --- the whole file
    def key(self, item: PremisesRow) -> tuple[int, str]:
        return item.key

    def describe_key(self, item: PremisesRow) -> str:
        return f"{item.external_ref} ({item.municipality.name})"

    def validate_batch(self, items: list[tuple[Row, PremisesRow]]) -> None:
        self._existing = self._load_existing({item.key for _row, item in items})

    def _load_existing(self, keys) -> dict[tuple[int, str], Premises]:
        """The premises the file will update, in a few queries instead of one per row."""
        municipality_ids = {m for m, _ref in keys}
        pks = [
            pk
            for pk, m, ref in Premises.objects.filter(municipality_id__in=municipality_ids).values_list(
                "pk", "municipality_id", "external_ref"
            )
            if (m, ref) in keys
        ]
        existing: dict[tuple[int, str], Premises] = {}
        for start in range(0, len(pks), 500):
            for obj in Premises.objects.filter(pk__in=pks[start : start + 500]):
                existing[(obj.municipality_id, obj.external_ref)] = obj
        return existing

    def save_item(self, item: PremisesRow) -> str:
        obj = self._existing.get(item.key)
        created = obj is None
        if created:
            obj = Premises(
                municipality=item.municipality, external_ref=item.external_ref, created_by=self.user
            )
        for name, value in item.values.items():
            setattr(obj, name, value)
        if item.status:
            obj.status = item.status
        if obj.status == PremisesStatus.PUBLISHED:
            # The municipality's own register says it is on offer: that is a confirmation.
            obj.confirmed_at = timezone.now()
        obj.updated_by = self.user
        obj._history_user = self.user
        obj.save()
        return "created" if created else "updated"

    def describe(self, item: PremisesRow) -> str:
        return f"{item.municipality.code} {item.external_ref} – {item.values['title']}"
