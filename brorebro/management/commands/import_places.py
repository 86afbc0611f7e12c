"""Load the gazetteer (`brorebro.models.Place`) from SCB's open data "Tätorter".

SCB (Statistics Sweden) publishes the localities (tätorter) as open geodata, as
polygons or points, in SWEREF 99 TM. This command reads such a layer from a
GeoPackage, a zipped Shapefile or a GeoJSON file, opened only through
`brorebro.gisfiles` (the format is decided from the content; GDAL opens nothing else).

What it expects of each feature (README, "Places by name"):
- an attribute with the locality's name (`--name-field`, default `tatort`);
- an attribute with SCB's code of the locality (`--code-field`, default `tatortskod`),
  which identifies it when the file is loaded again (the place is updated, not doubled);
- an attribute with the four-digit municipality code (`--municipality-field`, default
  `kommunkod`), used to name the municipality beside the place;
- a point, or a polygon, which is stored as a point on its surface.
Attribute names are matched without regard to case, and SCB's releases have named them
differently, so each can be given; a missing one is reported with the file's attributes.
The coordinate system comes from the file (`--srid` for a file without one).
Every problem is reported, and a run with a problem changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brorebro import gisfiles
from brorebro.importing import (
    FieldError,
    ImportError_,
    excerpt,
    parse_municipality_code,
    parse_text,
    path_bytes,
)
from brorebro.models import Municipality, Place
from brorebro.spatial import transformed

DEFAULT_SOURCE = "SCB Tätorter"


def _attribute(fields: list[str], wanted: str) -> str | None:
    """The file's own spelling of attribute `wanted`, matched without regard to case."""
    for name in fields:
        if name.casefold() == wanted.casefold():
            return name
    return None


def _text(feature, field: str) -> str:
    try:
        value = feature.get(field)
    except (GDALException, IndexError, KeyError, UnicodeDecodeError):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


class Command(BaseCommand):
    help = "Import localities (SCB Tätorter, points or polygons) into the gazetteer used by “Near”."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--layer", default=None, help="layer name (default: the only one)")
        parser.add_argument(
            "--name-field", default="tatort", help="attribute with the name (default: tatort)"
        )
        parser.add_argument(
            "--code-field", default="tatortskod", help="attribute with SCB's code (default: tatortskod)"
        )
        parser.add_argument(
            "--municipality-field",
            default="kommunkod",
            help="attribute with the four-digit municipality code (default: kommunkod)",
        )
        parser.add_argument("--srid", type=int, default=None, help="EPSG code of a file that declares none")
        parser.add_argument(
            "--source", default=DEFAULT_SOURCE, help=f"source name (default: {DEFAULT_SOURCE})"
        )
        parser.add_argument(
            "--county-only",
            action="store_true",
            help="keep only places in the county's municipalities (settings.COUNTY_CODE)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and change nothing")

    def handle(self, *args, **options):
        try:
            data = path_bytes(options["file"])
            with gisfiles.open_gis(data, options["file"], layer=options["layer"]) as gis:
                rows, errors = self.read_places(gis, options)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None

        for message in errors:
            self.stderr.write(message)
        if errors:
            raise CommandError(f"{len(errors)} problem(s); no place was changed.")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(rows)} places are valid; nothing was changed.")
            return
        created = updated = 0
        with transaction.atomic():
            existing = {p.code: p for p in Place.objects.filter(source=options["source"]).exclude(code="")}
            for row in rows:
                place = existing.get(row["code"]) or Place(source=options["source"], code=row["code"])
                created += place.pk is None
                updated += place.pk is not None
                place.name, place.municipality, place.location = (
                    row["name"],
                    row["municipality"],
                    row["location"],
                )
                place.save()
        self.stdout.write(self.style.SUCCESS(f"Places: {created} created, {updated} updated."))

    def read_places(self, gis: gisfiles.GisLayer, options) -> tuple[list[dict], list[str]]:
        srid = gis.srid(options["srid"])
        fields = list(gis.layer.fields)
        columns = {}
        for option in ("name_field", "code_field", "municipality_field"):
            found = _attribute(fields, options[option])
            if found is None:
                raise CommandError(
                    f"The file has no attribute {excerpt(options[option])!r} (--{option.replace('_', '-')}); "
                    f"its attributes are: {gisfiles.names_list(fields)}"
                )
            columns[option] = found
        municipalities = {m.code: m for m in Municipality.objects.all()}
        rows: list[dict] = []
        errors: list[str] = []
        seen: set[str] = set()
        for number, feature in enumerate(gis.features(), start=1):
            code = _text(feature, columns["code_field"])
            where = f"feature {number}" + (f" (code {excerpt(code, 20)})" if code else "")
            name = _text(feature, columns["name_field"])
            try:
                name = parse_text(name)
            except FieldError as exc:
                errors.append(f"{where}: {exc}")
                continue
            if not name or len(name) > 120:
                errors.append(f"{where}: the name is empty or longer than 120 characters")
                continue
            if not code or len(code) > 20:
                errors.append(f"{where}: no code in attribute {columns['code_field']!r}")
                continue
            if code in seen:
                errors.append(f"{where}: the code appears twice in the file")
                continue
            seen.add(code)
            try:
                municipality_code = parse_municipality_code(_text(feature, columns["municipality_field"]))
            except FieldError:
                errors.append(
                    f"{where}: no four-digit municipality code in {columns['municipality_field']!r}"
                )
                continue
            if options["county_only"] and not municipality_code.startswith(settings.COUNTY_CODE):
                continue
            location = self._point(feature, srid)
            if location is None:
                errors.append(f"{where}: the geometry is not a valid point or polygon")
                continue
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "municipality": municipalities.get(municipality_code),
                    "location": location,
                }
            )
        return rows, errors

    @staticmethod
    def _point(feature, srid: int) -> Point | None:
        geom = feature.geom
        if geom is None:
            return None
        kind = geom.geom_type.name.replace("25D", "")
        if kind not in ("Point", "Polygon", "MultiPolygon"):
            return None
        try:
            geos = GEOSGeometry(geom.wkb, srid=srid)
        except (GEOSException, GDALException, ValueError):
            return None
        if geos.empty or (kind != "Point" and not geos.valid):
            return None
        point = geos if kind == "Point" else geos.point_on_surface
        point = Point(point.x, point.y, srid=srid)  # 2D, whatever the file had
        return transformed(point, settings.SRID)
