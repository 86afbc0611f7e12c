"""Match every open establishment case again, so who sees a case follows its matches.

A case is matched when it comes in and whenever a listing is saved, but a match can also
appear or go without a save (a landmark moves, a listing is hidden for want of
confirmation, an officer edits the request). Run daily from the scheduler, after
`expire_stale_listings`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from establishment.cases import rematch
from establishment.models import EstablishmentRequest


class Command(BaseCommand):
    help = "Match every open establishment case again and update the municipalities it concerns."

    def handle(self, *args, **options):
        added = removed = 0
        cases = EstablishmentRequest.objects.open().prefetch_related("municipalities")
        for case in cases:
            with transaction.atomic():
                plus, minus = rematch(case)
            added += len(plus)
            removed += len(minus)
        self.stdout.write(
            f"Matched {len(cases)} open cases again: {added} municipalities added, {removed} removed."
        )
