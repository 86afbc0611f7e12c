"""The one way to open a GIS file that someone uploaded (land plots, municipality boundaries).

GDAL opens whatever it recognises: a VRT file can run SQL against a database, a
`CSV:` name reads a local file and a `/vsicurl/` name sends HTTP requests. So no
user-supplied name or byte ever reaches GDAL unchecked. The format is decided here
from the content, before GDAL sees anything:

- GeoJSON must parse as JSON and be a FeatureCollection or a Feature. GDAL reads a
  copy that we write ourselves from the parsed document: only features, properties,
  plain geometries and a "crs" that names an EPSG code survive (GDAL would fetch a
  "link" crs from the network).
- GeoPackage must be an SQLite file with the GeoPackage application id. Python's
  sqlite3 reads its schema first (read-only): views, virtual tables other than the
  spatial index, and triggers that are not the standard GeoPackage ones are refused.
- A Shapefile must be a zip whose members are only Shapefile parts, possibly inside
  one folder (Windows' "Send to → Compressed folder"). We unpack the parts of one
  layer ourselves, under names we choose, into a private temporary folder.

The file is then opened with exactly one driver (GDALOpenEx with an allowed-driver
list), and the driver is checked again after opening. Feature counts and unpacked
sizes are capped before anything is read. Error messages quote values only as a
short, escaped excerpt.

Shapefile text comes in many code pages. The encoding is taken from the .cpg, else
from the DBF's language driver id (byte 29), else Windows-1252, which municipal
desktop GIS writes. A .cpg that claims UTF-8 over bytes that are not UTF-8 is read as
Windows-1252, with a warning. GDAL is told not to recode, and Python decodes.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import shutil
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from ctypes import c_char_p
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.contrib.gis.gdal import DataSource, Driver, GDALException, SRSException
from django.contrib.gis.gdal.layer import Layer
from django.contrib.gis.gdal.prototypes import ds as capi
from django.utils.translation import gettext as _

from brorebro.importing import ImportError_, excerpt

GEOJSON, GEOPACKAGE, SHAPEFILE = "GeoJSON", "GPKG", "ESRI Shapefile"
WGS84 = 4326
# The only GDAL drivers an upload is ever opened with.
DRIVERS = (GEOJSON, GEOPACKAGE, SHAPEFILE)

SQLITE_HEADER = b"SQLite format 3\x00"
# PRAGMA application_id at byte 68: "GPKG" since GeoPackage 1.2, "GP10"/"GP11" before.
GEOPACKAGE_IDS = (b"GPKG", b"GP10", b"GP11")
ZIP_HEADERS = (b"PK\x03\x04", b"PK\x05\x06")
SHP_FILE_CODE = b"\x00\x00\x27\x0a"  # 9994, big-endian: the first word of .shp and .shx

# Parts a zipped Shapefile may hold. Only the first five are unpacked; the index and
# metadata files that desktop GIS writes next to them are allowed and left alone.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SHAPEFILE_EXTRAS = (".sbn", ".sbx", ".qix", ".fbn", ".fbx", ".ain", ".aih", ".atx", ".ixs", ".mxs", ".xml")
# What Finder and Explorer add to a zip; never unpacked.
ZIP_LITTER = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
MAX_ZIP_MEMBERS = 200
MAX_SIDECAR_BYTES = 64 * 1024  # .prj and .cpg are a few hundred bytes

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
_EPSG_NAME = re.compile(
    r"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:|https?://www\.opengis\.net/def/crs/EPSG/0/)(\d{4,6})$",
    re.IGNORECASE,
)
_WGS84_NAMES = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84"}
_GPKG_TRIGGER = re.compile(r"^(gpkg_|rtree_|trigger_(insert|delete)_feature_count_)", re.IGNORECASE)
_WKT_START = re.compile(
    rb"^\s*(PROJCS|GEOGCS|GEOCCS|COMPD_CS|PROJCRS|GEOGCRS|GEODCRS|COMPOUNDCRS|BOUNDCRS)\s*\["
)

# dBase language driver ids (byte 29) and their code pages, as ESRI and GDAL read them.
DBF_LANGUAGE_DRIVERS = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x08: "cp865",
    0x0A: "cp850",
    0x0B: "cp437",
    0x0D: "cp437",
    0x0E: "cp850",
    0x0F: "cp437",
    0x10: "cp850",
    0x11: "cp437",
    0x12: "cp850",
    0x13: "cp932",
    0x14: "cp850",
    0x15: "cp437",
    0x16: "cp850",
    0x17: "cp865",
    0x18: "cp437",
    0x19: "cp437",
    0x1A: "cp850",
    0x1B: "cp437",
    0x1C: "cp863",
    0x1D: "cp850",
    0x1F: "cp852",
    0x22: "cp852",
    0x23: "cp852",
    0x24: "cp860",
    0x25: "cp850",
    0x26: "cp866",
    0x37: "cp850",
    0x40: "cp852",
    0x4D: "cp936",
    0x4E: "cp949",
    0x4F: "cp950",
    0x50: "cp874",
    0x57: "cp1252",  # "ANSI": the writer's Windows code page, in Sweden 1252
    0x58: "cp1252",
    0x59: "cp1252",
    0x64: "cp852",
    0x65: "cp866",
    0x66: "cp865",
    0x67: "cp861",
    0x6A: "cp737",
    0x6B: "cp857",
    0x78: "cp950",
    0x79: "cp949",
    0x7A: "cp936",
    0x7B: "cp932",
    0x7C: "cp874",
    0x7D: "cp1255",
    0x7E: "cp1256",
    0x87: "cp852",
    0x88: "cp857",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
    0xCC: "cp1257",
}
FALLBACK_ENCODING = "cp1252"


class GisFileError(ImportError_):
    """The upload is not a GIS file that may be opened; the message says what to do."""


def names_list(names, limit: int = 30) -> str:
    """Names from a file (layers, attributes) for a message: each an excerpt, at most `limit`."""
    names = list(names)
    shown = ", ".join(excerpt(name) for name in names[:limit]) or "–"
    return shown + (" …" if len(names) > limit else "")


def max_features() -> int:
    return settings.IMPORT_MAX_FEATURES


def max_unpacked_bytes() -> int:
    return settings.IMPORT_MAX_UNPACKED_BYTES


@dataclass
class GisLayer:
    """One layer of an opened GIS file. Valid only inside `open_gis()`."""

    layer: Layer
    name: str  # as the file names it
    kind: str  # GEOJSON, GEOPACKAGE or SHAPEFILE
    encoding: str
    feature_count: int
    warnings: list[str] = field(default_factory=list)
    has_prj: bool = False  # a Shapefile came with a .prj (so a missing system means a damaged one)

    @property
    def is_geojson(self) -> bool:
        return self.kind == GEOJSON

    def srid(self, stated: int | None = None) -> int:
        """The layer's EPSG code: from the file, else `stated` (--srid), else an error that says so.

        A GeoJSON file without "crs" is WGS84 by definition; a Shapefile without .prj or a
        GeoPackage layer with an undefined system has no default, since guessing wrong
        puts every plot somewhere else.
        """
        unreadable = GisFileError(
            _("The coordinate system of the file cannot be read (a damaged .prj?). Export the layer again.")
        )
        try:
            srs = self.layer.srs
        except SRSException:
            raise unreadable from None
        if srs is None and self.has_prj and stated is None:
            raise unreadable
        srid = None
        if srs is not None:
            srid = srs.srid
            if srid is None:
                try:
                    srs.identify_epsg()
                    srid = srs.srid
                except (GDALException, SRSException):
                    srid = None
        if srid is None:
            if stated is not None:
                return stated
            if srs is None and self.kind == GEOJSON:
                return WGS84
            if srs is None:
                raise GisFileError(
                    _(
                        "The file does not say which coordinate system it uses (a Shapefile without its "
                        ".prj file). Add the .prj to the zip, or state the system: --srid on the command "
                        "line or the “Coordinate system” field on the upload page, e.g. 3006 for "
                        "SWEREF 99 TM or 3009 for SWEREF 99 15 00."
                    )
                )
            raise GisFileError(
                _(
                    "The coordinate system of the file could not be identified. Export it as EPSG:3006 "
                    "(SWEREF 99 TM), or state the system with --srid (the “Coordinate system” field on "
                    "the upload page)."
                )
            )
        if stated is not None and stated != srid:
            raise GisFileError(
                _(
                    "The file says it uses EPSG:%(file)d, but EPSG:%(stated)d was stated. Leave the "
                    "stated system out or correct it."
                )
                % {"file": srid, "stated": stated}
            )
        return srid

    def features(self) -> Iterator:
        """The features, stopping at the cap even if the count the file declared was wrong."""
        limit = max_features()
        for number, feature in enumerate(self.layer, start=1):
            if number > limit:
                raise _too_many(number, limit)
            yield feature


def _too_many(count: int, limit: int) -> GisFileError:
    return GisFileError(
        _("The file has %(n)s features or more; at most %(limit)s can be imported at once. Split the file.")
        % {"n": f"{count:,}".replace(",", "\u00a0"), "limit": f"{limit:,}".replace(",", "\u00a0")}
    )


# --- the one way in -------------------------------------------------------------------------
@contextmanager
def open_gis(data: bytes, name: str, layer: str | None = None) -> Iterator[GisLayer]:
    """Open one layer of an uploaded GIS file, whatever its name says, or raise GisFileError.

    `data` is the file's content and `name` its name (only for messages). The layer is
    readable inside the `with` block; the private temporary folder is removed after it.
    """
    folder = Path(tempfile.mkdtemp(prefix="brorebro-gis-"))
    try:
        if data.startswith(SQLITE_HEADER):
            yield _open_geopackage(data, name, folder, layer)
        elif data[:4] in ZIP_HEADERS:
            yield _open_zipped_shapefile(data, folder, layer)
        elif data.startswith(SHP_FILE_CODE):
            raise GisFileError(
                _(
                    "This is a bare .shp file. Upload a zip that holds the layer's .shp, .shx, .dbf and .prj files."
                )
            )
        else:
            yield _open_geojson(data, name, folder)
    except (GDALException, UnicodeDecodeError):
        # A file that passed the checks and still trips GDAL (or holds names that are not
        # text) while it is read: a message, never a traceback.
        raise GisFileError(
            _("GDAL stopped reading %(name)s; the file may be damaged.") % {"name": excerpt(name, 80)}
        ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _not_a_gis_file(name: str) -> GisFileError:
    return GisFileError(
        _(
            "%(name)s is not a GeoJSON file, a GeoPackage or a zipped Shapefile (judged by its content, "
            "not its name). Export the layer to one of these formats."
        )
        % {"name": excerpt(name, 80)}
    )


def _open_with_driver(
    path: Path, driver: str, options: dict[str, str], encoding: str = "utf-8"
) -> DataSource:
    """GDALOpenEx with exactly one allowed driver, read-only; the driver is checked again."""
    Driver.ensure_registered()
    allowed = (c_char_p * 2)(driver.encode(), None)
    pairs = [f"{key}={value}".encode() for key, value in options.items()]
    open_options = (c_char_p * (len(pairs) + 1))(*pairs, None)
    try:
        pointer = capi.open_ds(
            str(path).encode(), capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR, allowed, open_options, None
        )
    except GDALException:
        pointer = None
    if not pointer:
        raise GisFileError(
            _("The file looks like %(format)s but GDAL cannot read it; it may be damaged.")
            % {"format": driver}
        )
    source = DataSource(pointer, ds_driver=capi.get_dataset_driver(pointer), encoding=encoding)
    if source.driver.name != driver:  # belt and braces: never any other driver
        raise _not_a_gis_file(path.name)
    return source


def _choose_layer(source: DataSource, layer: str | None, display_name: str) -> Layer:
    names = [source[i].name for i in range(len(source))]
    if not names:
        raise GisFileError(_("%(name)s has no layers.") % {"name": excerpt(display_name, 80)})
    if layer:
        if layer not in names:
            raise GisFileError(
                _("%(name)s has no layer “%(layer)s”; its layers are: %(names)s")
                % {"name": excerpt(display_name, 80), "layer": excerpt(layer), "names": names_list(names)}
            )
        return source[names.index(layer)]
    if len(names) > 1:
        raise GisFileError(
            _("%(name)s has several layers (%(names)s); choose one.")
            % {"name": excerpt(display_name, 80), "names": names_list(names)}
        )
    return source[0]


def _counted(layer: Layer) -> int:
    count = layer.num_feat
    if count > max_features():
        raise _too_many(count, max_features())
    return count


# --- GeoJSON ------------------------------------------------------------------------------------
def _open_geojson(data: bytes, name: str, folder: Path) -> GisLayer:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise _not_a_gis_file(name) from None
    if not isinstance(document, dict) or document.get("type") not in ("FeatureCollection", "Feature"):
        raise _not_a_gis_file(name)
    if document["type"] == "Feature":
        features = [document]
    else:
        features = document.get("features")
        if not isinstance(features, list):
            raise GisFileError(_("The GeoJSON FeatureCollection has no list of features."))
    if len(features) > max_features():
        raise _too_many(len(features), max_features())
    clean: dict = {
        "type": "FeatureCollection",
        "features": [_clean_feature(f, n) for n, f in enumerate(features, 1)],
    }
    crs = _geojson_crs(document.get("crs"))
    if crs is not None:
        clean["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    path = folder / "upload.geojson"
    text = json.dumps(clean, ensure_ascii=False)  # the C encoder; json.dump is pure Python
    # GDAL parses the file again: let the Python copies go first, to keep the peak low.
    del document, features, clean
    path.write_text(text, encoding="utf-8")
    del text
    source = _open_with_driver(path, GEOJSON, {})
    # A GeoJSON file has one layer: a layer name given anyway is ignored, as GIS tools do.
    chosen = _choose_layer(source, None, "GeoJSON")
    return GisLayer(
        layer=chosen, name=chosen.name, kind=GEOJSON, encoding="utf-8", feature_count=_counted(chosen)
    )


def _geojson_crs(crs) -> int | None:
    """The EPSG code a GeoJSON "crs" member names (None: WGS84, the GeoJSON default)."""
    if crs is None:
        return None
    name = None
    properties = crs.get("properties") if isinstance(crs, dict) else None
    if isinstance(properties, dict) and crs.get("type") == "name":
        name = properties.get("name")
    elif isinstance(properties, dict) and crs.get("type") == "EPSG":  # the 2008 draft's form
        code = properties.get("code")
        name = f"EPSG:{code}" if isinstance(code, int) and not isinstance(code, bool) else None
    if isinstance(name, str):
        if name.strip().lower() in _WGS84_NAMES:
            return None
        match = _EPSG_NAME.match(name.strip())
        if match:
            return int(match.group(1))
    raise GisFileError(
        _(
            "The GeoJSON “crs” member must name an EPSG code, e.g. urn:ogc:def:crs:EPSG::3006; "
            "it says %(crs)s. Export the file again with an EPSG coordinate system."
        )
        % {"crs": excerpt(json.dumps(crs, ensure_ascii=False))}
    )


def _clean_feature(feature, number: int) -> dict:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise GisFileError(_("GeoJSON feature %(n)d is not a Feature object.") % {"n": number})
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise GisFileError(_("GeoJSON feature %(n)d has properties that are not an object.") % {"n": number})
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": _clean_geometry(feature.get("geometry"), number),
    }


def _clean_geometry(geometry, number: int, depth: int = 0):
    """Only a geometry's type and coordinates (no nested "crs", which GDAL would honour)."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES or depth > 3:
        raise GisFileError(_("GeoJSON feature %(n)d has a geometry GDAL would not read.") % {"n": number})
    if geometry["type"] == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            raise GisFileError(_("GeoJSON feature %(n)d has a geometry GDAL would not read.") % {"n": number})
        return {
            "type": "GeometryCollection",
            "geometries": [_clean_geometry(p, number, depth + 1) for p in parts],
        }
    return {"type": geometry["type"], "coordinates": geometry.get("coordinates")}


# --- GeoPackage ---------------------------------------------------------------------------------
def _open_geopackage(data: bytes, name: str, folder: Path, layer: str | None) -> GisLayer:
    if data[68:72] not in GEOPACKAGE_IDS:
        raise GisFileError(
            _("The file is an SQLite database but not a GeoPackage (it lacks the GeoPackage application id).")
        )
    path = folder / "upload.gpkg"
    path.write_bytes(data)
    tables = _check_geopackage_schema(path)
    source = _open_with_driver(path, GEOPACKAGE, {"LIST_ALL_TABLES": "NO"})
    chosen = _choose_layer(source, layer, "GeoPackage")
    if chosen.name not in tables:
        raise GisFileError(
            _("The GeoPackage layer “%(layer)s” is not a table of features with geometries.")
            % {"layer": excerpt(chosen.name)}
        )
    if tables[chosen.name] > max_features():
        raise _too_many(tables[chosen.name], max_features())
    return GisLayer(
        layer=chosen, name=chosen.name, kind=GEOPACKAGE, encoding="utf-8", feature_count=_counted(chosen)
    )


def _check_geopackage_schema(path: Path) -> dict[str, int]:
    """Refuse views, foreign virtual tables and unknown triggers; the feature tables and their row counts."""
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        raise GisFileError(_("The GeoPackage cannot be opened; it may be damaged.")) from None
    try:
        schema = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        problems: list[str] = []
        for kind, name, sql in schema:
            sql = (sql or "").strip()
            if kind == "view":
                problems.append(_("the view “%(name)s”") % {"name": excerpt(name)})
            elif kind == "trigger" and not _GPKG_TRIGGER.match(name or ""):
                problems.append(_("the trigger “%(name)s”") % {"name": excerpt(name)})
            elif kind == "table" and re.match(r"(?is)^create\s+virtual\s+table", sql):
                if not re.search(r"(?is)\busing\s+rtree\s*\(", sql):
                    problems.append(_("the virtual table “%(name)s”") % {"name": excerpt(name)})
        if problems:
            raise GisFileError(
                _(
                    "The GeoPackage holds %(what)s. Only plain feature tables can be imported: "
                    "export the layer to a new GeoPackage (or save the view as a table)."
                )
                % {"what": ", ".join(problems[:5])}
            )
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
            ).fetchall()
        }
        real_tables = {name for kind, name, _sql in schema if kind == "table"}
        counts: dict[str, int] = {}
        for name in tables & real_tables:
            quoted = '"' + name.replace('"', '""') + '"'
            # A generated column is computed on every read, by the reader's SQL functions.
            columns = connection.execute(f"PRAGMA table_xinfo({quoted})").fetchall()
            if any(column[6] in (2, 3) for column in columns):
                raise GisFileError(
                    _(
                        "The GeoPackage table “%(name)s” has generated columns; export the layer to a new GeoPackage."
                    )
                    % {"name": excerpt(name)}
                )
            counts[name] = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # noqa: S608
        return counts
    except sqlite3.Error:
        raise GisFileError(_("The GeoPackage cannot be read; it may be damaged.")) from None
    finally:
        connection.close()


# --- zipped Shapefile ------------------------------------------------------------------------
def _open_zipped_shapefile(data: bytes, folder: Path, layer: str | None) -> GisLayer:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        raise GisFileError(_("The zip file cannot be read; it may be damaged.")) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise GisFileError(_("The zip holds too many files for one Shapefile layer."))
    layers: dict[str, dict[str, zipfile.ZipInfo]] = {}
    folders: set[str] = set()
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith(ZIP_LITTER[0]) or PurePosixPath(name).name in ZIP_LITTER:
            continue
        pure = PurePosixPath(name)
        if name.startswith("/") or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
            raise GisFileError(
                _("The zip holds a file with an unsafe path (%(name)s).") % {"name": excerpt(member.filename)}
            )
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise GisFileError(
                _("The zip holds a symbolic link (%(name)s).") % {"name": excerpt(member.filename)}
            )
        if member.flag_bits & 0x1:
            raise GisFileError(_("The zip is encrypted; upload it without a password."))
        if member.is_dir():
            continue
        suffix = _shapefile_suffix(pure.name)
        if suffix is None:
            raise GisFileError(
                _(
                    "The zip holds %(name)s, which is not part of a Shapefile. A zip may hold only a "
                    "Shapefile's parts (.shp, .shx, .dbf, .prj, .cpg and index files)."
                )
                % {"name": excerpt(pure.name)}
            )
        folders.add(str(pure.parent))
        stem = pure.name[: -len(suffix)]
        layers.setdefault(stem, {})[suffix] = member
    if len(folders) > 1:
        raise GisFileError(
            _("The zip holds Shapefile parts in several folders; put one layer's parts in one folder.")
        )
    shapes = {stem: parts for stem, parts in layers.items() if ".shp" in parts}
    if not shapes:
        raise GisFileError(_("The zip holds no .shp file."))
    if layer:
        if layer not in shapes:
            raise GisFileError(
                _("The zip has no layer “%(layer)s”; its layers are: %(names)s")
                % {"layer": excerpt(layer), "names": names_list(sorted(shapes))}
            )
        stem = layer
    elif len(shapes) > 1:
        raise GisFileError(
            _("The zip has several layers (%(names)s); choose one.") % {"names": names_list(sorted(shapes))}
        )
    else:
        stem = next(iter(shapes))
    parts = shapes[stem]
    missing = [s for s in (".shx", ".dbf") if s not in parts]
    if missing:
        raise GisFileError(
            _("The Shapefile %(name)s lacks its %(parts)s file(s); zip all its parts together.")
            % {"name": excerpt(stem), "parts": " and ".join(missing)}
        )
    wanted = {suffix: parts[suffix] for suffix in SHAPEFILE_PARTS if suffix in parts}
    total = sum(member.file_size for member in wanted.values())
    if total > max_unpacked_bytes():
        raise _too_big_unpacked()
    written = 0
    for suffix, member in wanted.items():
        limit = MAX_SIDECAR_BYTES if suffix in (".prj", ".cpg") else max_unpacked_bytes()
        if member.file_size > limit:
            raise GisFileError(_("The %(part)s file in the zip is far too large.") % {"part": suffix})
        # Our own file name in our own folder: nothing of the member's path is used.
        target = folder / f"upload{suffix}"
        try:
            with archive.open(member) as source, target.open("wb") as out:
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > max_unpacked_bytes():
                        raise _too_big_unpacked()
                    out.write(chunk)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ):
            raise GisFileError(_("The zip file cannot be unpacked; it may be damaged.")) from None
    return _open_shapefile(folder, stem)


def _shapefile_suffix(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".shp.xml"):
        return ".shp.xml"
    for suffix in (*SHAPEFILE_PARTS, *SHAPEFILE_EXTRAS):
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return suffix
    return None


def _too_big_unpacked() -> GisFileError:
    return GisFileError(
        _("The Shapefile is too large when unpacked (the limit is %(limit)d MB).")
        % {"limit": max_unpacked_bytes() // 2**20}
    )


def _open_shapefile(folder: Path, stem: str) -> GisLayer:
    shp, shx, dbf = (folder / f"upload{s}" for s in (".shp", ".shx", ".dbf"))
    for part in (shp, shx):
        with part.open("rb") as handle:
            if handle.read(4) != SHP_FILE_CODE:
                raise GisFileError(
                    _("The %(part)s file in the zip is not a Shapefile part.") % {"part": part.suffix}
                )
    records, header_length = _dbf_header(dbf)
    if records > max_features():
        raise _too_many(records, max_features())
    prj = folder / "upload.prj"
    if prj.exists() and not _WKT_START.match(prj.read_bytes()[:200]):
        raise GisFileError(_("The .prj file does not describe a coordinate system (it is not WKT)."))
    warnings: list[str] = []
    encoding = _shapefile_encoding(folder, dbf, header_length, warnings)
    # ENCODING="": GDAL passes the bytes through and Python decodes them with `encoding`.
    source = _open_with_driver(shp, SHAPEFILE, {"ENCODING": ""}, encoding=encoding)
    chosen = source[0]
    return GisLayer(
        layer=chosen,
        name=stem,
        kind=SHAPEFILE,
        encoding=encoding,
        feature_count=_counted(chosen),
        warnings=warnings,
        has_prj=prj.exists(),
    )


def _dbf_header(dbf: Path) -> tuple[int, int]:
    """(number of records, header length) of a dBase file, refusing what is not one."""
    with dbf.open("rb") as handle:
        header = handle.read(32)
    size = dbf.stat().st_size
    if len(header) < 32:
        raise GisFileError(_("The .dbf file in the zip is not a dBase table."))
    records, header_length, record_length = struct.unpack("<IHH", header[4:12])
    if header_length < 33 or record_length < 1 or header_length + records * record_length > size + 1:
        raise GisFileError(_("The .dbf file in the zip is not a dBase table, or it is cut short."))
    return records, header_length


def _codec(name: str) -> str | None:
    """A Python codec for a code page as .cpg files spell it ("UTF-8", "1252", "ANSI 1252", "ISO 88591")."""
    text = name.strip().strip("\x00").lower()
    text = re.sub(r"^(ansi|oem|windows|cp|code ?page)[\s_-]*", "", text)
    if re.fullmatch(r"\d{3,5}", text):
        text = "utf-8" if text == "65001" else f"cp{text}"
    text = re.sub(r"^iso[\s_-]*8859[\s_-]*", "iso8859-", text)
    text = re.sub(r"^iso8859-?(\d+)$", r"iso8859-\1", text.replace("88591", "8859-1"))
    try:
        return codecs.lookup(text).name
    except (LookupError, ValueError):  # ValueError: a NUL byte in the name
        return None


def _shapefile_encoding(folder: Path, dbf: Path, header_length: int, warnings: list[str]) -> str:
    cpg = folder / "upload.cpg"
    encoding = None
    if cpg.exists():
        declared = cpg.read_bytes()[:100].decode("ascii", "replace").strip()
        encoding = _codec(declared)
        if encoding is None:
            warnings.append(
                _("The .cpg file names an unknown code page (%(cpg)s); the text was read as Windows-1252.")
                % {"cpg": excerpt(declared)}
            )
            encoding = FALLBACK_ENCODING
    if encoding is None:
        with dbf.open("rb") as handle:
            handle.seek(29)
            ldid = handle.read(1)
        encoding = DBF_LANGUAGE_DRIVERS.get(ldid[0] if ldid else 0, FALLBACK_ENCODING)
    if encoding == "utf-8":
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with dbf.open("rb") as handle:
                handle.seek(header_length)
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            warnings.append(
                _(
                    "The .cpg file says UTF-8, but the attribute text is not UTF-8; it was read as "
                    "Windows-1252. Check letters such as å, ä and ö in the result."
                )
            )
            encoding = FALLBACK_ENCODING
    return encoding
