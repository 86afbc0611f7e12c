"""Load municipality boundaries from any file GDAL reads (GeoJSON, GeoPackage, Shapefile).

Features are matched to municipalities by their four-digit code. The CRS comes from
the file (4326 when it declares none). Every problem is reported, and a run with a
problem changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.srs import SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brorebro.models import Municipality


class Command(BaseCommand):
    help = "Import municipality boundaries from a GIS file, matching features by code."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--code-field", default="id", help="attribute holding the code (default: id)")
        parser.add_argument("--layer", default=None, help="layer name (default: the first)")
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="ignore features whose code is not a known municipality (for national files)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            source = DataSource(str(path))
            layer = source[options["layer"]] if options["layer"] else source[0]
        except (GDALException, IndexError, KeyError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None

        srs = layer.srs or SpatialReference(4326)
        srid = srs.srid or 4326
        known = {m.code: m for m in Municipality.objects.all()}
        field = options["code_field"]
        errors: list[str] = []
        updates: list[tuple[Municipality, MultiPolygon]] = []
        for number, feature in enumerate(layer, start=1):
            where = f"feature {number}"
            try:
                code = str(feature.get(field) or "").strip()
            except (GDALException, IndexError, KeyError):
                code = ""
            if not code:
                errors.append(f"{where}: no municipality code in attribute {field!r}")
                continue
            where = f"feature {number} (code {code})"
            municipality = known.get(code)
            if municipality is None:
                if not options["skip_unknown"]:
                    errors.append(f"{where}: no municipality with this code")
                continue
            geom = feature.geom
            if geom is None or geom.geom_type.name.replace("25D", "") not in ("Polygon", "MultiPolygon"):
                errors.append(f"{where}: the geometry is not a polygon")
                continue
            geos = GEOSGeometry(geom.wkb, srid=srid)
            if not geos.valid:
                errors.append(f"{where}: invalid geometry ({geos.valid_reason})")
                continue
            geos.transform(settings.SRID)
            if geos.geom_type == "Polygon":
                geos = MultiPolygon(geos, srid=settings.SRID)
            updates.append((municipality, geos))

        for message in errors:
            self.stderr.write(message)
        if errors:
            raise CommandError(f"{len(errors)} problem(s); no boundary was changed.")
        with transaction.atomic():
            for municipality, geos in updates:
                municipality.boundary = geos
                municipality.save(update_fields=["boundary"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(updates)} boundaries."))
