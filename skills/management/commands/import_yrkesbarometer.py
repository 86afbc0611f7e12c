"""`manage.py import_yrkesbarometer FILE [--dry-run]`: Yrkesbarometer JSON → occupations and assessments."""

from __future__ import annotations

from django.core.management.base import CommandError

from brorebro.importing import ImportCommand, ImportError_
from skills.importing import YrkesbarometerImporter, read_yrkesbarometer_path


class Command(ImportCommand):
    help = (
        "Import Arbetsförmedlingen's Yrkesbarometer JSON (a list of objects with yb_yrke, ssyk, ssyk_text, "
        "lan, rekryteringssituation, jobbmojligheter, prognos, omgang). Keeps county 18 and the national "
        "reference 00, skips other counties; all or nothing. Problems name the item number (from 1)."
    )
    importer_class = YrkesbarometerImporter

    def read_source(self, path, options):
        return read_yrkesbarometer_path(path)

    def handle(self, *args, **options):
        # As the core ImportCommand, but also says how many items of other counties were skipped.
        try:
            source = self.read_source(options["file"], options)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        importer = self.importer_class(user=self.get_user(options.get("user")), dry_run=options["dry_run"])
        report = importer.run(source)
        self.print_report(report, verbosity=options["verbosity"])
        if importer.skipped:
            self.stdout.write(f"Skipped {importer.skipped} item(s) for other counties.")
        if not report.ok:
            raise CommandError(report.summary())
