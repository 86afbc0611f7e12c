"""manage.py import_survey_responses FILE [--scale K] [--dry-run] [--user NAME]"""

from __future__ import annotations

from django.core.management.base import CommandError

from brorebro.importing import ImportCommand
from surveys.importing import RESPONSE_COLUMNS, ResponseImporter


class Command(ImportCommand):
    help = (
        "Import survey responses from CSV or XLSX, all or nothing. Header: "
        + ", ".join(RESPONSE_COLUMNS)
        + ". Empty cells are unanswered questions."
    )
    importer_class = ResponseImporter

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--scale",
            type=int,
            metavar="K",
            help="answers run 1..K; creates the round of a year that has none (otherwise an error)",
        )

    def importer_kwargs(self, options) -> dict:
        return {"scale": options.get("scale")}

    def handle(self, *args, **options):
        scale = options.get("scale")
        if scale is not None and not 2 <= scale <= 100:
            raise CommandError("--scale must be a whole number from 2 to 100.")
        return super().handle(*args, **options)
