"""The delivery task that `manage.py db_worker` runs for every queued message."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from brorebro.mail.models import OutgoingEmail, Status, email_failed

logger = logging.getLogger(__name__)


@task()
def deliver_email(message_id: int) -> str:
    """Send one queued message; on failure, schedule the next attempt or give up.

    A message already sent (a task run twice after a worker crash) is not sent again.
    """
    with transaction.atomic():
        message = OutgoingEmail.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Status.QUEUED:
            return "nothing to do"
        try:
            message.as_message().send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - SMTP, DNS, TLS, socket: all mean "not sent"
            return _failed(message, error)
        message.status = Status.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.last_error = ""
        message.next_attempt_at = None
        message.save(update_fields=["status", "sent_at", "attempts", "last_error", "next_attempt_at"])
        return "sent"


@task()
def deliver_emails(message_ids: list[int]) -> int:
    """Give each message queued together by `send_emails` its own delivery task.

    The digest run that queued them inserts one row for all; here, in the worker, they are
    split so that each message is sent, retried and reported on its own, and one that fails
    in an unexpected way cannot hold up the others.
    """
    with transaction.atomic():
        for message_id in message_ids:
            deliver_email.enqueue(message_id)
    return len(message_ids)


def _failed(message: OutgoingEmail, error: Exception) -> str:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        message.status = Status.FAILED
        message.next_attempt_at = None
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.error("E-mail %s failed for good after %s attempts: %s", message.pk, message.attempts, error)
        email_failed.send(sender=OutgoingEmail, message=message)
        return "failed"
    message.next_attempt_at = timezone.now() + OutgoingEmail.retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    schedule(message)
    logger.warning(
        "E-mail %s not sent (attempt %s), next try at %s: %s",
        message.pk,
        message.attempts,
        message.next_attempt_at,
        error,
    )
    return "retry scheduled"


def schedule(message: OutgoingEmail) -> None:
    """Enqueue delivery at `message.next_attempt_at` (now when unset), in the caller's transaction."""
    if message.next_attempt_at and deliver_email.get_backend().supports_defer:
        deliver_email.using(run_after=message.next_attempt_at).enqueue(message.pk)
    elif message.next_attempt_at is None:
        deliver_email.enqueue(message.pk)
    # A backend without deferred tasks (the immediate one some tests use) cannot wait; the
    # message stays queued with its next attempt shown in the admin, to be sent again there.
