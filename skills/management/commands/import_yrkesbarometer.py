"""`manage.py import_yrkesbarometer FILE [--dry-run]`: Yrkesbarometer JSON → occupations and assessments."""

from __future__ import annotations

from brorebro.importing import ImportCommand
from skills.importing import YrkesbarometerImporter, read_yrkesbarometer_bytes


class Command(ImportCommand):
    help = (
        "Import Arbetsförmedlingen's Yrkesbarometer JSON (a list of objects with yb_yrke, ssyk, ssyk_text, "
        "lan, rekryteringssituation, jobbmojligheter, prognos, omgang). Keeps county 18 and the national "
        "reference 00, skips other counties; all or nothing. Problems name the item number (from 1)."
    )
    importer_class = YrkesbarometerImporter
    reader = staticmethod(read_yrkesbarometer_bytes)
