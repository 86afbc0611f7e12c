"""Saved searches: an e-mail address, one search's query string, a frequency and a language.

An alert sends nothing until its address is confirmed (double opt-in). `AlertHit` remembers
every listing an alert has reported, so no listing is reported twice by the same alert.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from alerts.searches import SEARCHES, Search, SectionKey


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")

    @property
    def interval(self) -> timedelta:
        # A little under a day or a week, so a scheduler that starts a few minutes
        # early or late does not skip a digest.
        return timedelta(hours=23) if self == Frequency.DAILY else timedelta(days=6, hours=23)


def normalise_email(address: str) -> str:
    return address.strip().lower()


class SavedSearchQuerySet(models.QuerySet):
    def for_email(self, address: str) -> SavedSearchQuerySet:
        return self.filter(email=normalise_email(address))

    def confirmed(self) -> SavedSearchQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def due(self, now=None) -> SavedSearchQuerySet:
        """Confirmed alerts whose frequency says a digest is due."""
        now = now or timezone.now()
        # The first digest goes out as soon as there is something; later ones a day or a week apart.
        due = models.Q(last_digest_at__isnull=True)
        for frequency in Frequency:
            due |= models.Q(frequency=frequency, last_digest_at__lte=now - frequency.interval)
        return self.confirmed().filter(due)

    def expired(self, now=None) -> SavedSearchQuerySet:
        """Unconfirmed after ALERT_CONFIRM_DAYS, or no confirmed activity for ALERT_RETENTION_MONTHS."""
        now = now or timezone.now()
        unconfirmed = models.Q(
            confirmed_at__isnull=True, created_at__lt=now - timedelta(days=settings.ALERT_CONFIRM_DAYS)
        )
        inactive = models.Q(
            confirmed_at__isnull=False,
            active_at__lt=now - timedelta(days=30 * settings.ALERT_RETENTION_MONTHS),
        )
        return self.filter(unconfirmed | inactive)


class SavedSearch(models.Model):
    email = models.EmailField(_("e-mail address"))
    section = models.CharField(_("search"), max_length=10, choices=SectionKey.choices)
    query = models.TextField(_("query string"), blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    active_at = models.DateTimeField(
        _("last confirmed activity"),
        default=timezone.now,
        help_text=_("Confirming, or opening the management page; deleted after 12 months without it."),
    )
    checked_until = models.DateTimeField(
        _("checked until"),
        default=timezone.now,
        help_text=_("Listings changed after this are looked at by the next digest."),
    )

    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["email", "created_at"]
        indexes = [
            models.Index(fields=["email"], name="alerts_email_idx"),
            models.Index(fields=["confirmed_at", "frequency", "last_digest_at"], name="alerts_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_section_display()} ?{self.query}"

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def search(self) -> Search:
        return SEARCHES[SectionKey(self.section)]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def search_path(self) -> str:
        """The search page of this alert, in its language, with its query string."""
        with translation.override(self.language):
            path = reverse(self.search.index_url_name)
        return f"{path}?{self.query}" if self.query else path

    def describe(self) -> list[tuple[str, str]]:
        # Kept per language: a digest renders it twice (text and HTML), and each call builds a FilterSet.
        cache = self.__dict__.setdefault("_described", {})
        language = translation.get_language()
        if language not in cache:
            # The digests give the alerts they render the FilterSet they matched with (`filterset`).
            filterset = getattr(self, "filterset", None)
            if filterset is not None:
                cache[language] = self.search.describe_filterset(filterset)
            else:
                cache[language] = self.search.describe(self.query)
        return cache[language]

    def confirm(self, now=None) -> None:
        now = now or timezone.now()
        if self.confirmed_at is None:
            # Listings changed before confirmation are not news to this alert.
            self.confirmed_at = self.checked_until = now
        self.active_at = now
        self.save(update_fields=["confirmed_at", "checked_until", "active_at"])


class AlertHit(models.Model):
    """A listing an alert has reported (or is reporting in a queued digest)."""

    alert = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    listing_id = models.PositiveBigIntegerField()
    # The alert's `checked_until` before this digest, to go back to if the digest's
    # e-mail finally fails; and that e-mail.
    previous_checked_until = models.DateTimeField()
    email = models.ForeignKey("mail.OutgoingEmail", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "listing_id"], name="alerts_hit_once")]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.listing_id}"
