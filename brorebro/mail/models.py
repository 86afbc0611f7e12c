"""The outgoing e-mail queue's record of each message: what to send, and how delivery went."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Sent once when a message is given up on (after MAIL_MAX_ATTEMPTS), with `message`: an app
# that marked something as done when it queued the message can undo that here.
email_failed = Signal()


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingEmail(models.Model):
    recipients = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="mail_status_created_idx")]

    def __str__(self) -> str:
        return self.subject

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(self.recipients),
            headers=dict(self.headers),
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message

    @staticmethod
    def retry_delay(attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure: MAIL_RETRY_SECONDS, doubling each time."""
        return timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
