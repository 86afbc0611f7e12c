"""Import of land plots from municipal GIS files, on top of the core importer.

The file (GeoJSON, GeoPackage or a zipped Shapefile) is opened only through
`brorebro.gisfiles`, which decides the format from the content and never lets GDAL
open anything else. The CRS comes from the file: SWEREF 99 TM (3006), the local
SWEREF 99 zones (3007–3018) that municipalities deliver, or WGS84 (4326, also the
GeoJSON default); a file that declares none needs --srid. Z and M values are dropped.
Every feature becomes one numbered row for the core `Importer`, which validates all
of them before saving any, inside one transaction.

Attributes are mapped to fields by a mapping file (`parse_mapping`), which may also
translate the file's words ("Laga kraft" → in_force), or by default by attributes named
like the fields. Choices are understood by their keys, their labels in Swedish and
English, and common Swedish words. Shared field rules (yes/no, numbers, e-mail,
municipality code, one-line text) are the core parsers. Invalid polygons are repaired with MakeValid
when that keeps the area within 1 %; otherwise the feature is rejected, since a
repair that changes the area that much has changed what the municipality meant.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from brorebro import gisfiles
from brorebro.importing import (
    CREATED,
    UPDATED,
    FieldError,
    Importer,
    ImportError_,
    Row,
    Source,
    excerpt,
    parse_decimal,
    path_bytes,
    upload_bytes,
)
from brorebro.spatial import in_sweden, transformed
from land.models import LandPlot, LandPlotStatus, PlanStatus, Purpose

GEOMETRY = "__geometry__"
GEOMETRY_PROBLEM = "__geometry_problem__"
UNDECODABLE = "__undecodable__"
WGS84 = 4326
# SWEREF 99 TM and the twelve local SWEREF 99 zones, plus WGS84.
ACCEPTED_SRIDS = frozenset({WGS84, *range(3006, 3019)})
# Larger than any plot a municipality sells (the largest logistics parks are a few km²).
MAX_PLOT_AREA_M2 = 50_000_000
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
# What a mapping file may name: the fields, and the file's own area attribute (checked, not stored).
MAPPABLE = [*FIELDS, "area_m2"]
# The file's own area may differ from the computed one by this share before a warning.
MAX_AREA_DIFFERENCE = 0.01


# --- reading ----------------------------------------------------------------------------------
def read_gis(
    path: str | Path, layer: str | None = None, name: str | None = None, srid: int | None = None
) -> Source:
    """Read one layer of a GIS file named on the command line (see `read_gis_bytes`)."""
    return read_gis_bytes(path_bytes(path), name or Path(path).name, layer=layer, srid=srid)


def read_gis_upload(upload, layer: str | None = None, srid: int | None = None) -> Source:
    """Read an uploaded GIS file (the admin's upload page)."""
    return read_gis_bytes(upload_bytes(upload), Path(upload.name).name, layer=layer, srid=srid)


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
        # A GDAL failure while reading becomes a message in open_gis.
        rows = [
            (number, _feature_values(feature, headers, file_srid, gis.encoding))
            for number, feature in enumerate(gis.features(), start=1)
        ]
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
            ogr.set_3d(False)
            ogr.set_measured(False)
        geom = ogr.geos
        geom.srid = srid
        values[GEOMETRY] = transformed(geom, settings.SRID)
    except (GDALException, GEOSException):
        values[GEOMETRY_PROBLEM] = _("the geometry cannot be read (is it a curve?); export it as polygons")
    return values


# --- the mapping file -------------------------------------------------------------------------
@dataclass
class Mapping:
    """Which attribute of the file holds each field, and how the file's words translate.

    `attributes` {field: attribute} names only the fields the mapping file names; the
    others are read from attributes named like the fields. `values` {field: {word: value}}
    is keyed by the folded word (see `fold`).
    """

    attributes: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def fold(word: str) -> str:
    """A word as it is compared: lower case, runs of spaces as one space."""
    return " ".join(str(word).lower().split())


def parse_mapping(text: str | bytes) -> Mapping:
    """A mapping file: a JSON object of fields. Each is the attribute's name, or an object
    {"attribute": name, "values": {"word in the file": "value"}}, e.g.

        {"purposes": {"attribute": "ANVANDNING",
                      "values": {"Industri, lager": "industry,logistics"}},
         "plan_status": {"attribute": "PLANSTATUS", "values": {"Laga kraft": "in_force"}},
         "water_sewer": {"attribute": "VA", "values": {"Finns": "yes"}}}

    "attribute" may be left out to keep the field's own name.
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ImportError_(_("The mapping is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ImportError_(_("The mapping must be a JSON object of field names to attribute names."))
    unknown = sorted(set(data) - set(MAPPABLE))
    if unknown:
        raise ImportError_(
            _("The mapping names unknown field(s): %(unknown)s. Known fields: %(known)s")
            % {"unknown": ", ".join(excerpt(u) for u in unknown), "known": ", ".join(MAPPABLE)}
        )
    mapping = Mapping()
    for name, entry in data.items():
        if isinstance(entry, str):
            mapping.attributes[name] = entry
            continue
        if not isinstance(entry, dict) or set(entry) - {"attribute", "values"}:
            raise ImportError_(
                _(
                    "The mapping of %(field)s must be an attribute name or an object with "
                    "“attribute” and “values”."
                )
                % {"field": name}
            )
        attribute = entry.get("attribute", name)
        values = entry.get("values", {})
        if not isinstance(attribute, str) or not isinstance(values, dict):
            raise ImportError_(
                _("In the mapping of %(field)s, “attribute” must be a name and “values” an object.")
                % {"field": name}
            )
        translated: dict[str, str] = {}
        for word, value in values.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = ",".join(value)
            if not isinstance(value, (str, bool)):
                raise ImportError_(
                    _("In the mapping of %(field)s, the value for “%(word)s” must be text.")
                    % {"field": name, "word": excerpt(word)}
                )
            if isinstance(value, bool):
                value = "yes" if value else "no"
            translated[fold(word)] = value
        mapping.attributes[name] = attribute
        mapping.values[name] = translated
    return mapping


def read_mapping(path: str | Path) -> Mapping:
    return parse_mapping(path_bytes(path))


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


# --- words municipal files use -----------------------------------------------------------------
# Swedish (and English) wordings understood without a value mapping, besides the keys and
# the choices' own labels in both languages.
PURPOSE_WORDS = {
    "industri": Purpose.INDUSTRY,
    "industrimark": Purpose.INDUSTRY,
    "tillverkning": Purpose.INDUSTRY,
    "lager": Purpose.LOGISTICS,
    "logistik": Purpose.LOGISTICS,
    "lager och logistik": Purpose.LOGISTICS,
    "handel": Purpose.RETAIL,
    "detaljhandel": Purpose.RETAIL,
    "kontor": Purpose.OFFICE,
    "blandat": Purpose.MIXED,
    "blandad": Purpose.MIXED,
    "blandade ändamål": Purpose.MIXED,
    "övrigt": Purpose.OTHER,
    "annat": Purpose.OTHER,
}
PLAN_STATUS_WORDS = {
    "laga kraft": PlanStatus.IN_FORCE,
    "lagakraftvunnen": PlanStatus.IN_FORCE,
    "lagakraftvunnen detaljplan": PlanStatus.IN_FORCE,
    "gällande": PlanStatus.IN_FORCE,
    "gällande plan": PlanStatus.IN_FORCE,
    "gällande detaljplan": PlanStatus.IN_FORCE,
    "detaljplan finns": PlanStatus.IN_FORCE,
    "pågående": PlanStatus.IN_PROGRESS,
    "under arbete": PlanStatus.IN_PROGRESS,
    "planarbete pågår": PlanStatus.IN_PROGRESS,
    "pågående planarbete": PlanStatus.IN_PROGRESS,
    "samråd": PlanStatus.IN_PROGRESS,
    "granskning": PlanStatus.IN_PROGRESS,
    "ingen": PlanStatus.NONE,
    "ingen detaljplan": PlanStatus.NONE,
    "saknas": PlanStatus.NONE,
    "ej planlagd": PlanStatus.NONE,
    "oplanerad": PlanStatus.NONE,
}
STATUS_WORDS = {
    "utkast": LandPlotStatus.DRAFT,
    "publicerad": LandPlotStatus.PUBLISHED,
    "publicerat": LandPlotStatus.PUBLISHED,
    "reserverad": LandPlotStatus.RESERVED,
    "reserverat": LandPlotStatus.RESERVED,
    "såld": LandPlotStatus.SOLD,
    "sålt": LandPlotStatus.SOLD,
    "arkiverad": LandPlotStatus.ARCHIVED,
    "arkiverat": LandPlotStatus.ARCHIVED,
}
# Between several purposes in one attribute: "Industri, lager", "industri/logistik", "handel och kontor".
_PURPOSE_SEPARATORS = re.compile(r"\s*(?:[,;/|&+]|\boch\b|\band\b)\s*", re.IGNORECASE)
# Attribute names that desktop GIS gives a polygon's own area, for the area check.
AREA_ATTRIBUTES = ("area_m2", "areal_m2", "areal", "shape_area", "area", "arean")


def _vocabulary(choices, words: dict[str, str]) -> dict[str, str]:
    """Folded word → key: the keys, the labels in Swedish and English, and `words`."""
    vocabulary = {fold(key): key for key, _label in choices.choices}
    for language in ("en", "sv"):
        with translation.override(language):
            vocabulary.update({fold(str(label)): key for key, label in choices.choices})
    vocabulary.update({fold(word): str(key) for word, key in words.items()})
    return vocabulary


# --- the importer ---------------------------------------------------------------------------------
class LandPlotImporter(Importer):
    row_noun = "feature"
    required_columns = REQUIRED

    def __init__(self, user=None, dry_run: bool = False, mapping: Mapping | None = None):
        super().__init__(user=user, dry_run=dry_run)
        self.mapping = mapping or Mapping()
        self.attributes = {f: self.mapping.attributes.get(f, f) for f in MAPPABLE}
        self.key_column = self.attributes["external_ref"]
        self.present: set[str] = set()
        self.area_attribute: str | None = None
        self.vocabularies = {
            "purposes": _vocabulary(Purpose, PURPOSE_WORDS),
            "plan_status": _vocabulary(PlanStatus, PLAN_STATUS_WORDS),
            "status": _vocabulary(LandPlotStatus, STATUS_WORDS),
        }

    def column(self, field: str) -> str:
        return self.attributes[field]

    # --- hooks of the core importer
    def check_headers(self, headers: list[str]) -> list[str]:
        have = gisfiles.names_list(headers)
        # A mapping that names an attribute the file lacks is a mistake, never an empty field.
        lacking = [
            (name, attribute)
            for name, attribute in self.mapping.attributes.items()
            if attribute not in headers
        ]
        if lacking:
            return [
                _(
                    "the mapping names the attribute “%(attribute)s” (for %(field)s), which the layer lacks%(hint)s; its attributes are: %(have)s"
                )
                % {
                    "attribute": excerpt(attribute),
                    "field": name,
                    "hint": _truncation_hint(attribute, headers),
                    "have": have,
                }
                for name, attribute in lacking
            ]
        self.present = {f for f in FIELDS if self.column(f) in headers}
        missing = [self.column(f) for f in REQUIRED if f not in self.present]
        if missing:
            return [
                _("the layer lacks the attribute(s) %(cols)s; its attributes are: %(have)s")
                % {"cols": gisfiles.names_list(missing), "have": have}
            ]
        if "area_m2" in self.mapping.attributes:
            self.area_attribute = self.mapping.attributes["area_m2"]
        else:
            by_name = {h.lower(): h for h in headers}
            self.area_attribute = next((by_name[a] for a in AREA_ATTRIBUTES if a in by_name), None)
        return []

    def clean_row(self, row: Row) -> dict | None:
        self.translate_values(row)
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
        elif problem := _where_problem(check.geom):
            row.error("geometry", self._named(ref, problem))
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
        self.check_area(row, check.geom)
        return {
            "municipality": municipality,
            "external_ref": ref,
            "geom": check.geom,
            "repaired": check.repaired,
            "values": values,
        }

    def translate_values(self, row: Row) -> None:
        """Replace the file's words by the values the mapping file gives for them."""
        for name, words in self.mapping.values.items():
            column = self.column(name)
            word = fold(row.raw(column))
            if word in words:
                row.values[column] = words[word]

    def check_area(self, row: Row, geom) -> None:
        """Warn when the file's own area attribute disagrees with the boundary by more than 1 %."""
        if not self.area_attribute or not row.has(self.area_attribute) or geom is None:
            return
        try:
            stated = float(parse_decimal(row.raw(self.area_attribute)))
        except FieldError:
            row.warn(
                self.area_attribute,
                _("the area “%(value)s” is not a number; it was not checked")
                % {"value": excerpt(row.raw(self.area_attribute))},
            )
            return
        computed = LandPlot.compute_area_m2(geom)
        if computed > 0 and abs(stated - computed) / computed > MAX_AREA_DIFFERENCE:
            row.warn(
                self.area_attribute,
                _(
                    "the file gives an area of %(stated)s m², but the boundary measures %(computed)s m² "
                    "(planar, in SWEREF 99 TM); check the coordinate system and the attribute"
                )
                % {"stated": _thousands(round(stated)), "computed": _thousands(computed)},
            )

    def _named(self, ref: str, message: str) -> str:
        return _("“%(ref)s”: %(message)s") % {"ref": excerpt(ref), "message": message} if ref else message

    def _choice_word(self, row: Row, name: str, default: str) -> str:
        column = self.column(name)
        word = row.raw(column)
        if not word:
            return default
        key = self.vocabularies[name].get(fold(word))
        if key is None:
            keys = [k for k, _label in {"plan_status": PlanStatus, "status": LandPlotStatus}[name].choices]
            row.error(
                column,
                _("unknown value “%(value)s”; use one of: %(keys)s (or map the word in the mapping file)")
                % {"value": excerpt(word), "keys": ", ".join(keys)},
            )
            return default
        return key

    def _purposes(self, row: Row) -> list[str]:
        column = self.column("purposes")
        words = [w for w in _PURPOSE_SEPARATORS.split(row.raw(column)) if w.strip()]
        if not words:
            row.error(column, _("give at least one purpose, e.g. industry,logistics"))
            return []
        vocabulary = self.vocabularies["purposes"]
        unknown = [w for w in words if fold(w) not in vocabulary]
        if unknown:
            row.error(
                column,
                _("unknown value “%(value)s”; use any of: %(keys)s (or map the word in the mapping file)")
                % {"value": excerpt(", ".join(unknown)), "keys": ", ".join(Purpose.values)},
            )
        return sorted({vocabulary[fold(w)] for w in words if fold(w) in vocabulary})

    def clean_values(self, row: Row) -> dict[str, Any]:
        """The fields present in the file; absent ones keep their value (or the model default)."""
        values: dict[str, Any] = {}
        has = self.present.__contains__
        col = self.column
        for name, length in [
            ("name", 160),
            ("area_name", 160),
            ("plan_id", 40),
            ("plan_purpose_codes", 80),
            ("contact_name", 120),
            ("contact_organisation", 160),
            ("contact_phone", 40),
        ]:
            if has(name):
                values[name] = row.text(col(name), max_length=length)
        for name in ("description_sv", "description_en"):
            if has(name):
                values[name] = row.text(col(name), max_length=10000, multiline=True)
        if has("purposes"):
            values["purposes"] = self._purposes(row)
        if has("plan_status"):
            values["plan_status"] = self._choice_word(row, "plan_status", PlanStatus.IN_FORCE)
        if has("status"):
            values["status"] = self._choice_word(row, "status", LandPlotStatus.DRAFT)
        if has("price_sek_per_m2"):
            values["price_sek_per_m2"] = row.decimal(col("price_sek_per_m2"), minimum=0, maximum=999999)
        if has("max_building_height_m"):
            values["max_building_height_m"] = row.decimal(
                col("max_building_height_m"), minimum=0, maximum=999
            )
        for name, maximum in [
            ("max_site_coverage_pct", 100),
            ("min_plot_m2", 10**9),
            ("electricity_kw", 10**7),
        ]:
            if has(name):
                values[name] = row.whole(col(name), minimum=0, maximum=maximum)
        for name in ("divisible", "water_sewer", "district_heating", "fibre", "rail_siding_possible"):
            if has(name):
                values[name] = bool(row.yes_no(col(name)))  # empty: no
        if has("plan_document_url"):
            values["plan_document_url"] = self._url(row, col("plan_document_url"))
        if has("contact_email"):
            values["contact_email"] = row.email(col("contact_email"))
        return values

    @staticmethod
    def _url(row: Row, column: str) -> str:
        value = row.text(column, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                row.error(
                    column, _("“%(value)s” is not a web address (https://…)") % {"value": excerpt(value)}
                )
        return value

    def key(self, item: dict) -> tuple[str, str]:
        return (item["municipality"].code, item["external_ref"])

    def describe_key(self, item: dict) -> str:
        return item["external_ref"]

    def save_all(self, items: list[dict]) -> list[str]:
        # The plots the file names, fetched in a few queries rather than one per feature.
        existing: dict[tuple[int, str], LandPlot] = {}
        refs: dict[int, list[str]] = {}
        for item in items:
            refs.setdefault(item["municipality"].pk, []).append(item["external_ref"])
        for municipality_id, wanted in refs.items():
            for start in range(0, len(wanted), 500):
                for plot in LandPlot.objects.filter(
                    municipality_id=municipality_id, external_ref__in=wanted[start : start + 500]
                ):
                    existing[(municipality_id, plot.external_ref)] = plot
        return [
            self.save_plot(item, existing.get((item["municipality"].pk, item["external_ref"])))
            for item in items
        ]

    def save_plot(self, item: dict, plot: LandPlot | None) -> str:
        created = plot is None
        if created:
            plot = LandPlot(municipality=item["municipality"], external_ref=item["external_ref"])
            if self.user is not None:
                plot.created_by = self.user
        plot.geom = item["geom"]
        for name, value in item["values"].items():
            setattr(plot, name, value)
        if not plot.name:
            plot.name = item["external_ref"]
        if self.user is not None:
            plot.updated_by = self.user
            plot._history_user = self.user
        # The listing life cycle (Listing.save) stamps the dates of a status change.
        plot.save()
        item["plot"] = plot
        return CREATED if created else UPDATED

    def describe(self, item: dict) -> str:
        plot = item["plot"]
        text = f"{plot.municipality.code}/{plot.external_ref} {plot.name}, {_thousands(plot.area_m2)} m²"
        if item["repaired"]:
            text += f" – {item['repaired']}"
        return text


def _where_problem(geom) -> str:
    """Why a boundary cannot be a plot in Sweden (usually a wrong coordinate system), or ""."""
    if geom is None:
        return ""
    try:
        spot = transformed(geom.point_on_surface, WGS84)
    except (GDALException, GEOSException):
        spot = None
    if spot is None or not in_sweden(spot.x, spot.y):
        return _("the plot lies outside Sweden; check the coordinate system of the file")
    area = LandPlot.compute_area_m2(geom)
    if area > MAX_PLOT_AREA_M2:
        return _(
            "the plot measures %(km2)s km², more than any plot; check the coordinate system of the file"
        ) % {"km2": _thousands(round(area / 1e6))}
    return ""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _truncation_hint(attribute: str, headers: list[str]) -> str:
    """Shapefile (dBase) attribute names stop at 10 characters: say so when that explains it."""
    cut = [h for h in headers if len(h) == 10 and attribute.upper().startswith(h.upper())]
    if cut:
        return _(" (Shapefile attribute names stop at 10 characters: did you mean “%(name)s”?)") % {
            "name": cut[0]
        }
    return ""
