"""The shared core: municipalities, officers and inquiries.

Every listing in the portal belongs to a municipality; officers are scoped to the
municipalities they work for. Nothing here knows about premises or land.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db import models
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsSVG, PointOnSurface
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Re-exported for the apps: the abstract listing base lives in its own module.
from brorebro.listings import Listing, ListingQuerySet, ListingStatus  # noqa: F401
from brorebro.spatial import SimplifyPreserveTopology, transformed
from brorebro.textsearch import fold
from brorebro.validators import one_line, validate_single_line

municipality_code_validator = RegexValidator(r"^\d{4}$", _("A municipality code is four digits, e.g. 1880."))


def default_county_code() -> str:
    return settings.COUNTY_CODE


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def sees_everything(user) -> bool:
    """Whether `user` may act for every municipality: superusers and regional administrators.

    The other half of the access rule is `Municipality.objects.for_user`, which returns every
    municipality exactly when this is true. Nothing else decides who "sees everything".
    """
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    # A user without an Officer row raises RelatedObjectDoesNotExist, an AttributeError.
    officer = getattr(user, "officer", None)
    return bool(officer and officer.is_regional_admin)


class MunicipalityQuerySet(models.QuerySet):
    def members(self) -> MunicipalityQuerySet:
        return self.filter(member=True)

    def in_county(self) -> MunicipalityQuerySet:
        """The municipalities of the county the portal serves (`settings.COUNTY_CODE`)."""
        return self.filter(county_code=settings.COUNTY_CODE)

    def for_user(self, user) -> MunicipalityQuerySet:
        """The municipalities whose data `user` may see and edit: the one access rule that
        querysets, the admin, importers and exports all ask (with `sees_everything`)."""
        if sees_everything(user):
            return self.all()
        if not _is_active(user):
            return self.none()
        officer = getattr(user, "officer", None)
        if officer is None:
            return self.none()
        return self.filter(officers=officer)

    def with_svg_outline(self, tolerance_m: float = 400) -> MunicipalityQuerySet:
        """Annotate `outline_svg`: the boundary simplified and rendered as an SVG path
        in the database (metres of SWEREF 99 TM; SVG's y axis points down)."""
        # precision=1, not 0: SpatiaLite 5 drops the trailing zeros of integers at 0.
        svg = AsSVG(SimplifyPreserveTopology("boundary", float(tolerance_m)), precision=1)
        return (
            self.filter(boundary__isnull=False)
            .defer("boundary")
            .annotate(outline_svg=svg, label_point=PointOnSurface("boundary"))
        )


def svg_view_box(queryset) -> str | None:
    """The SVG viewBox that frames the boundaries of `queryset`."""
    extent = queryset.filter(boundary__isnull=False).aggregate(box=Extent("boundary"))["box"]
    if not extent:
        return None
    xmin, ymin, xmax, ymax = extent
    pad = (xmax - xmin) * 0.02
    return f"{xmin - pad:.0f} {-ymax - pad:.0f} {xmax - xmin + 2 * pad:.0f} {ymax - ymin + 2 * pad:.0f}"


class Municipality(models.Model):
    code = models.CharField(
        _("municipality code"), max_length=4, unique=True, validators=[municipality_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    county_code = models.CharField(_("county code"), max_length=2, default=default_county_code)
    member = models.BooleanField(
        _("member of Business Region Örebro"),
        default=True,
        help_text=_("Members are counted in regional figures such as the regional NKI."),
    )
    office_email = models.EmailField(_("business office email"), blank=True)
    office_phone = models.CharField(_("business office phone"), max_length=40, blank=True)
    office_url = models.URLField(_("business office web address"), blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=settings.SRID, null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(boundary__isnull=True) | Q(boundary__isvalid=True),
                name="municipality_boundary_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, point) -> bool | None:
        """Whether `point` lies inside the boundary; None when no boundary is loaded."""
        if self.boundary is None:
            return None
        if point.srid != self.boundary.srid:
            point = transformed(point, self.boundary.srid)
        return self._tolerant_boundary.contains(point)

    @cached_property
    def _tolerant_boundary(self):
        # A small tolerance: the fixture boundaries are simplified. Buffered and
        # prepared once per instance, so an import checks thousands of rows cheaply.
        return self.boundary.buffer(50).prepared


class Officer(models.Model):
    """A user who works for one or more municipalities, or for the whole region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    municipalities = models.ManyToManyField(
        Municipality, related_name="officers", blank=True, verbose_name=_("municipalities")
    )
    is_regional_admin = models.BooleanField(
        _("regional administrator"),
        default=False,
        help_text=_("Regional administrators see and edit the data of every municipality."),
    )

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return self.user.get_username()


class InquiryQuerySet(models.QuerySet):
    def for_user(self, user) -> InquiryQuerySet:
        return self.filter(municipality__in=Municipality.objects.for_user(user))

    def older_than(self, months: int) -> InquiryQuerySet:
        cutoff = timezone.now() - timezone.timedelta(days=round(months * 30.44))
        return self.filter(created_at__lt=cutoff)


class Inquiry(models.Model):
    """A message from a company about one listing. Holds personal data (see README)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("municipality")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    listing = GenericForeignKey("content_type", "object_id")
    listing_title = models.CharField(_("listing"), max_length=200)
    name = models.CharField(_("name"), max_length=120)
    company = models.CharField(_("company"), max_length=160, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    consent = models.BooleanField(_("consent to the handling of personal data"), default=False)
    language = models.CharField(_("language"), max_length=5, default="sv")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    officer_notes = models.TextField(_("officer notes"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [models.Index(fields=["content_type", "object_id"], name="inquiry_listing_idx")]

    def __str__(self) -> str:
        return f"{self.listing_title} – {self.name}"

    def reply_mailto(self) -> str:
        """A `mailto:` link that answers the sender, with "Re: <listing title>" as subject.

        Every part is percent-encoded (RFC 6068), so a stored title with &, ?, #, % or a line
        break stays inside the subject instead of ending it or adding headers.
        """
        subject = "Re: " + one_line(self.listing_title)
        return f"mailto:{quote(self.email, safe='@')}?subject={quote(subject, safe='')}"


class RateLimitHitQuerySet(models.QuerySet):
    def attempt(self, limits: dict[str, int], window_seconds: int, now=None) -> bool:
        """Count one attempt under every key of `limits`; True if each key stays within its limit.

        The count lives in the database, which every worker and server shares, so a limit
        is one limit however many processes serve the site. Each attempt is written first
        and counted after: two simultaneous attempts see each other, so a limit is never
        exceeded (at worst both are refused). A refused attempt is taken back, so a limit
        reopens one window after the attempts that were let through.
        """
        now = now or timezone.now()
        since = now - timezone.timedelta(seconds=window_seconds)
        self.filter(created_at__lt=since).delete()  # nothing older than a window is ever needed
        hits = [self.create(key=key, created_at=now) for key in limits]
        allowed = all(
            self.filter(key=key, created_at__gte=since).count() <= limit for key, limit in limits.items()
        )
        if not allowed:
            self.filter(pk__in=[hit.pk for hit in hits]).delete()
        return allowed


class RateLimitHit(models.Model):
    """One counted attempt (e.g. an inquiry) under a key that names who made it.

    Keys are keyed hashes (`brorebro.proxies.rate_key`), not addresses: the table holds no
    personal data, and rows older than the longest window are deleted as new ones arrive.
    """

    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RateLimitHitQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["key", "created_at"], name="ratelimit_key_time_idx"),
            models.Index(fields=["created_at"], name="ratelimit_time_idx"),
        ]

    def __str__(self) -> str:
        return self.key


# Registered with the app here; the model and its triggers live in their own module.
from brorebro.versions import DataVersion  # noqa: E402, F401


class Place(models.Model):
    """A named place of the gazetteer (ortnamnsregister): a locality a search can be "near".

    Loaded by `manage.py import_places` from SCB's open data "Tätorter" (README,
    "Places by name"). `name_folded` is the name without accents and case
    (`brorebro.textsearch.fold`), so that "Orebro" finds "Örebro" on both databases.
    The search looks places up through `brorebro.places`, which adds municipalities,
    the localities of the listings and the transport landmarks.
    """

    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    code = models.CharField(
        _("code"), max_length=20, blank=True, help_text=_("The source's own code, e.g. SCB's tätort code.")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="places"
    )
    location = models.PointField(_("location"), srid=settings.SRID)
    source = models.CharField(_("source"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"], condition=~Q(code=""), name="place_unique_source_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)[:120]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)
