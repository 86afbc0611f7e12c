"""When a digest's e-mail finally fails, undo it, so the next `send_search_alerts` reports the listings again."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from alerts.models import AlertHit, SavedSearch
from brorebro.mail.models import email_failed


@receiver(email_failed)
def undo_failed_digest(sender, message, **kwargs) -> None:
    with transaction.atomic():
        hits = AlertHit.objects.filter(email=message)
        earliest: dict[int, object] = {}
        for alert_id, previous in hits.values_list("alert_id", "previous_checked_until"):
            earliest[alert_id] = min(previous, earliest.get(alert_id, previous))
        for alert_id, previous in earliest.items():
            # Due again at the next run, from where the failed digest started.
            SavedSearch.objects.filter(pk=alert_id).update(checked_until=previous, last_digest_at=None)
        hits.delete()
