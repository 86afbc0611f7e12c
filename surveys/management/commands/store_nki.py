"""manage.py store_nki: compute and store every round's NKI units now (after a bulk load, or from cron).

The NKI pages and the export read the stored units; they recompute them themselves
when survey data have changed, so this only moves that work out of a visitor's request.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from surveys import nki


class Command(BaseCommand):
    help = "Compute and store the NKI of every round, unit and area (skipped when already current)."

    def handle(self, *args, **options):
        if nki.store():
            self.stdout.write("Stored the NKI results.")
        else:
            self.stdout.write("The stored NKI results are already current.")
