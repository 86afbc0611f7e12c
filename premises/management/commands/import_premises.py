"""`manage.py import_premises FILE [--dry-run] [--user USERNAME]`: see README, "Premises import format"."""

from brorebro.importing import ImportCommand
from premises.importing import PremisesImporter


class Command(ImportCommand):
    help = "Import premises from CSV (comma or semicolon separated, UTF-8) or XLSX. All rows or none."
    importer_class = PremisesImporter
