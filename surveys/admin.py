"""Admin for the survey.

Rounds, areas, factors, KPI mappings and published results are the region's, so only
regional administrators change them. Raw responses belong to a municipality: the core
scoping mixin shows them only to that municipality's officers and regional administrators.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from brorebro.admin import (
    ImportAdminMixin,
    ImportForm,
    MunicipalityScopedAdmin,
    RegionalOnlyAdmin,
    user_sees_all,
)
from surveys.importing import RESPONSE_COLUMNS, KoladaImporter, ResponseImporter, read_kolada
from surveys.models import (
    AuthorityArea,
    KoladaKpiMapping,
    PublishedResult,
    Response,
    ServiceFactor,
    SurveyRound,
)


@admin.register(SurveyRound)
class SurveyRoundAdmin(RegionalOnlyAdmin):
    list_display = ["year", "label", "scale_max", "min_n_display", "counted"]
    filter_horizontal = ["counted_areas"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("counted_areas")

    @admin.display(description=_("areas counted toward the total"))
    def counted(self, obj):
        return ", ".join(a.name for a in obj.counted_areas.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The form has just set the chosen areas; an empty choice on a new round means the defaults.
        if not change:
            form.instance.set_default_counted_areas()


@admin.register(AuthorityArea)
class AuthorityAreaAdmin(RegionalOnlyAdmin):
    list_display = ["name_sv", "name_en", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name_sv"]}


@admin.register(ServiceFactor)
class ServiceFactorAdmin(RegionalOnlyAdmin):
    list_display = ["name_sv", "name_en", "slug", "order"]
    list_editable = ["order"]

    def get_readonly_fields(self, request, obj=None):
        # The slug names a column of Response; renaming it would break the method.
        return ["slug"] if obj else []


@admin.register(KoladaKpiMapping)
class KoladaKpiMappingAdmin(RegionalOnlyAdmin):
    list_display = ["kpi", "years_label", "authority_area", "description"]
    list_filter = ["authority_area"]
    search_fields = ["kpi", "description"]


@admin.register(PublishedResult)
class PublishedResultAdmin(ImportAdminMixin, RegionalOnlyAdmin):
    list_display = ["year", "area_code", "authority_area", "value", "n", "source"]
    list_filter = ["year", "area_code", "authority_area"]
    search_fields = ["area_code", "source"]
    importer_class = KoladaImporter
    import_reader = staticmethod(read_kolada)
    import_title = _("Import from Kolada")
    import_file_help = _("A Kolada API JSON document, or a list of its pages.")

    def import_help_text(self) -> str:
        return str(
            _(
                "A Kolada API document (v2 or v3) as JSON, or a list of its pages. KPI ids are mapped "
                "to authority areas, with the survey years each mapping covers, under Kolada KPI "
                "mappings. Entries without a value are left out and named in the report. A download "
                "whose last page links to a next page is refused unless you allow a partial import."
            )
        )

    # Official figures are the region's business only.
    def has_module_permission(self, request):
        return user_sees_all(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_view_permission(request, obj)


class ResponseImportForm(ImportForm):
    scale = forms.IntegerField(
        label=_("Scale of a new round"),
        required=False,
        min_value=2,
        max_value=100,
        help_text=_(
            "Only for a year that has no survey round yet (regional administrators): answers run 1 to this."
        ),
    )


@admin.register(Response)
class ResponseAdmin(ImportAdminMixin, MunicipalityScopedAdmin):
    list_display = ["id", "round", "municipality", "area", "q_total", "q_expectations", "q_ideal", "complete"]
    list_filter = ["round", "area", "municipality"]
    list_select_related = ["round", "municipality", "area"]
    importer_class = ResponseImporter
    import_title = _("Import responses")
    import_form_class = ResponseImportForm
    show_full_result_count = False

    @admin.display(boolean=True, description=_("complete NKI"))
    def complete(self, obj):
        return obj.is_complete

    def importer_kwargs(self, form) -> dict:
        return {"scale": form.cleaned_data.get("scale")}

    def import_help_text(self) -> str:
        return _(
            "CSV (UTF-8) or XLSX with the header: %(header)s. One row per response. Empty cells are "
            "unanswered questions; any other answer is a whole number from 1 to the round's scale. "
            "Nothing is saved if any row has a problem."
        ) % {"header": ", ".join(RESPONSE_COLUMNS)}
