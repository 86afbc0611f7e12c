"""Delete sent and failed e-mails from the queue after MAIL_KEEP_DAYS: they hold personal data
(inquiries, addresses) that the records they came from keep for as long as needed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from brorebro.mail.models import OutgoingEmail, Status


class Command(BaseCommand):
    help = "Delete sent and failed outgoing e-mails older than MAIL_KEEP_DAYS."

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - timedelta(days=settings.MAIL_KEEP_DAYS)
        deleted, _by_model = OutgoingEmail.objects.filter(
            status__in=[Status.SENT, Status.FAILED], created_at__lt=cutoff
        ).delete()
        self.stdout.write(f"{deleted} outgoing e-mail(s) deleted.")
