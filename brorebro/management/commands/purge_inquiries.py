"""Anonymise (or delete) inquiries older than the retention period. Safe to run daily."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from brorebro.models import Inquiry


class Command(BaseCommand):
    help = "Anonymise inquiries older than INQUIRY_RETENTION_MONTHS (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=settings.INQUIRY_RETENTION_MONTHS)
        parser.add_argument("--delete", action="store_true", help="delete instead of anonymising")

    def handle(self, *args, **options):
        old = Inquiry.objects.older_than(options["months"])
        if options["delete"]:
            count, _ = old.delete()
            self.stdout.write(f"Deleted {count} inquiries.")
            return
        count = old.filter(anonymised_at__isnull=True).update(
            name="–",
            company="",
            email="anonymised@invalid",
            phone="",
            message="–",
            officer_notes="",
            anonymised_at=timezone.now(),
        )
        self.stdout.write(f"Anonymised {count} inquiries.")
