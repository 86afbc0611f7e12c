"""Import of land plots from municipal GIS files, on top of the core importer.

The file (GeoJSON, GeoPackage or a zipped Shapefile) is opened only through
`brorebro.gisfiles`, which decides the format from the content and never lets GDAL
open anything else. The CRS comes from the file: SWEREF 99 TM (3006), the local
SWEREF 99 zones (3007–3018) that municipalities deliver, or WGS84 (4326, also the
GeoJSON default); a file that declares none needs --srid. Z and M values are dropped.
Every feature becomes one numbered row for the core `Importer`, which validates all
of them before saving any, inside one transaction.

Attributes are mapped to fields by a mapping {"field": "attribute"} or, by default,
by attributes named like the fields. Invalid polygons are repaired with MakeValid
when that keeps the area within 1 %; otherwise the feature is rejected, since a
repair that changes the area that much has changed what the municipality meant.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from brorebro import gisfiles
from brorebro.importing import Importer, ImportError_, ImportReport, Row, RowError, Source, excerpt
from brorebro.spatial import transformed
from land.models import LandPlot, LandPlotStatus, PlanStatus, Purpose

GEOMETRY = "__geometry__"
GEOMETRY_PROBLEM = "__geometry_problem__"
UNDECODABLE = "__undecodable__"
WGS84 = 4326
# SWEREF 99 TM and the twelve local SWEREF 99 zones, plus WGS84.
ACCEPTED_SRIDS = frozenset({WGS84, *range(3006, 3019)})
# A repair may change the area by at most this share.
MAX_REPAIR_AREA_CHANGE = 0.01

# Every field the import can set, in the order the default mapping lists them.
FIELDS = [
    "external_ref",
    "municipality_code",
    "name",
    "area_name",
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
    "description_sv",
    "description_en",
    "contact_name",
    "contact_organisation",
    "contact_email",
    "contact_phone",
    "status",
]
REQUIRED = ("external_ref", "municipality_code")
TRUE_WORDS = {"1", "true", "t", "yes", "y", "ja", "j", "sant"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "nej", "falskt"}


# --- reading ----------------------------------------------------------------------------------
def read_gis(
    path: str | Path, layer: str | None = None, name: str | None = None, srid: int | None = None
) -> Source:
    """Read one layer of a GIS file named on the command line (see `read_gis_bytes`)."""
    return read_gis_bytes(gisfiles.read_path(path), name or Path(path).name, layer=layer, srid=srid)


def read_gis_upload(upload, layer: str | None = None, srid: int | None = None) -> Source:
    """Read an uploaded GIS file (the admin's upload page)."""
    return read_gis_bytes(gisfiles.read_upload(upload), Path(upload.name).name, layer=layer, srid=srid)


def read_gis_bytes(data: bytes, name: str, layer: str | None = None, srid: int | None = None) -> Source:
    """Read one layer of a GIS file into numbered rows.

    The file is opened only through `brorebro.gisfiles`, which decides the format from the
    content. Each row holds the attributes, and under GEOMETRY the geometry transformed to
    settings.SRID (or, under GEOMETRY_PROBLEM, why it could not be read). `srid` states
    the coordinate system of a file that declares none (a Shapefile without .prj).
    Rows are read eagerly, inside the private folder's lifetime.
    """
    with gisfiles.open_gis(data, name, layer=layer) as gis:
        file_srid = layer_srid(gis, srid)
        headers = list(gis.layer.fields)
        try:
            rows = [
                (number, _feature_values(feature, headers, file_srid, gis.encoding))
                for number, feature in enumerate(gis.features(), start=1)
            ]
        except GDALException:
            raise ImportError_(
                _("GDAL stopped reading %(name)s; the file may be damaged.") % {"name": excerpt(name, 80)}
            ) from None
        warnings = list(gis.warnings)
    return Source(name=name, headers=headers, rows=rows, warnings=warnings)


def layer_srid(gis: gisfiles.GisLayer, stated: int | None = None) -> int:
    """The layer's EPSG code (see `GisLayer.srid`), one of the systems plots arrive in."""
    if stated is not None and stated not in ACCEPTED_SRIDS:
        raise ImportError_(_unsupported_srid(stated))
    srid = gis.srid(stated)
    if srid not in ACCEPTED_SRIDS:
        raise ImportError_(_unsupported_srid(srid))
    return srid


def _unsupported_srid(srid: int) -> str:
    return _(
        "The file uses EPSG:%(srid)d. Use SWEREF 99 TM (3006), a local SWEREF 99 zone (3007–3018) or WGS84 (4326)."
    ) % {"srid": srid}


def _feature_values(feature, headers: list[str], srid: int, encoding: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    undecodable: list[str] = []
    for header in headers:
        try:
            values[header] = feature.get(header)
        except UnicodeDecodeError:
            values[header] = None
            undecodable.append(header)
        except (GDALException, IndexError, KeyError):
            values[header] = None
    if undecodable:
        values[UNDECODABLE] = (undecodable, encoding)
    try:
        ogr = feature.geom
    except GDALException:
        ogr = None
    if ogr is None:
        values[GEOMETRY_PROBLEM] = _("the feature has no geometry")
        return values
    try:
        if ogr.is_3d or ogr.is_measured:
            # Heights and measures mean nothing for a plot's boundary, and a 3D geometry
            # cannot be stored in the 2D column: keep the plan view.
            ogr.coord_dim = 2
            ogr.set_measured(False)
        geom = ogr.geos
        geom.srid = srid
        values[GEOMETRY] = transformed(geom, settings.SRID)
    except (GDALException, GEOSException):
        values[GEOMETRY_PROBLEM] = _("the geometry cannot be read (is it a curve?); export it as polygons")
    return values


def parse_mapping(text: str | bytes) -> dict[str, str]:
    """A mapping file: a JSON object {"field": "attribute in the file"}."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ImportError_(_("The mapping is not valid JSON.")) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportError_(_("The mapping must be a JSON object of field names to attribute names."))
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ImportError_(
            _("The mapping names unknown field(s): %(unknown)s. Known fields: %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(FIELDS)}
        )
    return data


def read_mapping(path: str | Path) -> dict[str, str]:
    path = Path(path)
    if not path.is_file():
        raise ImportError_(_("No such file: %(path)s") % {"path": path})
    return parse_mapping(path.read_bytes())


# --- geometry -------------------------------------------------------------------------------------
def polygonal(geom) -> MultiPolygon | None:
    """The polygons of `geom` as one MultiPolygon (MakeValid may return a collection)."""
    polygons: list[Polygon] = []

    def collect(part):
        if part.geom_type == "Polygon":
            if not part.empty:
                polygons.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            for sub in part:
                collect(sub)

    collect(geom)
    if not polygons:
        return None
    return MultiPolygon(polygons, srid=geom.srid)


@dataclass
class GeometryCheck:
    geom: MultiPolygon | None
    problem: str = ""
    repaired: str = ""


def check_geometry(geom) -> GeometryCheck:
    """Make `geom` a valid MultiPolygon, or say why it cannot be used."""
    if geom is None or geom.empty:
        return GeometryCheck(None, _("the feature has no geometry"))
    shape = polygonal(geom) if geom.geom_type in ("Polygon", "MultiPolygon") else None
    if shape is None:
        return GeometryCheck(
            None, _("the geometry is a %(type)s; a plot must be a polygon") % {"type": geom.geom_type}
        )
    if shape.valid:
        return GeometryCheck(shape)
    reason = shape.valid_reason
    repaired = polygonal(shape.make_valid())
    before = abs(shape.area)
    after = repaired.area if repaired else 0.0
    change = abs(after - before) / before if before > 0 else math.inf
    if repaired is None or after <= 0 or change > MAX_REPAIR_AREA_CHANGE:
        if math.isinf(change):
            how = _("its area cannot be measured, so a repair cannot be checked")
        else:
            how = _("repairing it would change the area by %(pct).1f %%") % {"pct": change * 100}
        return GeometryCheck(
            None,
            _("the boundary is not a valid polygon (%(reason)s) and %(how)s; correct it in the source data")
            % {"reason": reason, "how": how},
        )
    return GeometryCheck(
        repaired,
        repaired=_("boundary repaired (%(reason)s; area changed by %(pct).2f %%)")
        % {"reason": reason, "pct": change * 100},
    )


# --- the importer ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureError(RowError):
    """A problem reported by feature number, as GIS users count features."""

    def __str__(self) -> str:
        if self.line <= 0:
            return self.message
        if self.column:
            return _("feature %(n)d, attribute %(column)s: %(message)s") % {
                "n": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("feature %(n)d: %(message)s") % {"n": self.line, "message": self.message}


class LandPlotImporter(Importer):
    label = "feature"

    def __init__(self, user=None, dry_run: bool = False, mapping: dict[str, str] | None = None):
        super().__init__(user=user, dry_run=dry_run)
        self.mapping = {field: (mapping or {}).get(field, field) for field in FIELDS}
        self.present: set[str] = set()
        self._file_problem = False
        self._outcomes: list[tuple[int, str, str]] = []

    def column(self, field: str) -> str:
        return self.mapping[field]

    # --- hooks of the core importer
    def check_headers(self, headers: list[str]) -> list[str]:
        self.present = {field for field in FIELDS if self.column(field) in headers}
        missing = [self.column(f) for f in REQUIRED if f not in self.present]
        if missing:
            self._file_problem = True
            return [
                _("the layer lacks the attribute(s) %(cols)s; its attributes are: %(have)s")
                % {"cols": ", ".join(missing), "have": ", ".join(headers) or "–"}
            ]
        return []

    def clean_row(self, row: Row) -> dict | None:
        municipality = self.municipality(row, self.column("municipality_code"))
        ref = row.text(self.column("external_ref"), required=True, max_length=64)
        check = check_geometry(row.values.get(GEOMETRY))
        if UNDECODABLE in row.values:
            columns, encoding = row.values[UNDECODABLE]
            for column in columns:
                row.error(
                    column,
                    _("the text is not in the file's code page (%(encoding)s); add a .cpg file that names it")
                    % {"encoding": encoding},
                )
        if row.values.get(GEOMETRY_PROBLEM):
            row.error("geometry", self._named(ref, row.values[GEOMETRY_PROBLEM]))
        elif check.problem:
            row.error("geometry", self._named(ref, check.problem))
        elif municipality is not None and check.geom is not None:
            inside = municipality.contains(check.geom.point_on_surface)
            if inside is False:
                row.error(
                    "geometry",
                    self._named(
                        ref,
                        _("the plot lies outside %(name)s; check the coordinate system of the file")
                        % {"name": municipality.name},
                    ),
                )
        values = self.clean_values(row)
        if row.errors:
            return None
        return {
            "feature": row.line,
            "municipality": municipality,
            "external_ref": ref,
            "geom": check.geom,
            "repaired": check.repaired,
            "values": values,
        }

    def _named(self, ref: str, message: str) -> str:
        return _("“%(ref)s”: %(message)s") % {"ref": ref, "message": message} if ref else message

    def clean_values(self, row: Row) -> dict[str, Any]:
        """The fields present in the file; absent ones keep their value (or the model default)."""
        values: dict[str, Any] = {}
        has = self.present.__contains__
        col = self.column
        for field, length in [
            ("name", 160),
            ("area_name", 160),
            ("plan_id", 40),
            ("plan_purpose_codes", 80),
            ("contact_name", 120),
            ("contact_organisation", 160),
            ("contact_phone", 40),
        ]:
            if has(field):
                values[field] = row.text(col(field), max_length=length)
        for field in ("description_sv", "description_en"):
            if has(field):
                values[field] = row.text(col(field), max_length=10000)
        if has("purposes"):
            purposes = row.choices(col("purposes"), Purpose.choices)
            if not purposes and not row.has(col("purposes")):
                row.error(col("purposes"), _("give at least one purpose, e.g. industry,logistics"))
            values["purposes"] = purposes
        if has("plan_status"):
            values["plan_status"] = row.choice(
                col("plan_status"), PlanStatus.choices, default=PlanStatus.IN_FORCE
            )
        if has("status"):
            values["status"] = row.choice(col("status"), LandPlotStatus.choices, default=LandPlotStatus.DRAFT)
        if has("price_sek_per_m2"):
            values["price_sek_per_m2"] = row.decimal(col("price_sek_per_m2"), minimum=0, maximum=999999)
        if has("max_building_height_m"):
            values["max_building_height_m"] = row.decimal(
                col("max_building_height_m"), minimum=0, maximum=999
            )
        for field, maximum in [
            ("max_site_coverage_pct", 100),
            ("min_plot_m2", 10**9),
            ("electricity_kw", 10**7),
        ]:
            if has(field):
                values[field] = self._whole(row, col(field), maximum)
        for field in ("divisible", "water_sewer", "district_heating", "fibre", "rail_siding_possible"):
            if has(field):
                values[field] = self._boolean(row, col(field))
        if has("plan_document_url"):
            values["plan_document_url"] = self._url(row, col("plan_document_url"))
        if has("contact_email"):
            email = row.text(col("contact_email"), max_length=254)
            if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                row.error(col("contact_email"), _("“%(value)s” is not an email address") % {"value": email})
            values["contact_email"] = email
        return values

    @staticmethod
    def _whole(row: Row, column: str, maximum: int) -> int | None:
        # GIS formats often store whole numbers as reals ("450.0").
        number = row.decimal(column, minimum=0, maximum=maximum)
        if number is None:
            return None
        if number != number.to_integral_value():
            row.error(column, _("“%(value)s” is not a whole number") % {"value": row.raw(column)})
            return None
        return int(number)

    @staticmethod
    def _boolean(row: Row, column: str) -> bool:
        value = row.raw(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS or value in ("", "none"):
            return False
        row.error(column, _("“%(value)s” is not yes or no (use 1 or 0)") % {"value": row.raw(column)})
        return False

    @staticmethod
    def _url(row: Row, column: str) -> str:
        value = row.text(column, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                row.error(column, _("“%(value)s” is not a web address (https://…)") % {"value": value})
        return value

    def validate_batch(self, items: list[tuple[Row, Any]]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row, item in items:
            key = (item["municipality"].code, item["external_ref"])
            if key in seen:
                row.error(
                    self.column("external_ref"),
                    _("“%(ref)s” already appears in feature %(n)d") % {"ref": key[1], "n": seen[key]},
                )
            else:
                seen[key] = row.line

    def save_item(self, item: dict) -> str:
        plot = LandPlot.objects.filter(
            municipality=item["municipality"], external_ref=item["external_ref"]
        ).first()
        created = plot is None
        if created:
            plot = LandPlot(municipality=item["municipality"], external_ref=item["external_ref"])
            if self.user is not None:
                plot.created_by = self.user
        plot.geom = item["geom"]
        previous_status = plot.status
        for field, value in item["values"].items():
            setattr(plot, field, value)
        if not plot.name:
            plot.name = item["external_ref"]
        if plot.status == LandPlotStatus.PUBLISHED:
            # The municipality's own register is current: importing it confirms the plot.
            now = timezone.now()
            if previous_status != LandPlotStatus.PUBLISHED or plot.published_at is None:
                plot.published_at = plot.published_at or now
            plot.confirmed_at = now
        if self.user is not None:
            plot.updated_by = self.user
            plot._history_user = self.user
        plot.save()
        outcome = "created" if created else "updated"
        self._outcomes.append((item["feature"], outcome, self.describe_saved(plot, item)))
        return outcome

    def describe_saved(self, plot: LandPlot, item: dict) -> str:
        area = f"{plot.area_m2:,}".replace(",", "\u00a0")
        text = f"{plot.municipality.code}/{plot.external_ref} {plot.name}, {area} m²"
        if item["repaired"]:
            text += f" – {item['repaired']}"
        return text

    def describe(self, item: dict) -> str:
        return item["external_ref"]

    def run(self, source: Source) -> ImportReport:
        """The core run, reported by feature number rather than line."""
        self._outcomes = []
        report = super().run(source)
        report.errors = [
            FeatureError(
                0 if self._file_problem or _no_rows(error) else error.line, error.column, error.message
            )
            for error in report.errors
        ]
        if report.ok:
            label = _("feature %(n)d: %(item)s")
            report.created = [
                label % {"n": n, "item": text} for n, outcome, text in self._outcomes if outcome == "created"
            ]
            report.updated = [
                label % {"n": n, "item": text} for n, outcome, text in self._outcomes if outcome == "updated"
            ]
        return report


def _no_rows(error: RowError) -> bool:
    return error.line == 1 and not error.column and error.message == _("the file has no data rows")
