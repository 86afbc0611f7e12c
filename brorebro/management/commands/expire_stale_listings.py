"""Archive published listings that nobody has confirmed for LISTING_HIDE_AFTER_DAYS.

The public search already hides them at that age; this command makes the state
explicit for officers and is safe to run daily (a second run finds nothing to do).
It works on every concrete subclass of the core `Listing`, without importing the apps.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand

from brorebro.listings import Listing


class Command(BaseCommand):
    help = "Archive listings not confirmed for LISTING_HIDE_AFTER_DAYS days."

    def handle(self, *args, **options):
        for model in apps.get_models():
            if not issubclass(model, Listing):
                continue
            archived = 0
            for listing in model.objects.expired():
                listing.archive()
                archived += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {archived} archived.")
