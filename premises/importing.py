"""Import of premises from CSV or XLSX, on the core importer (all rows or none).

The columns are the ones in COLUMNS (README, "Premises import format"). Rows are
matched to existing premises by (municipality_code, external_ref): a match is
updated, anything else is created. A position is given either as `lat`/`lon` in
WGS84 or as `sweref_n`/`sweref_e` in SWEREF 99 TM. An export carries both; when a row
has both and they are more than 10 m apart, one pair was edited and the row is refused
with a message that says which columns to clear.

The round trip: an officer exports their own listings in this format from the admin
(`export_for_import`), edits them in a spreadsheet and imports the file again.
- A row that changes nothing is left alone: re-importing an unchanged row is not a
  confirmation that the listing is still available. A changed published row is, and
  the `confirm` switch confirms every published row of the file.
- Published listings of the file's municipalities that the file leaves out stay as
  they are and are named in the report; the `archive_missing` switch archives them.
- Status changes go through the listing life cycle (`Listing.save`, `archive()`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brorebro.importing import CREATED, UNCHANGED, UPDATED, Importer, Row, excerpt
from brorebro.models import Municipality
from brorebro.spatial import WGS84, in_sweden, transformed, wgs84_point
from premises.models import (
    MAX_AREA_M2,
    MAX_CLEAR_HEIGHT_M,
    MAX_DOORS,
    MAX_FLOOR_LOAD_KN_M2,
    MAX_POWER_A,
    MAX_PRICE,
    MAX_RENT,
    MAX_YEAR_BUILT,
    MIN_YEAR_BUILT,
    Amenity,
    Kind,
    Premises,
    PremisesStatus,
    Tenure,
    amenity_field,
    postal_code_validator,
)

# Structured specs (README): whole numbers, or decimals for height and floor load.
SPEC_COLUMNS = [
    "clear_height_m",
    "dock_doors",
    "ground_doors",
    "floor_load_kn_m2",
    "power_a",
    "office_m2",
    "year_built",
]
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
OPTIONAL_COLUMNS = ["title_en", "contact_organisation", "amenities", *SPEC_COLUMNS]
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
# Both position pairs given and further apart than this: the row is refused (one was edited).
MAX_POSITION_DISAGREEMENT_M = 10
# Closer than this, a position in the file is the stored one (export rounding).
SAME_POSITION_M = 0.5
MAX_TEXT = 20_000


@dataclass
class PremisesRow:
    municipality: Municipality
    external_ref: str
    status: str
    values: dict[str, Any] = field(default_factory=dict)
    confirmed: bool = False  # an unchanged row confirmed by the `confirm` switch

    @property
    def key(self) -> tuple[int, str]:
        return (self.municipality.pk, self.external_ref)


class PremisesImporter(Importer):
    required_columns = REQUIRED_COLUMNS
    key_column = "external_ref"
    switches = {
        "confirm": gettext_lazy(
            "Confirm every published listing in the file as still available, also those that did not change"
        ),
        "archive_missing": gettext_lazy(
            "Archive the published listings of the file's municipalities that the file leaves out"
        ),
    }

    def __init__(
        self, user=None, dry_run: bool = False, confirm: bool = False, archive_missing: bool = False
    ):
        super().__init__(user=user, dry_run=dry_run)
        self.confirm = confirm
        self.archive_missing = archive_missing

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
        if "title_en" in self._headers:
            values["title_en"] = row.text("title_en", max_length=200)
        if "contact_organisation" in self._headers:
            values["contact_organisation"] = row.text("contact_organisation", max_length=160)
        if "amenities" in self._headers:
            chosen = set(row.choices("amenities", Amenity.choices))
            values.update({amenity_field(key): key in chosen for key in Amenity.values})
        values.update(self._specs(row))
        status = row.choice("status", PremisesStatus.choices)
        if row.errors or municipality is None:
            return None
        return PremisesRow(municipality=municipality, external_ref=external_ref, status=status, values=values)

    def _specs(self, row: Row) -> dict[str, Any]:
        """The spec columns the file has; a file without a column leaves that spec as it is."""
        parsers = {
            "clear_height_m": lambda: row.decimal("clear_height_m", maximum=MAX_CLEAR_HEIGHT_M),
            "dock_doors": lambda: self._whole(row, "dock_doors", MAX_DOORS),
            "ground_doors": lambda: self._whole(row, "ground_doors", MAX_DOORS),
            "floor_load_kn_m2": lambda: row.decimal("floor_load_kn_m2", maximum=MAX_FLOOR_LOAD_KN_M2),
            "power_a": lambda: self._whole(row, "power_a", MAX_POWER_A),
            "office_m2": lambda: self._whole(row, "office_m2", MAX_AREA_M2),
            "year_built": lambda: row.whole("year_built", minimum=MIN_YEAR_BUILT, maximum=MAX_YEAR_BUILT),
        }
        values = {name: parse() for name, parse in parsers.items() if name in self._headers}
        for name in ("clear_height_m", "floor_load_kn_m2"):
            value = values.get(name)
            if value is not None and value != value.quantize(Decimal("0.1")):
                # The database keeps one decimal; storing 12.55 as 12.6 would change the figure.
                row.error(name, _("at most one decimal, e.g. 12.5"))
        return values

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
                    "postal_code",
                    _("“%(value)s” is not a postal code (five digits)") % {"value": excerpt(value)},
                )
        return value

    def _location(self, row: Row, municipality: Municipality | None) -> Point | None:
        sweref = self._sweref_point(row) if row.has("sweref_n") or row.has("sweref_e") else None
        wgs = self._wgs84_point(row) if row.has("lat") or row.has("lon") else None
        if sweref is None and wgs is None:
            if not row.errors:
                row.error("lat", _("a position is required: lat and lon, or sweref_n and sweref_e"))
            return None
        point, column = (sweref, "sweref_n") if sweref is not None else (wgs, "lat")
        if sweref is not None and wgs is not None:
            # An export carries both; an officer who edits one pair in a spreadsheet must
            # not see the edit silently lost to the other.
            apart = sweref.distance(transformed(wgs, settings.SRID))
            if apart > MAX_POSITION_DISAGREEMENT_M:
                row.error(
                    "lat",
                    _(
                        "lat/lon and sweref_n/sweref_e are %(m)s m apart; clear the pair you did "
                        "not edit (either lat and lon, or sweref_n and sweref_e)"
                    )
                    % {"m": f"{apart:.0f}"},
                )
                return None
        if municipality is not None and municipality.contains(point) is False:
            row.error(column, _("the position lies outside %(name)s") % {"name": municipality.name})
        return point

    def _sweref_point(self, row: Row) -> Point | None:
        north = row.decimal("sweref_n", required=True, minimum=None)
        east = row.decimal("sweref_e", required=True, minimum=None)
        if north is None or east is None:
            return None
        point = Point(float(east), float(north), srid=settings.SRID)
        wgs = transformed(point, WGS84)
        if not in_sweden(wgs.x, wgs.y):
            row.error(
                "sweref_n", _("the position (sweref_n, sweref_e) is outside Sweden; are the two swapped?")
            )
            return None
        return point

    def _wgs84_point(self, row: Row) -> Point | None:
        lat = row.decimal("lat", required=True, minimum=None)
        lon = row.decimal("lon", required=True, minimum=None)
        if lat is None or lon is None:
            return None
        if not in_sweden(float(lon), float(lat)):
            row.error("lat", _("the position (lat, lon) is outside Sweden; are the two swapped?"))
            return None
        return wgs84_point(float(lon), float(lat))

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

    def save_all(self, items: list[PremisesRow]) -> list[str]:
        return [self._save(item) for item in items]

    def _save(self, item: PremisesRow) -> str:
        obj = self._existing.get(item.key)
        if obj is None:
            obj = Premises(
                municipality=item.municipality, external_ref=item.external_ref, created_by=self.user
            )
            self._apply(obj, item)
            obj.save()  # Listing.save stamps the dates of a new published listing
            return CREATED
        changed = self._changes(obj, item)
        if not changed:
            if self.confirm and obj.status == PremisesStatus.PUBLISHED:
                obj._history_user = self.user
                obj.confirm(user=self.user)
                item.confirmed = True
                return UPDATED
            return UNCHANGED
        self._apply(obj, item)
        if obj.status == PremisesStatus.PUBLISHED:
            # The officer changed the listing in their own register: that confirms it. A
            # change of status to published is stamped by Listing.save as well.
            obj.confirmed_at = timezone.now()
        obj.save()
        return UPDATED

    def _apply(self, obj: Premises, item: PremisesRow) -> None:
        for name, value in item.values.items():
            setattr(obj, name, value)
        if item.status:
            obj.status = item.status
        obj.updated_by = self.user
        obj._history_user = self.user

    @staticmethod
    def _changes(obj: Premises, item: PremisesRow) -> list[str]:
        """The fields the row would change. Positions within half a metre are the same
        position: an export rounds SWEREF to centimetres and WGS84 to six decimals."""
        changed = [
            name for name, value in item.values.items() if name != "location" and getattr(obj, name) != value
        ]
        new, old = item.values.get("location"), obj.location
        if new is not None and (old is None or old.distance(new) > SAME_POSITION_M):
            changed.append("location")
        if item.status and item.status != obj.status:
            changed.append("status")
        return changed

    def after_save(self, items: list[PremisesRow], report) -> None:
        """Published listings of the file's municipalities that the file leaves out."""
        in_file = {item.key for item in items}
        municipalities = {item.municipality.pk for item in items}
        missing = [
            obj
            for obj in Premises.objects.published()
            .filter(municipality_id__in=municipalities)
            .select_related("municipality")
            .defer("municipality__boundary")
            .order_by("municipality__code", "external_ref")
            if (obj.municipality_id, obj.external_ref) not in in_file
        ]
        if not missing:
            return
        names = ", ".join(f"{obj.municipality.code} {obj.external_ref}" for obj in missing[:20])
        if len(missing) > 20:
            names += ", …"
        if self.archive_missing:
            for obj in missing:
                obj._history_user = self.user
                obj.archive(user=self.user)
            self.note(
                _("%(n)d of your published listings were not in the file and were archived: %(refs)s")
                % {"n": len(missing), "refs": names}
            )
        else:
            self.note(
                _(
                    "%(n)d of your published listings were not in the file; they are unchanged "
                    "(archive them with “archive missing”): %(refs)s"
                )
                % {"n": len(missing), "refs": names}
            )

    def describe(self, item: PremisesRow) -> str:
        text = f"{item.municipality.code} {item.external_ref} – {item.values['title']}"
        return text + " " + _("(confirmed)") if item.confirmed else text


def export_for_import(request, queryset):
    """`queryset` (the officer's own, scoped by the admin) as a CSV in the import format."""
    # The public export writes exactly the import columns (plus `url`, which the import
    # ignores); it is imported here and not at the top because it imports this module.
    from premises.export import export_response

    detail_url = request.build_absolute_uri(reverse("premises:detail", args=[0]))
    return export_response(queryset, detail_url)
