"""Queue the digests of saved searches that are due, and delete expired alerts. Run it from the scheduler
(hourly is fine: each alert gets at most one digest per day or week)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from alerts.digests import send_digests


class Command(BaseCommand):
    help = "Queue one digest per address and frequency of new listings matching saved searches."

    def handle(self, *args, **options) -> None:
        result = send_digests()
        self.stdout.write(
            f"{result.digests} digest(s) queued with {result.listings} listing(s); "
            f"{result.deleted} expired alert(s) deleted."
        )
        if result.failed_addresses:
            self.stderr.write(
                f"{len(result.failed_addresses)} digest(s) could not be queued; the next run retries."
            )
