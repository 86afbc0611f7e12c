"""Load the municipalities and every app's demo data. Safe to run more than once.

Each section in the registry (`brorebro.sections`) contributes its demo data through
its own `demo_<key>` command, run here in the order of the sections, so the core does
not import the apps and no list of apps is kept here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from brorebro.models import Municipality
from brorebro.sections import all_sections

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
        for section in all_sections():
            if section.demo_command in available:
                call_command(section.demo_command, verbosity=options["verbosity"])
