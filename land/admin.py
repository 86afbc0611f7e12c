"""Admin for land plots (scoped to the officer's municipalities) and transport landmarks."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from brorebro.admin import (
    ImportAdminMixin,
    ImportForm,
    ListingAdminMixin,
    MapAdmin,
    MunicipalityScopedAdmin,
    NeedsConfirmationFilter,
    RegionalOnlyAdmin,
    apply_to_listings,
    archive_listings,
    confirm_listings,
    publish_listings,
)
from brorebro.importing import ImportError_
from land.importing import FIELDS, LandPlotImporter, parse_mapping, read_gis_upload
from land.models import Landmark, LandPlot, LandPlotStatus, Purpose


@admin.action(description=_("Mark selected plots as reserved"), permissions=["change"])
def reserve_plots(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "set_status",
        lambda n: ngettext("%(n)d plot reserved.", "%(n)d plots reserved.", n) % {"n": n},
        LandPlotStatus.RESERVED,
    )


@admin.action(description=_("Mark selected plots as sold"), permissions=["change"])
def sell_plots(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "set_status",
        lambda n: ngettext("%(n)d plot marked as sold.", "%(n)d plots marked as sold.", n) % {"n": n},
        LandPlotStatus.SOLD,
    )


class PurposeFilter(admin.SimpleListFilter):
    title = _("permitted purpose")
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        return Purpose.choices

    def queryset(self, request, queryset):
        if self.value() in Purpose.values:
            return queryset.with_any_purpose([self.value()])
        return queryset


class LandImportForm(ImportForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "GeoJSON (.geojson), GeoPackage (.gpkg) or a zipped Shapefile (.zip), in SWEREF 99 TM "
            "(EPSG:3006), a local SWEREF 99 zone (3007–3018) or WGS84 (4326)."
        ),
    )
    layer = forms.CharField(
        label=_("Layer"),
        required=False,
        max_length=200,
        help_text=_("Only needed when the file has several layers."),
    )
    srid = forms.IntegerField(
        label=_("Coordinate system (EPSG code)"),
        required=False,
        min_value=1,
        help_text=_(
            "Only needed when the file does not say which system it uses (a Shapefile without .prj), "
            "e.g. 3006 for SWEREF 99 TM or 3009 for SWEREF 99 15 00."
        ),
    )
    mapping = forms.FileField(
        label=_("Mapping file (optional)"),
        required=False,
        help_text=_(
            'JSON such as {"external_ref": "OBJEKT_ID", "name": "FASTIGHET"} when the attributes are not '
            'named like the fields. It can also translate the file\'s words: {"plan_status": {"attribute": '
            '"PLANSTATUS", "values": {"Laga kraft": "in_force"}}}. Common Swedish words (Industri, Laga kraft, '
            "Ja, Finns) are understood without it."
        ),
    )

    def clean_mapping(self):
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return {}
        if upload.size > 100_000:
            raise forms.ValidationError(_("The mapping file is too large."))
        try:
            return parse_mapping(upload.read())
        except ImportError_ as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(LandPlot)
class LandPlotAdmin(
    MunicipalityScopedAdmin, ImportAdminMixin, ListingAdminMixin, SimpleHistoryAdmin, MapAdmin
):
    importer_class = LandPlotImporter
    import_form_class = LandImportForm
    change_list_template = "land/admin/change_list.html"
    list_display = [
        "name",
        "area_name",
        "municipality",
        "area_ha",
        "purpose_list",
        "plan_status",
        "status",
        "freshness",
    ]
    list_filter = [
        "status",
        NeedsConfirmationFilter,
        "municipality",
        PurposeFilter,
        "plan_status",
        "rail_siding_possible",
    ]
    search_fields = ["name", "area_name", "external_ref", "plan_id"]
    list_select_related = ["municipality"]
    readonly_fields = [
        "area_m2",
        "published_at",
        "confirmed_at",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    actions = [publish_listings, confirm_listings, reserve_plots, sell_plots, archive_listings]
    settings_overrides = {"DEFAULT_CENTER": (59.27, 15.2), "DEFAULT_ZOOM": 9}
    fieldsets = [
        (None, {"fields": ["municipality", "external_ref", "name", "area_name", "status"]}),
        (_("Boundary"), {"fields": ["geom", "area_m2"]}),
        (
            _("Use and plan"),
            {
                "fields": [
                    "purposes",
                    "plan_id",
                    "plan_status",
                    "plan_purpose_codes",
                    "max_site_coverage_pct",
                    "max_building_height_m",
                    "plan_document_url",
                ]
            },
        ),
        (_("Price and division"), {"fields": ["price_sek_per_m2", "divisible", "min_plot_m2"]}),
        (
            _("Services"),
            {
                "fields": [
                    "water_sewer",
                    "district_heating",
                    "fibre",
                    "electricity_kw",
                    "rail_siding_possible",
                ]
            },
        ),
        (_("Description"), {"fields": ["description_sv", "description_en"]}),
        (
            _("Contact"),
            {"fields": ["contact_name", "contact_organisation", "contact_email", "contact_phone"]},
        ),
        (
            _("Life cycle"),
            {
                "fields": [
                    "published_at",
                    "confirmed_at",
                    "created_at",
                    "updated_at",
                    "created_by",
                    "updated_by",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("municipality__boundary")

    @admin.display(description=_("area (ha)"), ordering="area_m2")
    def area_ha(self, obj):
        return number_format(obj.area_m2 / 10000, decimal_pos=2)

    @admin.display(description=_("permitted purposes"))
    def purpose_list(self, obj):
        return ", ".join(obj.purpose_labels)

    # --- import
    def read_import_source(self, form):
        return read_gis_upload(
            form.cleaned_data["file"],
            layer=form.cleaned_data.get("layer") or None,
            srid=form.cleaned_data.get("srid"),
        )

    def importer_kwargs(self, form) -> dict:
        return {"mapping": form.cleaned_data.get("mapping") or None}

    def import_help_text(self) -> str:
        return str(
            _(
                "Each feature is one plot. Attributes are read by the field names below unless a mapping "
                "file says otherwise; external_ref and municipality_code are required, other attributes "
                "that are missing keep their current value. purposes is a comma-separated list of: "
                "%(purposes)s. Invalid boundaries are repaired when that changes the area by at most 1 %%. "
                "Nothing is saved unless every feature is correct.\n\nFields: %(fields)s"
            )
            % {"purposes": ", ".join(Purpose.values), "fields": ", ".join(FIELDS)}
        )


@admin.register(Landmark)
class LandmarkAdmin(RegionalOnlyAdmin, MapAdmin):
    """Shared by the whole region, so only regional administrators change it."""

    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
