"""manage.py import_land FILE [--layer NAME] [--mapping FILE] [--dry-run] [--user NAME]"""

from __future__ import annotations

from django.core.management.base import CommandError

from brorebro.importing import ImportCommand, ImportError_, Source
from land.importing import LandPlotImporter, read_gis, read_mapping


class Command(ImportCommand):
    help = (
        "Import land plots from a GeoJSON, GeoPackage or zipped Shapefile. The CRS is taken from "
        "the file (3006, 3007–3018 or 4326), or from --srid when it declares none. All features are imported, or none."
    )
    importer_class = LandPlotImporter

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--layer", help="the layer to read, when the file has several")
        parser.add_argument(
            "--mapping", help='JSON file {"field": "attribute"} for attributes not named like the fields'
        )
        parser.add_argument(
            "--srid",
            type=int,
            help="EPSG code of a file that declares no coordinate system (a Shapefile without .prj), e.g. 3006",
        )

    def read_source(self, path: str, options) -> Source:
        return read_gis(path, layer=options.get("layer"), srid=options.get("srid"))

    def importer_kwargs(self, options) -> dict:
        if not options.get("mapping"):
            return {}
        try:
            return {"mapping": read_mapping(options["mapping"])}
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
