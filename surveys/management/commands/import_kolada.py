"""manage.py import_kolada FILE [--dry-run]: official NKI figures from a Kolada API document."""

from __future__ import annotations

from brorebro.importing import ImportCommand
from surveys.importing import KoladaImporter, read_kolada


class Command(ImportCommand):
    help = (
        "Import official NKI figures (national average, county, municipalities) from a Kolada API "
        "JSON document (v2 or v3), or a list of its pages, into published results. KPI ids are mapped "
        "to authority areas, for the survey years each mapping covers, in the admin (Kolada KPI "
        "mappings). Entries without a value are left out and named as warnings; a download whose "
        "last page links to a next page is refused unless --allow-partial. All or nothing."
    )
    importer_class = KoladaImporter
    reader = staticmethod(read_kolada)
