"""The abstract listing that premises and land plots share.

A listing belongs to one municipality, has a public business contact, a life cycle
(draft → published → let/sold/reserved → archived) and a freshness date: officers
confirm that it is still available, and a listing nobody has confirmed for
LISTING_HIDE_AFTER_DAYS leaves the public search.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brorebro.validators import validate_single_line


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RESERVED = "reserved", _("Reserved")
    LET = "let", _("Let")
    SOLD = "sold", _("Sold")
    ARCHIVED = "archived", _("Archived")


class ListingQuerySet(models.QuerySet):
    def with_last_confirmed(self) -> ListingQuerySet:
        return self.annotate(last_confirmed_at=Coalesce("confirmed_at", "published_at", "created_at"))

    def published(self) -> ListingQuerySet:
        return self.filter(status=ListingStatus.PUBLISHED)

    def visible(self, now=None) -> ListingQuerySet:
        """What the public sees: published and confirmed recently enough."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.LISTING_HIDE_AFTER_DAYS)
        return self.published().with_last_confirmed().filter(last_confirmed_at__gte=cutoff)

    def needs_confirmation(self, now=None) -> ListingQuerySet:
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.LISTING_FLAG_AFTER_DAYS)
        return self.published().with_last_confirmed().filter(last_confirmed_at__lt=cutoff)

    def expired(self, now=None) -> ListingQuerySet:
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.LISTING_HIDE_AFTER_DAYS)
        return self.published().with_last_confirmed().filter(last_confirmed_at__lt=cutoff)

    def hidden_within(self, days: int, now=None) -> ListingQuerySet:
        """Published listings that leave the public search within `days` unless confirmed,
        and those that have already left it (`expired`)."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.LISTING_HIDE_AFTER_DAYS - days)
        return self.published().with_last_confirmed().filter(last_confirmed_at__lt=cutoff)

    def for_user(self, user) -> ListingQuerySet:
        from brorebro.models import Municipality

        return self.filter(municipality__in=Municipality.objects.for_user(user))


class Authored(models.Model):
    """When a record was created and last changed, and by whom (set by the admin)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True


class Listing(Authored):
    municipality = models.ForeignKey(
        "brorebro.Municipality",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("municipality"),
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=64,
        validators=[validate_single_line],
        help_text=_("The municipality's own id for the listing; unique per municipality."),
    )
    contact_name = models.CharField(
        _("contact name"), max_length=120, blank=True, validators=[validate_single_line]
    )
    contact_organisation = models.CharField(
        _("contact organisation"), max_length=160, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("last confirmed"),
        null=True,
        blank=True,
        help_text=_("When an officer last confirmed that the listing is still available."),
    )
    objects = ListingQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._stamp_status_change()
        super().save(*args, **kwargs)
        self._stored_status = self.status

    # --- life cycle. Every path that changes a status (admin form, list edit, actions,
    # imports, history revert, scheduled jobs) ends in save(), and save() applies the one
    # rule in `_stamp_status_change`: so a listing set to published by any path is visible.
    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        if "status" in obj.__dict__:  # not when the status column was deferred
            obj._stored_status = obj.status
        return obj

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        if "status" in self.__dict__:
            self._stored_status = self.status

    def _status_in_database(self) -> str | None:
        """The stored status: known when the listing was loaded, else read (None: no row)."""
        if hasattr(self, "_stored_status"):
            return self._stored_status
        # Built in memory rather than loaded, e.g. a past version being reverted in the
        # admin's history, or a record re-created by a revert after it was deleted.
        return type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    def _stamp_status_change(self, now=None) -> None:
        """Becoming published (again) counts as confirming that the listing is available.

        A listing is "becoming published" when it is new and published, or when its stored
        status was anything else (draft, archived, let, ...). `published_at` is the first
        publication and is kept; `confirmed_at` is refreshed so the freshness rule does not
        hide a listing the moment an officer re-publishes it.
        """
        if self.status != ListingStatus.PUBLISHED:
            return
        now = now or timezone.now()
        if self._state.adding:
            # A new listing may bring its own dates (demo data, a re-created record).
            self.published_at = self.published_at or now
            self.confirmed_at = self.confirmed_at or self.published_at
            return
        if self._status_in_database() == ListingStatus.PUBLISHED:
            return  # already published: only an explicit confirm() refreshes the date
        self.published_at = self.published_at or now
        self.confirmed_at = now

    def set_status(self, status: str, user=None) -> None:
        """Change the status and save (the change history records who did it)."""
        self.status = status
        self._save_by(user)

    def publish(self, user=None) -> None:
        """Publish, or confirm a listing that is already published."""
        if self.status == ListingStatus.PUBLISHED:
            self.confirm(user=user)
        else:
            self.set_status(ListingStatus.PUBLISHED, user=user)

    def confirm(self, user=None) -> None:
        self.confirmed_at = timezone.now()
        self._save_by(user)

    def archive(self, user=None) -> None:
        self.set_status(ListingStatus.ARCHIVED, user=user)

    def _save_by(self, user) -> None:
        if user is not None and user.is_authenticated:
            self.updated_by = user
        self.save()

    @property
    def last_confirmed(self):
        return self.confirmed_at or self.published_at or self.created_at

    @property
    def hidden_from(self):
        """When the listing leaves (or left) the public search unless it is confirmed."""
        if self.last_confirmed is None:
            return None
        return self.last_confirmed + timedelta(days=settings.LISTING_HIDE_AFTER_DAYS)

    @property
    def needs_confirmation(self) -> bool:
        if self.status != ListingStatus.PUBLISHED or self.last_confirmed is None:
            return False
        return self.last_confirmed < timezone.now() - timedelta(days=settings.LISTING_FLAG_AFTER_DAYS)
