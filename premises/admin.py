"""The officers' admin for premises: scoped to their municipalities, with a map, photos,
bulk actions for keeping listings current, an import page and the change history."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.gis.geos import Point
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from brorebro.admin import (
    ImportAdminMixin,
    ListingAdminMixin,
    MapAdmin,
    MunicipalityScopedAdmin,
    NeedsConfirmationFilter,
    apply_to_listings,
    archive_listings,
    confirm_listings,
    publish_listings,
)
from brorebro.admin_import import export_selected_for_import
from brorebro.spatial import WGS84, in_sweden, transformed, wgs84_point
from brorebro.templatetags.portal import num
from premises.importing import COLUMNS, OPTIONAL_COLUMNS, PremisesImporter, export_for_import
from premises.models import Amenity, Kind, Premises, PremisesImage, PremisesStatus, Tenure, amenity_field

COORDINATE_PAIRS = {"wgs84": ("lat", "lon"), "sweref": ("sweref_n", "sweref_e")}


class PremisesAdminForm(forms.ModelForm):
    """The map places the point; typed coordinates, when changed, override it."""

    lat = forms.DecimalField(
        label=_("Latitude (WGS84)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Degrees north, e.g. 59.274100."),
    )
    lon = forms.DecimalField(
        label=_("Longitude (WGS84)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Degrees east, e.g. 15.206600."),
    )
    sweref_n = forms.DecimalField(
        label=_("North (SWEREF 99 TM)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("Metres, e.g. 6572900."),
    )
    sweref_e = forms.DecimalField(
        label=_("East (SWEREF 99 TM)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("Metres, e.g. 513500."),
    )

    class Meta:
        model = Premises
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "location" in self.fields:
            self.fields["location"].required = False
        if "external_ref" in self.fields:
            # Listings typed into the admin need no id from another system; one is made up.
            self.fields["external_ref"].required = False
            self.fields["external_ref"].help_text = _(
                "The id in your own register, if you have one. Left empty, the portal makes one up."
            )
        location = self.instance.location if self.instance.pk else None
        if location is not None:
            wgs = transformed(location, WGS84)
            self.initial.update(
                lat=Decimal(f"{wgs.y:.6f}"),
                lon=Decimal(f"{wgs.x:.6f}"),
                sweref_n=Decimal(f"{location.y:.2f}"),
                sweref_e=Decimal(f"{location.x:.2f}"),
            )

    def clean(self):
        cleaned = super().clean()
        if (
            "external_ref" in self.fields
            and not cleaned.get("external_ref")
            and "external_ref" not in self.errors
        ):
            cleaned["external_ref"] = self.instance.external_ref or Premises.new_external_ref()
        typed = self._typed_location(cleaned)
        if typed is not None:
            cleaned["location"] = typed
        if not cleaned.get("location") and "location" not in self.errors and not self._pair_errors:
            self.add_error("location", _("Place the premises on the map, or type its coordinates."))
        return cleaned

    _pair_errors = False

    def _typed_location(self, cleaned) -> Point | None:
        changed = [
            name
            for name, pair in COORDINATE_PAIRS.items()
            if set(pair) & set(self.changed_data)
            # Both emptied means "use the map", not a half-typed position.
            and not all(cleaned.get(field) is None and field not in self.errors for field in pair)
        ]
        if len(changed) > 1:
            self._pair_errors = True
            self.add_error("sweref_n", _("Type the position either in WGS84 or in SWEREF 99 TM, not both."))
            return None
        if not changed:
            return None
        first, second = COORDINATE_PAIRS[changed[0]]
        a, b = cleaned.get(first), cleaned.get(second)
        if a is None or b is None:
            self._pair_errors = True
            missing = first if a is None else second
            if missing not in self.errors:
                self.add_error(missing, _("Type both coordinates."))
            return None
        if changed[0] == "wgs84":
            point = wgs84_point(float(b), float(a))
            lon, lat = float(b), float(a)
        else:
            point = Point(float(b), float(a), srid=settings.SRID)
            wgs = transformed(point, WGS84)
            lon, lat = wgs.x, wgs.y
        if not in_sweden(lon, lat):
            self._pair_errors = True
            self.add_error(first, _("The position is outside Sweden. Are the coordinates swapped?"))
            return None
        return point


class PremisesImageInline(admin.TabularInline):
    model = PremisesImage
    fields = ["preview", "image", "alt_text_sv", "alt_text_en", "order"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return "–"
        return format_html('<img src="{}" alt="" style="max-height:60px">', obj.thumbnail_url)


@admin.action(description=_("Mark as let (for rent) or sold (for sale)"), permissions=["change"])
def mark_let_or_sold(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "mark_taken",
        lambda n: (
            ngettext("%(n)d premises marked let or sold.", "%(n)d premises marked let or sold.", n) % {"n": n}
        ),
    )


@admin.register(Premises)
class PremisesAdmin(
    MunicipalityScopedAdmin, ImportAdminMixin, ListingAdminMixin, SimpleHistoryAdmin, MapAdmin
):
    form = PremisesAdminForm
    importer_class = PremisesImporter
    import_exporter = staticmethod(export_for_import)
    inlines = [PremisesImageInline]
    list_display = ["title", "municipality", "kind", "area", "status", "freshness"]
    list_display_links = ["title"]
    list_editable = ["status"]
    list_filter = [
        "status",
        NeedsConfirmationFilter,
        "kind",
        "tenure",
        ("municipality", admin.RelatedOnlyFieldListFilter),
    ]
    list_per_page = 50
    search_fields = ["title", "external_ref", "street", "locality"]
    actions = [
        confirm_listings,
        publish_listings,
        mark_let_or_sold,
        archive_listings,
        export_selected_for_import,
    ]
    save_on_top = True
    readonly_fields = ["published_at", "confirmed_at", "created_at", "updated_at", "created_by", "updated_by"]
    history_list_display = ["status"]
    settings_overrides = {"DEFAULT_ZOOM": 9}
    fieldsets = [
        (None, {"fields": ["municipality", "title", "title_en", "kind", "status", "external_ref"]}),
        (
            _("Address and position"),
            {
                "fields": ["street", "postal_code", "locality", "location"],
                "description": _("Click the map to place the premises, or drag the marker."),
            },
        ),
        (
            _("Type the position instead"),
            {
                "fields": [("lat", "lon"), ("sweref_n", "sweref_e")],
                "classes": ["collapse"],
                "description": _("Coordinates you change here replace the point on the map when you save."),
            },
        ),
        (
            _("Size and terms"),
            {
                "fields": [
                    ("area_min_m2", "area_max_m2"),
                    "tenure",
                    ("rent_sek_per_m2_year", "price_sek"),
                    "available_from",
                ],
            },
        ),
        (_("Description"), {"fields": ["description_sv", "description_en"]}),
        (
            _("Amenities"),
            {
                "fields": [
                    tuple(amenity_field(key) for key in Amenity.values[i : i + 3])
                    for i in range(0, len(Amenity.values), 3)
                ]
            },
        ),
        (
            _("Specifications"),
            {
                "fields": [
                    ("clear_height_m", "floor_load_kn_m2"),
                    ("dock_doors", "ground_doors"),
                    ("power_a", "office_m2", "year_built"),
                ],
                "description": _("For industrial and warehouse premises. Leave empty what does not apply."),
            },
        ),
        (_("Floor plan"), {"fields": ["floor_plan"]}),
        (
            _("Contact"),
            {"fields": [("contact_name", "contact_organisation"), ("contact_email", "contact_phone")]},
        ),
        (
            _("Dates"),
            {
                "fields": [
                    ("published_at", "confirmed_at"),
                    ("created_at", "updated_at"),
                    ("created_by", "updated_by"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality").defer("municipality__boundary")

    @admin.display(description=_("area (m²)"), ordering="area_min_m2")
    def area(self, obj):
        if obj.area_min_m2 == obj.area_max_m2:
            return num(obj.area_min_m2)
        return f"{num(obj.area_min_m2)}–{num(obj.area_max_m2)}"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        user = request.user
        initial.setdefault("contact_name", user.get_full_name())
        initial.setdefault("contact_email", user.email)
        return initial

    def import_help_text(self) -> str:
        return str(
            _(
                "The first row names the columns: %(columns)s (optional: %(optional)s).\n"
                "A position is lat and lon (WGS84) or sweref_n and sweref_e (SWEREF 99 TM). "
                "kind is one of %(kinds)s; tenure is %(tenures)s; status is %(statuses)s. "
                "Rows are matched by municipality_code and external_ref: a match is updated, the rest created. "
                "If any row has a problem, nothing is saved."
            )
        ) % {
            "columns": ", ".join(COLUMNS),
            "optional": ", ".join(OPTIONAL_COLUMNS),
            "kinds": ", ".join(Kind.values),
            "tenures": ", ".join(Tenure.values),
            "statuses": ", ".join(PremisesStatus.values),
        }
