"""Anonymise the personal data of establishment cases closed more than the retention period ago.

The same scheduled job family and the same period as `purge_inquiries`
(INQUIRY_RETENTION_MONTHS, default 24 months), counted from when the case closed. The
company's page stops answering with it. Safe to run daily.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from establishment.models import EstablishmentRequest


class Command(BaseCommand):
    help = "Anonymise establishment cases closed more than INQUIRY_RETENTION_MONTHS ago (default 24)."

    def handle(self, *args, **options):
        count = 0
        for case in EstablishmentRequest.objects.due_for_anonymising():
            with transaction.atomic():
                case.anonymise()
            count += 1
        self.stdout.write(f"Anonymised {count} establishment cases.")
