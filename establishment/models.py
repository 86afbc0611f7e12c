"""Establishment requests: what a company needs, and the case the region runs to answer it.

An `EstablishmentRequest` is both the company's request (what it needs, who asks) and the
officers' case (status, assigned officer, proposal, outcome). It holds personal data: the
contact person's name, e-mail and phone, and the free text. Only regional administrators and
the officers of the municipalities the case concerns see it (`concerned_municipalities`, the
many-to-many scope of the case admin); `anonymise()` removes the personal data, which
`purge_establishment_requests` does 24 months after a case closes.

The company reaches its request only through `token`, an unguessable URL part that can be
revoked and that stops working when the personal data is anonymised.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brorebro.models import Municipality
from brorebro.validators import validate_single_line
from land.models import LandPlot
from premises.models import MAX_AREA_M2, MAX_PRICE, MAX_RENT, Premises

MAX_DISTANCE_KM = 500
MAX_JOBS = 100_000


def new_token() -> str:
    """43 URL-safe characters from 32 random bytes: not guessable, not enumerable."""
    return secrets.token_urlsafe(32)


def retention_period() -> timedelta:
    """How long personal data is kept after a case closes: INQUIRY_RETENTION_MONTHS (default 24),
    the same period and the same month length as for inquiries."""
    return timedelta(days=round(settings.INQUIRY_RETENTION_MONTHS * 30.44))


def retention_cutoff(now=None):
    """Cases closed before this lose their personal data."""
    return (now or timezone.now()) - retention_period()


class Wants(models.TextChoices):
    PREMISES = "premises", _("Premises")
    LAND = "land", _("Land")
    EITHER = "either", _("Premises or land")


class TenureWanted(models.TextChoices):
    RENT = "rent", _("Rent")
    BUY = "buy", _("Buy")
    EITHER = "either", _("Rent or buy")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PROPOSAL_SENT = "proposal_sent", _("Proposal sent")
    SITE_VISIT = "site_visit", _("Site visit")
    ESTABLISHED = "established", _("Established")
    NOT_ESTABLISHED = "not_established", _("Not established")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATUSES = [CaseStatus.ESTABLISHED, CaseStatus.NOT_ESTABLISHED, CaseStatus.WITHDRAWN]
# Where a case may go next. A closed case may be reopened (a company comes back).
TRANSITIONS = {
    CaseStatus.NEW: [CaseStatus.IN_PROGRESS, CaseStatus.WITHDRAWN],
    CaseStatus.IN_PROGRESS: [CaseStatus.PROPOSAL_SENT, CaseStatus.NOT_ESTABLISHED, CaseStatus.WITHDRAWN],
    CaseStatus.PROPOSAL_SENT: [
        CaseStatus.SITE_VISIT,
        CaseStatus.IN_PROGRESS,
        CaseStatus.ESTABLISHED,
        CaseStatus.NOT_ESTABLISHED,
        CaseStatus.WITHDRAWN,
    ],
    CaseStatus.SITE_VISIT: [
        CaseStatus.ESTABLISHED,
        CaseStatus.NOT_ESTABLISHED,
        CaseStatus.PROPOSAL_SENT,
        CaseStatus.WITHDRAWN,
    ],
    CaseStatus.ESTABLISHED: [CaseStatus.IN_PROGRESS],
    CaseStatus.NOT_ESTABLISHED: [CaseStatus.IN_PROGRESS],
    CaseStatus.WITHDRAWN: [CaseStatus.IN_PROGRESS],
}

# The personal data of a request: what `anonymise()` clears and the history never records.
PERSONAL_FIELDS = ["contact_name", "contact_email", "contact_phone", "free_text"]


class EstablishmentRequestQuerySet(models.QuerySet):
    def open(self) -> EstablishmentRequestQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES).filter(anonymised_at__isnull=True)

    def due_for_anonymising(self, now=None) -> EstablishmentRequestQuerySet:
        return self.filter(
            status__in=CLOSED_STATUSES, closed_at__lt=retention_cutoff(now), anonymised_at__isnull=True
        )


class EstablishmentRequest(models.Model):
    """A company's request, and the case that answers it."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=5, default="sv")

    # --- who asks
    company_name = models.CharField(_("company"), max_length=160, validators=[validate_single_line])
    company_country = models.CharField(
        _("country"), max_length=80, default="Sverige", validators=[validate_single_line]
    )
    org_number = models.CharField(
        _("organisation number"), max_length=40, blank=True, validators=[validate_single_line]
    )
    contact_name = models.CharField(_("contact person"), max_length=120, validators=[validate_single_line])
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_single_line])
    via_consultant = models.BooleanField(_("a consultant asks on the company's behalf"), default=False)

    # --- what it needs
    wants = models.CharField(_("looking for"), max_length=10, choices=Wants.choices, default=Wants.EITHER)
    premises_kinds = models.JSONField(_("kinds of premises"), default=list, blank=True)
    land_purposes = models.JSONField(_("land purposes"), default=list, blank=True)
    area_min_m2 = models.PositiveIntegerField(
        _("premises area from (m²)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AREA_M2)]
    )
    area_max_m2 = models.PositiveIntegerField(
        _("premises area to (m²)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AREA_M2)]
    )
    land_area_min_ha = models.DecimalField(
        _("land area from (ha)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    land_area_max_ha = models.DecimalField(
        _("land area to (ha)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    tenure = models.CharField(
        _("rent or buy"), max_length=6, choices=TenureWanted.choices, default=TenureWanted.EITHER
    )
    rent_budget = models.PositiveIntegerField(
        _("highest rent (SEK per m² and year)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_RENT)],
    )
    price_budget = models.PositiveBigIntegerField(
        _("highest price for premises (SEK)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PRICE)],
    )
    land_price_budget = models.PositiveIntegerField(
        _("highest land price (SEK per m²)"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="+",
        blank=True,
        verbose_name=_("municipalities of interest"),
    )
    amenities = models.JSONField(_("must-have amenities"), default=list, blank=True)
    nice_amenities = models.JSONField(_("nice-to-have amenities"), default=list, blank=True)
    land_rail = models.BooleanField(_("rail siding possible"), default=False)
    land_water_sewer = models.BooleanField(_("water and sewer"), default=False)
    land_min_kw = models.PositiveIntegerField(
        _("electricity at least (kW)"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    max_km_motorway = models.DecimalField(
        _("longest distance to a motorway junction (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DISTANCE_KM)],
    )
    max_km_rail_terminal = models.DecimalField(
        _("longest distance to a rail terminal (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DISTANCE_KM)],
    )
    max_km_airport = models.DecimalField(
        _("longest distance to an airport (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DISTANCE_KM)],
    )
    jobs = models.PositiveIntegerField(
        _("jobs created"), null=True, blank=True, validators=[MaxValueValidator(MAX_JOBS)]
    )
    free_text = models.TextField(_("more about the need"), max_length=5000, blank=True)
    notify_new_matches = models.BooleanField(_("e-mail me about new matches"), default=False)
    consent = models.BooleanField(_("consent to the handling of personal data"), default=False)

    # --- the case
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    concerned_municipalities = models.ManyToManyField(
        Municipality,
        related_name="establishment_cases",
        blank=True,
        verbose_name=_("municipalities concerned"),
        help_text=_("Chosen by the company, or with a matching listing. Their officers see the case."),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    proposal_published_at = models.DateTimeField(_("proposal published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("company page revoked"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    # --- the outcome, when established
    established_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established in"),
    )
    established_where = models.CharField(
        _("established where"), max_length=200, blank=True, validators=[validate_single_line]
    )
    established_jobs = models.PositiveIntegerField(
        _("jobs at establishment"), null=True, blank=True, validators=[MaxValueValidator(MAX_JOBS)]
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)

    # The personal data is never copied into the history, so anonymising clears it everywhere.
    history = HistoricalRecords(excluded_fields=[*PERSONAL_FIELDS, "token", "updated_at"])
    objects = EstablishmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("establishment case")
        verbose_name_plural = _("establishment cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_min_m2__isnull=True)
                | Q(area_max_m2__isnull=True)
                | Q(area_max_m2__gte=models.F("area_min_m2")),
                name="establishment_area_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="establishment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        # The close date follows the status on every path (admin, demo, scripts): set when
        # the case closes (the retention counts from it), cleared when it is reopened.
        if self.status in CLOSED_STATUSES and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status not in CLOSED_STATUSES:
            self.closed_at = None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("establishment:case", args=[self.token])

    # --- the company's page
    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at", "updated_at"])

    @property
    def proposal_is_published(self) -> bool:
        return self.proposal_published_at is not None

    # --- the case
    def clean(self) -> None:
        super().clean()
        if (
            self.area_min_m2 is not None
            and self.area_max_m2 is not None
            and self.area_max_m2 < self.area_min_m2
        ):
            raise ValidationError({"area_max_m2": _("“Area to” must be at least “Area from”.")})
        if self.status == CaseStatus.ESTABLISHED:
            missing = {
                name: _("Record this when the case ends as established.")
                for name in ("established_municipality", "established_jobs", "established_on")
                if getattr(self, name) in (None, "")
            }
            if missing:
                raise ValidationError(missing)

    def publish_proposal(self, now=None) -> None:
        """The coordinator sends the proposal: the company's page shows it from now on."""
        now = now or timezone.now()
        self.proposal_published_at = now
        if self.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS):
            self.status = CaseStatus.PROPOSAL_SENT  # save() keeps the close date in step
        self.save()

    def anonymise(self, now=None) -> None:
        self.contact_name = "–"
        self.contact_email = "anonymised@invalid"
        self.contact_phone = ""
        self.free_text = ""
        self.org_number = ""
        self.anonymised_at = now or timezone.now()
        self.save()
        self.notes.update(text="–")


class Recruitment(models.Model):
    """An occupation the company must recruit, with a head count."""

    request = models.ForeignKey(EstablishmentRequest, on_delete=models.CASCADE, related_name="recruitments")
    occupation = models.ForeignKey(
        "skills.Occupation", on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation")
    )
    head_count = models.PositiveIntegerField(
        _("people"), validators=[MinValueValidator(1), MaxValueValidator(MAX_JOBS)]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("occupation to recruit")
        verbose_name_plural = _("occupations to recruit")

    def __str__(self) -> str:
        return f"{self.occupation} × {self.head_count}"


class CaseNote(models.Model):
    """An internal note on a case. Notes are added, never edited: the list is the history."""

    case = models.ForeignKey(EstablishmentRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class ProposalItem(models.Model):
    """One listing an officer proposes for the case, with a note to the company."""

    case = models.ForeignKey(EstablishmentRequest, on_delete=models.CASCADE, related_name="proposal_items")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        editable=False,
    )
    premises = models.ForeignKey(
        Premises,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("premises"),
    )
    land_plot = models.ForeignKey(
        LandPlot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("land plot"),
    )
    note = models.TextField(_("note to the company"), max_length=3000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposed listing")
        verbose_name_plural = _("proposal")
        constraints = [
            models.CheckConstraint(
                condition=(Q(premises__isnull=False) & Q(land_plot__isnull=True))
                | (Q(premises__isnull=True) & Q(land_plot__isnull=False)),
                name="establishment_proposal_one_listing",
            ),
        ]

    def __str__(self) -> str:
        return str(self.listing)

    def save(self, *args, **kwargs):
        listing = self.listing
        if listing is not None:
            self.municipality_id = listing.municipality_id
        super().save(*args, **kwargs)

    @property
    def listing(self):
        return self.premises or self.land_plot

    def clean(self) -> None:
        super().clean()
        if (self.premises_id is None) == (self.land_plot_id is None):
            raise ValidationError(_("Choose either premises or a land plot."))


class KnownMatch(models.Model):
    """A listing that matched a case, and when it was first seen to match.

    Written on submission (all matches then) and whenever a listing is published or changed
    and now matches an open case: those are the case's new matches.
    """

    case = models.ForeignKey(EstablishmentRequest, on_delete=models.CASCADE, related_name="known_matches")
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    land_plot = models.ForeignKey(LandPlot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    first_seen_at = models.DateTimeField(default=timezone.now)
    is_new = models.BooleanField(default=False)

    class Meta:
        ordering = ["-first_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "premises"], name="establishment_known_premises_unique"),
            models.UniqueConstraint(fields=["case", "land_plot"], name="establishment_known_land_unique"),
        ]

    def __str__(self) -> str:
        return str(self.premises or self.land_plot)

    @property
    def listing(self):
        return self.premises or self.land_plot
