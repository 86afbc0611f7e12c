"""manage.py import_kolada FILE [--dry-run]: official NKI figures from a Kolada API document."""

from __future__ import annotations

from brorebro.importing import ImportCommand
from surveys.importing import KoladaImporter, read_kolada


class Command(ImportCommand):
    help = (
        "Import official NKI figures (national average, county, municipalities) from a Kolada API "
        "JSON document, or a list of pages of them, into published results. KPI ids are mapped to "
        "authority areas in the admin (Kolada KPI mappings). Entries with a null value are skipped; "
        "problems are reported by entry number. All or nothing."
    )
    importer_class = KoladaImporter
    reader = staticmethod(read_kolada)
