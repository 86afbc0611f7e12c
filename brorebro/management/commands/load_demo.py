"""Load the municipalities and every app's demo data. Safe to run more than once.

Apps contribute demo data through their own `demo_<app>` commands; this command
finds them by name, so the core does not import the apps.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from brorebro.models import Municipality

DEMO_ORDER = ["demo_premises", "demo_land", "demo_surveys", "demo_skills"]
# The twelve simplified boundaries ship with the product (CC0, see fixtures/README.md), so a
# fresh clone has its county map and checks positions against the boundaries.
COUNTY_BOUNDARIES = settings.BASE_DIR / "fixtures" / "orebro_lan_municipalities.geojson"


class Command(BaseCommand):
    help = "Load the 12 municipalities of Örebro County and the demo listings, survey and programmes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--boundaries",
            default=str(COUNTY_BOUNDARIES),
            help="GIS file with municipality boundaries (default: the county's, shipped in fixtures/)",
        )

    def handle(self, *args, **options):
        if not Municipality.objects.exists():
            call_command("loaddata", "municipalities", verbosity=0)
            self.stdout.write("Loaded the 12 municipalities.")
        # A missing file is an error (the importer says so), never a county without a map.
        if Municipality.objects.filter(boundary__isnull=True).exists():
            call_command("import_municipality_boundaries", options["boundaries"], skip_unknown=True)
        available = get_commands()
        for name in DEMO_ORDER:
            if name in available:
                call_command(name, verbosity=options["verbosity"])
