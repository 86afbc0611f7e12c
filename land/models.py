"""Zoned land for business (ledig mark) and the transport landmarks it is measured against.

A `LandPlot` is a listing with a polygon. Its area is always derived from the
polygon in SWEREF 99 TM, never typed in, so that the figure in the search, the
export and the detail page is the one the map shows. `Landmark` holds the points
that matter to a logistics company: motorway junctions, intermodal terminals,
airports and ports. Distances between the two are computed in the database, in
metres (both are stored in settings.SRID).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import (
    AsGeoJSON,
    AsWKT,
    Distance,
    Transform,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import (
    F,
    FloatField,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brorebro import textsearch
from brorebro.i18n import localised
from brorebro.listings import Listing, ListingQuerySet, ListingStatus
from brorebro.spatial import (
    ST_X,
    ST_Y,
    WGS84,
    Multi,
    SimplifyPreserveTopology,
    nearest_distance,
    transformed,
    within_distance_of_any,
)
from brorebro.validators import validate_single_line


class Purpose(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    LOGISTICS = "logistics", _("Logistics")
    RETAIL = "retail", _("Retail")
    OFFICE = "office", _("Office")
    MIXED = "mixed", _("Mixed use")
    OTHER = "other", _("Other")


class PlanStatus(models.TextChoices):
    IN_FORCE = "in_force", _("Detailed plan in force")
    IN_PROGRESS = "in_progress", _("Detailed plan in progress")
    NONE = "none", _("No detailed plan")


class Service(models.TextChoices):
    """Services a search can require; each maps to a condition in `LandPlotQuerySet.with_services`."""

    WATER_SEWER = "water_sewer", _("Water and sewer")
    DISTRICT_HEATING = "district_heating", _("District heating")
    FIBRE = "fibre", _("Fibre")
    ELECTRICITY = "electricity", _("Electricity connection")


class PurposeSetField(models.CharField):
    """A set of `Purpose` keys, stored as ",industry,logistics," in one text column.

    The delimiting commas make "has purpose X" a plain `contains ",X,"` that works
    the same on PostGIS and SpatiaLite and can be OR-ed for "any of these purposes".
    In Python the value is a sorted list of keys.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @staticmethod
    def parse(value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.split(",")
        keys = {str(v).strip() for v in value if str(v).strip()}
        order = [p.value for p in Purpose]
        return sorted(keys, key=lambda k: order.index(k) if k in order else len(order))

    def from_db_value(self, value, expression, connection):
        return self.parse(value)

    def to_python(self, value):
        return self.parse(value)

    def get_prep_value(self, value):
        keys = self.parse(value)
        return f",{','.join(keys)}," if keys else ""

    def value_to_string(self, obj):
        return ",".join(self.parse(self.value_from_object(obj)))

    def validate(self, value, model_instance):
        unknown = [k for k in self.parse(value) if k not in Purpose.values]
        if unknown:
            raise ValidationError(_("Unknown purpose: %(keys)s") % {"keys": ", ".join(unknown)})
        if not self.blank and not self.parse(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        from django import forms

        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": Purpose.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        # The admin hands every CharField a text input; a set of choices needs checkboxes.
        widget = defaults["widget"]
        widget_class = widget if isinstance(widget, type) else type(widget)
        if not issubclass(widget_class, forms.SelectMultiple):
            defaults["widget"] = forms.CheckboxSelectMultiple
        form_class = defaults.pop("form_class")
        for key in ("max_length", "empty_value"):
            defaults.pop(key, None)
        if "initial" not in defaults and self.has_default():
            defaults["initial"] = self.parse(self.get_default())
        return form_class(**defaults)


def purpose_labels(keys: list[str]) -> list[str]:
    labels = dict(Purpose.choices)
    return [str(labels.get(k, k)) for k in keys]


# --- landmarks ---------------------------------------------------------------------------
class LandmarkKind(models.TextChoices):
    MOTORWAY_JUNCTION = "motorway_junction", _("Motorway junction")
    RAIL_TERMINAL = "rail_terminal", _("Intermodal rail terminal")
    AIRPORT = "airport", _("Airport")
    PORT = "port", _("Port")


class LandmarkQuerySet(models.QuerySet):
    def nearest_each_kind(self, geom) -> list[dict]:
        """The nearest landmark of each kind to `geom`, nearest first.

        Rows are dicts with pk, kind, name, distance_m (metres) and lon/lat (WGS84). A
        window function ranks the landmarks of each kind by distance, all in the
        database, in one query that PostGIS and SpatiaLite both run. (Values, not
        instances: SpatiaLite cannot hand back a geometry through the window's
        wrapping subquery.)
        """
        geom = transformed(geom, settings.SRID)
        distance = Cast(Distance("location", geom), FloatField())
        wgs84 = Transform("location", WGS84)
        rows = (
            self.annotate(
                distance_m=distance,
                rank=Window(RowNumber(), partition_by=F("kind"), order_by=distance.asc()),
                lon=ST_X(wgs84),
                lat=ST_Y(wgs84),
            )
            .filter(rank=1)
            .order_by("distance_m")
            .values("pk", "kind", "name", "distance_m", "lon", "lat")
        )
        labels = dict(LandmarkKind.choices)
        return [{**row, "kind_label": labels[row["kind"]], "km": row["distance_m"] / 1000} for row in rows]


class Landmark(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=LandmarkKind.choices)
    name = models.CharField(_("name"), max_length=120, unique=True, validators=[validate_single_line])
    location = models.PointField(_("location"), srid=settings.SRID, spatial_index=True)

    objects = LandmarkQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("transport landmark")
        verbose_name_plural = _("transport landmarks")
        indexes = [models.Index(fields=["kind"], name="land_landmark_kind_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


# --- land plots ------------------------------------------------------------------------------
class LandPlotStatus(models.TextChoices):
    DRAFT = ListingStatus.DRAFT.value, ListingStatus.DRAFT.label
    PUBLISHED = ListingStatus.PUBLISHED.value, ListingStatus.PUBLISHED.label
    RESERVED = ListingStatus.RESERVED.value, ListingStatus.RESERVED.label
    SOLD = ListingStatus.SOLD.value, ListingStatus.SOLD.label
    ARCHIVED = ListingStatus.ARCHIVED.value, ListingStatus.ARCHIVED.label


# The text that `q` searches, kept in `LandPlot.search_text` (brorebro.textsearch).
SEARCH_FIELDS = (
    "name",
    "area_name",
    "plan_id",
    "external_ref",
    "municipality.name",
    "description_sv",
    "description_en",
)


class LandPlotQuerySet(ListingQuerySet):
    def search(self, text: str) -> LandPlotQuerySet:
        """Free text over name, business area, plan id, reference, municipality and descriptions.

        Word forms, accents and case do not matter; the same on PostgreSQL and SpatiaLite.
        The rules are in `brorebro.textsearch`; on PostgreSQL a trigram GIN index serves
        them (migration 0004).
        """
        condition = textsearch.matching(text)
        return self if condition is None else self.filter(condition)

    def with_any_purpose(self, purposes) -> LandPlotQuerySet:
        condition = Q()
        for key in purposes:
            condition |= Q(purposes__contains=f",{key},")
        return self.filter(condition) if purposes else self

    def with_services(self, services) -> LandPlotQuerySet:
        """Plots that have every service in `services` (keys of `Service`)."""
        conditions = {
            Service.WATER_SEWER: Q(water_sewer=True),
            Service.DISTRICT_HEATING: Q(district_heating=True),
            Service.FIBRE: Q(fibre=True),
            Service.ELECTRICITY: Q(electricity_kw__gt=0),
        }
        qs = self
        for key in services:
            qs = qs.filter(conditions[Service(key)])
        return qs

    def near_landmark(self, kind: str, metres: float) -> LandPlotQuerySet:
        """Plots whose polygon lies within `metres` of some landmark of `kind` (rule in brorebro.spatial)."""
        return self.filter(within_distance_of_any(Landmark.objects.filter(kind=kind), "geom", metres))

    def with_distance_to(self, kind: str) -> LandPlotQuerySet:
        """Annotate `landmark_distance_m`: metres from the plot to the nearest landmark of `kind`."""
        return self.annotate(
            landmark_distance_m=nearest_distance(
                Landmark.objects.filter(kind=kind), "geom", models.MultiPolygonField(srid=settings.SRID)
            )
        )

    def for_map(self, *, centroids: bool, tolerance_m: float = 0):
        """Rows for a GeoJSON map layer, the geometry transformed to WGS84 in the database.

        Polygons are simplified in SWEREF 99 TM (so the tolerance is in metres) before
        the transformation. With `centroids`, each plot is one point on its surface:
        at low zoom a polygon would be a speck, and points keep the response small.
        """
        if centroids:
            shape = F("spot")
        elif tolerance_m > 0:
            shape = Multi(SimplifyPreserveTopology("geom", Value(float(tolerance_m))))
        else:
            shape = F("geom")
        return self.annotate(geometry_json=AsGeoJSON(Transform(shape, WGS84), precision=6)).values(
            "pk",
            "external_ref",
            "municipality__code",
            "name",
            "area_name",
            "area_m2",
            "purposes",
            "price_sek_per_m2",
            "plan_status",
            "geometry_json",
        )

    def for_export(self):
        """The plots with their boundary as WKT and a point on the surface, both in WGS84."""
        point = Transform("spot", WGS84)
        return (
            self.select_related("municipality")
            .defer("municipality__boundary")
            .annotate(
                wkt_wgs84=AsWKT(Transform("geom", WGS84)),
                centroid_lon=ST_X(point),
                centroid_lat=ST_Y(point),
            )
        )

    def totals(self) -> dict:
        return self.aggregate(count=models.Count("pk"), area_m2=Sum("area_m2"))


class LandPlot(Listing):
    status = models.CharField(
        _("status"), max_length=12, choices=LandPlotStatus.choices, default=LandPlotStatus.DRAFT
    )
    name = models.CharField(
        _("name"),
        max_length=160,
        validators=[validate_single_line],
        help_text=_("Usually the property designation, e.g. “Törsjö 6:12”."),
    )
    area_name = models.CharField(
        _("business area"),
        max_length=160,
        blank=True,
        validators=[validate_single_line],
        help_text=_("e.g. “Logistikcentrum etapp 3”."),
    )
    geom = models.MultiPolygonField(_("plot boundary"), srid=settings.SRID, spatial_index=True)
    area_m2 = models.PositiveIntegerField(
        _("area (m²)"),
        editable=False,
        default=0,
        help_text=_("Computed from the boundary in SWEREF 99 TM on every save."),
    )
    # A point guaranteed to lie on the plot, kept with the boundary: zoomed-out maps and
    # their clusters use it, so they need no geometry function per plot and request.
    spot = models.PointField(
        _("point on the plot"), srid=settings.SRID, null=True, editable=False, spatial_index=True
    )
    purposes = PurposeSetField(
        _("permitted purposes"), blank=False, help_text=_("What the detailed plan allows on the plot.")
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(
        _("description (English)"), blank=True, help_text=_("Leave empty to show the Swedish text.")
    )

    # detailed plan (detaljplan)
    plan_id = models.CharField(
        _("plan id"),
        max_length=40,
        blank=True,
        validators=[validate_single_line],
        help_text=_("e.g. 1880-P920"),
    )
    plan_status = models.CharField(
        _("plan status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE
    )
    plan_purpose_codes = models.CharField(
        _("plan purpose codes"),
        max_length=80,
        blank=True,
        validators=[validate_single_line],
        help_text=_("As in the plan, e.g. “J1, Z1”."),
    )
    max_site_coverage_pct = models.PositiveSmallIntegerField(
        _("maximum site coverage (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_building_height_m = models.DecimalField(
        _("maximum building height (m)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    plan_document_url = models.URLField(_("plan document (web address)"), blank=True)

    # price and division
    price_sek_per_m2 = models.DecimalField(
        _("price (SEK/m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty for “price on request”."),
    )
    divisible = models.BooleanField(_("can be divided"), default=False)
    min_plot_m2 = models.PositiveIntegerField(
        _("minimum plot size (m²)"),
        null=True,
        blank=True,
        help_text=_("The smallest part sold when the plot can be divided."),
    )

    # services
    water_sewer = models.BooleanField(_("water and sewer"), default=False)
    district_heating = models.BooleanField(_("district heating"), default=False)
    fibre = models.BooleanField(_("fibre"), default=False)
    electricity_kw = models.PositiveIntegerField(
        _("electricity capacity (kW)"),
        null=True,
        blank=True,
        help_text=_("The capacity available at the plot boundary."),
    )
    rail_siding_possible = models.BooleanField(_("rail siding possible"), default=False)

    # Derived from SEARCH_FIELDS on every save, so not in the change history.
    search_text = models.TextField(_("search words"), blank=True, default="", editable=False)

    objects = LandPlotQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("land plot")
        verbose_name_plural = _("land plots")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "external_ref"], name="land_plot_unique_external_ref"
            ),
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="land_plot_geom_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "confirmed_at"], name="land_plot_status_idx"),
            models.Index(fields=["area_m2"], name="land_plot_area_idx"),
            models.Index(fields=["-published_at", "-id"], name="land_plot_newest_idx"),
            # The public visibility filter (ListingQuerySet.visible) as an index.
            models.Index(
                Coalesce("confirmed_at", "published_at", "created_at"),
                condition=Q(status="published"),
                name="land_plot_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.area_name}" if self.area_name else self.name

    def get_absolute_url(self) -> str:
        return reverse("land:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        textsearch.refresh(self, SEARCH_FIELDS, kwargs)
        self.area_m2 = self.compute_area_m2(self.geom)
        self.spot = self.geom.point_on_surface if self.geom else None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "area_m2", "spot"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Said in words before the database's validity constraint says it in SQL.
        if self.geom is not None and not self.geom.valid:
            raise ValidationError(
                {
                    "geom": _(
                        "The boundary is not a valid polygon (%(reason)s). Redraw it without crossing lines."
                    )
                    % {"reason": self.geom.valid_reason}
                }
            )

    @staticmethod
    def compute_area_m2(geom) -> int:
        """The area in square metres, measured in settings.SRID (SWEREF 99 TM) whatever SRID `geom` has."""
        if geom is None or geom.empty:
            return 0
        if geom.srid:
            geom = transformed(geom, settings.SRID)
        return round(geom.area)

    @property
    def area_ha(self) -> float:
        return self.area_m2 / 10000

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def purpose_labels(self) -> list[str]:
        return purpose_labels(self.purposes)

    @property
    def services(self) -> list[str]:
        """The labels of the services the plot has, for lists and popups."""
        present = []
        if self.water_sewer:
            present.append(Service.WATER_SEWER.label)
        if self.district_heating:
            present.append(Service.DISTRICT_HEATING.label)
        if self.fibre:
            present.append(Service.FIBRE.label)
        if self.electricity_kw:
            present.append(Service.ELECTRICITY.label)
        return [str(s) for s in present]
