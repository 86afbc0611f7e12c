"""Load municipality boundaries from a GeoJSON file, a GeoPackage or a zipped Shapefile.

The file is opened only through `brorebro.gisfiles` (the format is decided from the
content, and GDAL never opens anything else). Features are matched to municipalities
by their four-digit code. The CRS comes from the file (4326 for a GeoJSON file that
declares none; --srid for a file without one). Every problem is reported, and a run
with a problem changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brorebro import gisfiles
from brorebro.importing import FieldError, ImportError_, excerpt, parse_municipality_code, path_bytes
from brorebro.models import Municipality


def _code(value) -> str:
    """The municipality code of a feature, by the importers' one rule ("1880.0" and "180" count)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return parse_municipality_code(str(value if value is not None else "").strip())
    except FieldError:
        return ""


class Command(BaseCommand):
    help = "Import municipality boundaries from a GIS file, matching features by code."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--code-field", default="id", help="attribute holding the code (default: id)")
        parser.add_argument("--layer", default=None, help="layer name (default: the only one)")
        parser.add_argument(
            "--srid", type=int, default=None, help="EPSG code of a file that declares no coordinate system"
        )
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="ignore features whose code is not a known municipality (for national files)",
        )

    def handle(self, *args, **options):
        try:
            data = path_bytes(options["file"])
            with gisfiles.open_gis(data, options["file"], layer=options["layer"]) as gis:
                updates, errors = self.read_boundaries(gis, options)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None

        for message in errors:
            self.stderr.write(message)
        if errors:
            raise CommandError(f"{len(errors)} problem(s); no boundary was changed.")
        with transaction.atomic():
            for municipality, geos in updates:
                municipality.boundary = geos
                municipality.save(update_fields=["boundary"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(updates)} boundaries."))

    def read_boundaries(self, gis: gisfiles.GisLayer, options) -> tuple[list, list[str]]:
        srid = gis.srid(options["srid"])
        known = {m.code: m for m in Municipality.objects.all()}
        field = options["code_field"]
        if field not in gis.layer.fields:
            raise CommandError(
                f"The file has no attribute {excerpt(field)!r}; its attributes are: "
                + gisfiles.names_list(gis.layer.fields)
            )
        errors: list[str] = []
        updates: list[tuple[Municipality, MultiPolygon]] = []
        for number, feature in enumerate(gis.features(), start=1):
            where = f"feature {number}"
            try:
                code = _code(feature.get(field))
            except (GDALException, IndexError, KeyError, UnicodeDecodeError):
                code = ""
            if not code:
                errors.append(f"{where}: no municipality code in attribute {field!r}")
                continue
            where = f"feature {number} (code {excerpt(code, 12)})"
            municipality = known.get(code)
            if municipality is None:
                if not options["skip_unknown"]:
                    errors.append(f"{where}: no municipality with this code")
                continue
            geom = feature.geom
            if geom is None or geom.geom_type.name.replace("25D", "") not in ("Polygon", "MultiPolygon"):
                errors.append(f"{where}: the geometry is not a polygon")
                continue
            if geom.is_3d or geom.is_measured:
                geom.set_3d(False)  # the boundary column is 2D
                geom.set_measured(False)
            try:
                geos = GEOSGeometry(geom.wkb, srid=srid)
            except (GEOSException, GDALException, ValueError):
                errors.append(f"{where}: the geometry cannot be read")
                continue
            if not geos.valid:
                errors.append(f"{where}: invalid geometry ({geos.valid_reason})")
                continue
            geos.transform(settings.SRID)
            if geos.geom_type == "Polygon":
                geos = MultiPolygon(geos, srid=settings.SRID)
            updates.append((municipality, geos))
        return updates, errors
