"""Vacant premises (lediga lokaler): offices, shops, workshops, warehouses and more.

A `Premises` is a core `Listing` with a point, a floor area that may be divisible
(`area_min_m2`..`area_max_m2`), terms for rent or sale, amenities and photos. Query
rules that the search page, the GeoJSON endpoint and the CSV export share live on
`PremisesQuerySet`; which of them a request applies is decided by
`premises.filters.PremisesFilterSet`.

Amenities are one boolean column each, not a JSON list or a join table: "has all
of these" is then a plain AND of column tests, the same on PostGIS and SpatiaLite,
and the change history shows exactly which amenity changed. `Amenity` names the set.

This module imports `land.models.Landmark` (an app importing another, which DESIGN.md
allows only with a reason): the transport landmarks (motorway junctions, rail terminals,
airports) are one table that officers keep in the land admin, and premises are measured
against the same rows, so that a premises and a plot side by side report the same
distances. The distance rule itself is the core's (`brorebro.spatial.nearest_distance`,
`within_distance_of_any`), shared with land plots.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from brorebro import textsearch
from brorebro.i18n import localised
from brorebro.listings import Listing, ListingQuerySet, ListingStatus
from brorebro.spatial import ST_X, ST_Y, WGS84, nearest_distance, within_distance_of_any
from brorebro.uploads import (
    RandomName,
    move_to_new_name,
    reencode_image,
    thumbnail_of,
    validate_image_upload,
    validate_pdf_upload,
)
from brorebro.validators import validate_single_line
from land.models import Landmark

# Large enough for any real premises or price, small enough to catch a typo of ten zeros.
MAX_AREA_M2 = 1_000_000
MAX_RENT = 100_000
MAX_PRICE = 10_000_000_000
MAX_CLEAR_HEIGHT_M = 60
MAX_DOORS = 500
MAX_FLOOR_LOAD_KN_M2 = 1000
MAX_POWER_A = 10_000
MIN_YEAR_BUILT = 1000
MAX_YEAR_BUILT = 2100


class Kind(models.TextChoices):
    OFFICE = "office", _("Office")
    RETAIL = "retail", _("Retail")
    INDUSTRIAL = "industrial", _("Industry / production")
    WAREHOUSE = "warehouse", _("Warehouse / logistics")
    WORKSHOP = "workshop", _("Workshop")
    RESTAURANT = "restaurant", _("Restaurant / café")
    CARE = "care", _("Care")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Tenure(models.TextChoices):
    RENT = "rent", _("For rent")
    SALE = "sale", _("For sale")


class PremisesStatus(models.TextChoices):
    """The listing life cycle, without "reserved" (that is for land)."""

    DRAFT = ListingStatus.DRAFT.value, ListingStatus.DRAFT.label
    PUBLISHED = ListingStatus.PUBLISHED.value, ListingStatus.PUBLISHED.label
    LET = ListingStatus.LET.value, ListingStatus.LET.label
    SOLD = ListingStatus.SOLD.value, ListingStatus.SOLD.label
    ARCHIVED = ListingStatus.ARCHIVED.value, ListingStatus.ARCHIVED.label


class Amenity(models.TextChoices):
    """Each key is also a boolean field on `Premises`, named `amenity_field(key)`."""

    PARKING = "parking", _("Parking")
    LOADING_DOCK = "loading_dock", _("Loading dock")
    RAIL_SIDING = "rail_siding", _("Rail siding")
    FIBRE = "fibre", _("Fibre")
    LIFT = "lift", _("Lift")
    STEP_FREE = "step_free", _("Step-free access")
    SPRINKLER = "sprinkler", _("Sprinkler")
    HIGH_CEILING = "high_ceiling", _("High ceiling")
    THREE_PHASE = "three_phase", _("Three-phase power")


def amenity_field(key: str) -> str:
    return f"has_{Amenity(key).value}"


# The text that `q` searches, kept in `Premises.search_text` (brorebro.textsearch).
SEARCH_FIELDS = ("title", "description_sv", "description_en", "street", "locality", "municipality.name")


class PremisesQuerySet(ListingQuerySet):
    def overlapping_area(self, low: int | None, high: int | None) -> PremisesQuerySet:
        """Premises whose area range overlaps the wanted range [low, high]."""
        qs = self
        if low is not None:
            qs = qs.filter(area_max_m2__gte=low)
        if high is not None:
            qs = qs.filter(area_min_m2__lte=high)
        return qs

    def available_by(self, day) -> PremisesQuerySet:
        return self.filter(Q(available_from__isnull=True) | Q(available_from__lte=day))

    def with_amenities(self, keys) -> PremisesQuerySet:
        """Premises that have every amenity in `keys`."""
        return self.filter(**{amenity_field(key): True for key in keys})

    def search(self, text: str) -> PremisesQuerySet:
        """Free text over title, descriptions, street, locality and municipality.

        Word forms, accents and case do not matter ("butiken", "Orebro", "cafe"); the same
        on PostgreSQL and SpatiaLite. The rules are in `brorebro.textsearch`; on PostgreSQL
        a trigram GIN index serves them (migration 0007).
        """
        condition = textsearch.matching(text)
        return self if condition is None else self.filter(condition)

    def near_landmark(self, kind: str, metres: float) -> PremisesQuerySet:
        """Premises within `metres` of some landmark of `kind` (a `land.models.LandmarkKind`)."""
        return self.filter(within_distance_of_any(Landmark.objects.filter(kind=kind), "location", metres))

    def with_distance_to(self, kind: str, name: str) -> PremisesQuerySet:
        """Annotate `name`: metres to the nearest landmark of `kind`, NULL when there is none."""
        return self.annotate(
            **{
                name: nearest_distance(
                    Landmark.objects.filter(kind=kind), "location", models.PointField(srid=settings.SRID)
                )
            }
        )

    def with_wgs84(self) -> PremisesQuerySet:
        """Annotate `lon` and `lat` in WGS84, transformed in the database."""
        return self.annotate(_wgs84=Transform("location", WGS84)).annotate(
            lon=ST_X("_wgs84"), lat=ST_Y("_wgs84")
        )

    def newest_first(self) -> PremisesQuerySet:
        # Published listings always have published_at (Listing.save), so no NULLS LAST is
        # needed, and the ORDER BY matches premises_newest_idx on both databases.
        return self.order_by("-published_at", "-pk")

    def for_cards(self) -> PremisesQuerySet:
        """What a result card shows, in a fixed number of queries: municipality and first photo."""
        return (
            self.select_related("municipality")
            .defer("municipality__boundary")
            .prefetch_related(
                Prefetch("images", queryset=PremisesImage.objects.order_by("order", "pk"), to_attr="photos")
            )
        )


postal_code_validator = RegexValidator(r"^\d{3} ?\d{2}$", _("A postal code has five digits, e.g. 702 10."))


class Premises(Listing):
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    title_en = models.CharField(
        _("title (English)"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "Leave empty if there is no English title; English pages then say that the text is Swedish."
        ),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=PremisesStatus.choices, default=PremisesStatus.DRAFT
    )

    street = models.CharField(
        _("street address"), max_length=200, blank=True, validators=[validate_single_line]
    )
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_single_line, postal_code_validator]
    )
    locality = models.CharField(
        _("locality"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("The town or village, e.g. Pålsboda."),
    )
    location = models.PointField(_("location"), srid=settings.SRID, spatial_index=True)

    area_min_m2 = models.PositiveIntegerField(
        _("smallest area (m²)"),
        validators=[MaxValueValidator(MAX_AREA_M2)],
        help_text=_(
            "The smallest part that can be let or sold. Same as the largest if the premises is not divisible."
        ),
    )
    area_max_m2 = models.PositiveIntegerField(
        _("largest area (m²)"), validators=[MaxValueValidator(MAX_AREA_M2)]
    )

    tenure = models.CharField(_("rent or sale"), max_length=4, choices=Tenure.choices, default=Tenure.RENT)
    rent_sek_per_m2_year = models.PositiveIntegerField(
        _("rent (SEK per m² and year)"), null=True, blank=True, validators=[MaxValueValidator(MAX_RENT)]
    )
    price_sek = models.PositiveBigIntegerField(
        _("price (SEK)"), null=True, blank=True, validators=[MaxValueValidator(MAX_PRICE)]
    )
    available_from = models.DateField(
        _("available from"), null=True, blank=True, help_text=_("Leave empty if available now.")
    )

    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    has_parking = models.BooleanField(Amenity.PARKING.label, default=False)
    has_loading_dock = models.BooleanField(Amenity.LOADING_DOCK.label, default=False)
    has_rail_siding = models.BooleanField(Amenity.RAIL_SIDING.label, default=False)
    has_fibre = models.BooleanField(Amenity.FIBRE.label, default=False)
    has_lift = models.BooleanField(Amenity.LIFT.label, default=False)
    has_step_free = models.BooleanField(Amenity.STEP_FREE.label, default=False)
    has_sprinkler = models.BooleanField(Amenity.SPRINKLER.label, default=False)
    has_high_ceiling = models.BooleanField(Amenity.HIGH_CEILING.label, default=False)
    has_three_phase = models.BooleanField(Amenity.THREE_PHASE.label, default=False)

    # Structured specs for industrial and warehouse premises (issue 16): numbers a company
    # compares, filters on and exports, instead of prose in the description.
    clear_height_m = models.DecimalField(
        _("clear height (m)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_CLEAR_HEIGHT_M)],
        help_text=_("Free height under beams and installations, in metres, e.g. 12.5."),
    )
    dock_doors = models.PositiveSmallIntegerField(
        _("dock doors"), null=True, blank=True, validators=[MaxValueValidator(MAX_DOORS)]
    )
    ground_doors = models.PositiveSmallIntegerField(
        _("ground-level doors"), null=True, blank=True, validators=[MaxValueValidator(MAX_DOORS)]
    )
    floor_load_kn_m2 = models.DecimalField(
        _("floor load (kN/m²)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_FLOOR_LOAD_KN_M2)],
    )
    # Amperes of the main fuse, the unit Swedish landlords and electricians quote for premises.
    power_a = models.PositiveIntegerField(
        _("electrical capacity (A, main fuse)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_POWER_A)],
    )
    office_m2 = models.PositiveIntegerField(
        _("office share (m²)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AREA_M2)],
        help_text=_("The part of the area that is office space."),
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR_BUILT), MaxValueValidator(MAX_YEAR_BUILT)],
    )

    floor_plan = models.FileField(
        _("floor plan (PDF)"),
        upload_to=RandomName("premises/floor-plans", ".pdf"),
        blank=True,
        validators=[validate_pdf_upload],
    )

    # Derived from SEARCH_FIELDS on every save, so not in the change history.
    search_text = models.TextField(_("search words"), blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])
    objects = PremisesQuerySet.as_manager()

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = pgettext_lazy("plural", "premises")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "external_ref"], name="premises_unique_external_ref"
            ),
            models.CheckConstraint(
                condition=Q(area_min_m2__gte=0) & Q(area_max_m2__gte=F("area_min_m2")),
                name="premises_area_range_valid",
                violation_error_message=_("The largest area must be at least the smallest area."),
            ),
            models.CheckConstraint(
                condition=(Q(rent_sek_per_m2_year__isnull=True) | Q(rent_sek_per_m2_year__gte=0))
                & (Q(price_sek__isnull=True) | Q(price_sek__gte=0)),
                name="premises_money_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PremisesStatus.values), name="premises_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="premises_status_kind_idx"),
            models.Index(fields=["area_min_m2", "area_max_m2"], name="premises_area_idx"),
            models.Index(fields=["rent_sek_per_m2_year"], name="premises_rent_idx"),
            models.Index(fields=["price_sek"], name="premises_price_idx"),
            # Exactly the "newest" ORDER BY, so the first page is read off the index.
            models.Index(fields=["-published_at", "-id"], name="premises_newest_idx"),
            # Exactly the "largest area first" ORDER BY (a sort over all visible rows without it).
            models.Index(fields=["-area_max_m2", "id"], name="premises_largest_idx"),
            # Exactly the expression that ListingQuerySet.visible() compares with the cutoff.
            models.Index(
                Coalesce("confirmed_at", "published_at", "created_at"),
                condition=Q(status=PremisesStatus.PUBLISHED),
                name="premises_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("premises:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (
            self.area_min_m2 is not None
            and self.area_max_m2 is not None
            and self.area_max_m2 < self.area_min_m2
        ):
            errors["area_max_m2"] = _("The largest area must be at least the smallest area.")
        if self.office_m2 is not None and self.area_max_m2 is not None and self.office_m2 > self.area_max_m2:
            errors["office_m2"] = _("The office share cannot be larger than the largest area.")
        if self.location is not None and self.municipality_id is not None:
            inside = self.municipality.contains(self.location)
            if inside is False:
                errors["location"] = _(
                    "The position lies outside %(municipality)s. Check the point on the map, "
                    "the coordinates or the municipality."
                ) % {"municipality": self.municipality.name}
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def new_external_ref() -> str:
        """A reference for a listing that has none in another system, e.g. "BRO-3F9A2C1D"."""
        return f"BRO-{secrets.token_hex(4).upper()}"

    def save(self, *args, **kwargs):
        textsearch.refresh(self, SEARCH_FIELDS, kwargs)
        if self._leaves_public_site():
            self._move_files_out_of_sight(kwargs)
        super().save(*args, **kwargs)

    # --- life cycle
    def _leaves_public_site(self) -> bool:
        return (
            not self._state.adding
            and getattr(self, "_stored_status", None) == PremisesStatus.PUBLISHED
            and self.status != PremisesStatus.PUBLISHED
        )

    def _move_files_out_of_sight(self, save_kwargs: dict) -> None:
        """Floor plan and photos get new random names when the listing leaves the public site
        (draft, let, sold, archived): the old addresses were public and now answer 404.
        They were never published under the new names; re-publishing shows those."""
        if move_to_new_name(self.floor_plan) and save_kwargs.get("update_fields") is not None:
            save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "floor_plan"}
        for photo in self.images.all():
            moved = [name for name in ("image", "thumbnail") if move_to_new_name(getattr(photo, name))]
            if moved:
                photo.save(update_fields=moved)

    def mark_taken(self, user=None) -> None:
        """Let (for rent) or sold (for sale)."""
        self.set_status(PremisesStatus.SOLD if self.tenure == Tenure.SALE else PremisesStatus.LET, user=user)

    # --- presentation
    @property
    def amenities(self) -> list[str]:
        return [key for key in Amenity.values if getattr(self, amenity_field(key))]

    def get_amenities_display(self) -> list[str]:
        labels = dict(Amenity.choices)
        return [str(labels[key]) for key in self.amenities]

    @property
    def description(self) -> str:
        """In the visitor's language, falling back to Swedish."""
        return localised(self, "description")

    @property
    def title_sv(self) -> str:
        # The Swedish title is `title` (the required one, older than the English field);
        # this name lets `localised()` pair it with `title_en` like every other text.
        return self.title

    @property
    def localised_title(self) -> str:
        """The title in the visitor's language, falling back to the Swedish one."""
        return localised(self, "title")

    @property
    def english_missing(self) -> list[str]:
        """Which of the texts an officer can write in English are only in Swedish
        ("title", "description"); English pages say so instead of passing Swedish off."""
        missing = []
        if not self.title_en:
            missing.append("title")
        if self.description_sv and not self.description_en:
            missing.append("description")
        return missing

    @property
    def specs(self) -> list[tuple[str, object, str, bool]]:
        """The structured specs that are given, as (label, value, unit, is a quantity) for the
        detail page. A year is not a quantity: it is shown without digit grouping."""
        rows = [
            (_("Clear height"), self.clear_height_m, "m", True),
            (_("Dock doors"), self.dock_doors, "", True),
            (_("Ground-level doors"), self.ground_doors, "", True),
            (_("Floor load"), self.floor_load_kn_m2, "kN/m²", True),
            (_("Electrical capacity (main fuse)"), self.power_a, "A", True),
            (_("Office share"), self.office_m2, "m²", True),
            (_("Year built"), self.year_built, "", False),
        ]
        return [
            (str(label), value, unit, quantity) for label, value, unit, quantity in rows if value is not None
        ]

    def nearest_landmarks(self) -> list[dict]:
        """The nearest landmark of each kind, nearest first (`LandmarkQuerySet.nearest_each_kind`)."""
        return Landmark.objects.nearest_each_kind(self.location) if self.location is not None else []

    @property
    def is_divisible(self) -> bool:
        return self.area_min_m2 != self.area_max_m2

    @property
    def first_photo(self):
        photos = getattr(self, "photos", None)
        if photos is None:
            photos = list(self.images.order_by("order", "pk")[:1])
        return photos[0] if photos else None


class PremisesImage(models.Model):
    """A photo of a premises. Stored re-encoded, without metadata; a small thumbnail beside it."""

    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("photo"),
        upload_to=RandomName("premises/photos"),
        validators=[validate_image_upload],
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP. Location and camera data are removed when you save."),
    )
    thumbnail = models.ImageField(upload_to=RandomName("premises/thumbnails"), blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text_sv = models.CharField(
        _("description of the photo (Swedish)"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("What the photo shows, for people who cannot see it, e.g. “Entrance with loading dock”."),
    )
    alt_text_en = models.CharField(
        _("description of the photo (English)"), max_length=200, blank=True, validators=[validate_single_line]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt_text_sv

    @property
    def alt_text(self) -> str:
        return localised(self, "alt_text")

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            # A new upload: store a clean copy, never the bytes as they came in.
            clean = reencode_image(self.image.file)
            self.image.save(clean.name, clean, save=False)
            thumb = thumbnail_of(self.image)
            self.thumbnail.save(thumb.name, thumb, save=False)
        super().save(*args, **kwargs)

    @property
    def thumbnail_url(self) -> str:
        return (self.thumbnail or self.image).url
