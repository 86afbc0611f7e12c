"""Load the municipalities and every app's demo data. Safe to run more than once.

Apps contribute demo data through their own `demo_<app>` commands; this command
finds them by name, so the core does not import the apps.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from brorebro.models import Municipality

DEMO_ORDER = ["demo_premises", "demo_land", "demo_surveys", "demo_skills"]
SHARED_BOUNDARIES = settings.BASE_DIR.parent / "shared" / "data" / "orebro_lan_municipalities.geojson"


class Command(BaseCommand):
    help = "Load the 12 municipalities of Örebro County and the demo listings, survey and programmes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--boundaries",
            default=str(SHARED_BOUNDARIES),
            help="GeoJSON with municipality boundaries, loaded when present",
        )

    def handle(self, *args, **options):
        if not Municipality.objects.exists():
            call_command("loaddata", "municipalities", verbosity=0)
            self.stdout.write("Loaded the 12 municipalities.")
        boundaries = Path(options["boundaries"])
        if boundaries.exists() and Municipality.objects.filter(boundary__isnull=True).exists():
            call_command("import_municipality_boundaries", str(boundaries), skip_unknown=True)
        available = get_commands()
        for name in DEMO_ORDER:
            if name in available:
                call_command(name, verbosity=options["verbosity"])
