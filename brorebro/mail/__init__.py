"""Every e-mail the portal sends goes through `send_email`: queued in the database, delivered by a worker.

`send_email` stores an `OutgoingEmail` and enqueues its delivery task (django-tasks with the
database backend of django-tasks-db) in the caller's transaction: an inquiry and the e-mail
about it are committed together or not at all, and the request never waits for SMTP. The
worker (`manage.py db_worker`) sends it; a failure is tried again with a doubling delay up to
`MAIL_MAX_ATTEMPTS`, then the message is marked failed and shown in the admin, where it can
be sent again.

This is a Django app of its own (label "mail") so that the queue's table has its own
migrations beside the core's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction


def send_email(
    to: Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    purpose: str = "",
):
    """Queue one message to `to` (text, plus an HTML alternative when given); returns the `OutgoingEmail`.

    `purpose` names what the message is for ("inquiry", "alert-confirmation", ...), for the
    admin and for code that must react when a message finally fails (`email_failed`).
    """
    from brorebro.mail.models import OutgoingEmail
    from brorebro.mail.tasks import deliver_email

    with transaction.atomic():
        message = OutgoingEmail.objects.create(
            recipients=sorted(set(to)),
            subject=subject,
            text=text,
            html=html,
            headers=dict(headers or {}),
            purpose=purpose,
        )
        deliver_email.enqueue(message.pk)
    return message


def send_emails(messages: Iterable[Mapping]) -> list:
    """Queue many messages at once: one insert for them all and one task, which the worker
    splits into a delivery task per message (so each is sent, retried and reported on its own).

    Each mapping has the arguments of `send_email` (`to`, `subject`, `text`, and optionally
    `html`, `headers`, `purpose`). Returns the `OutgoingEmail`s in the same order.
    """
    from brorebro.mail.models import OutgoingEmail
    from brorebro.mail.tasks import deliver_emails

    rows = [
        OutgoingEmail(
            recipients=sorted(set(message["to"])),
            subject=message["subject"],
            text=message["text"],
            html=message.get("html", ""),
            headers=dict(message.get("headers") or {}),
            purpose=message.get("purpose", ""),
        )
        for message in messages
    ]
    if not rows:
        return []
    with transaction.atomic():
        rows = OutgoingEmail.objects.bulk_create(rows)
        deliver_emails.enqueue([row.pk for row in rows])
    return rows
