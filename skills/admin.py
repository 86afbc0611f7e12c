"""Admin for skills supply.

Programmes belong to municipalities (many): officers edit those that include one of
their municipalities, by the core `MunicipalityScopedAdmin`'s ANY_OF policy. Occupations,
industries, partners and shortage assessments are region-wide reference data: every
officer may look at them, only regional administrators (and superusers) change them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from brorebro.admin import (
    ANY_OF,
    ImportAdminMixin,
    MunicipalityScopedAdmin,
    RegionalOnlyAdmin,
)
from brorebro.models import Municipality
from skills.importing import YrkesbarometerImporter, read_yrkesbarometer_bytes
from skills.models import REGION_COUNTY, Industry, Intake, Occupation, Partner, Programme, ShortageAssessment


@admin.register(Industry)
class IndustryAdmin(RegionalOnlyAdmin):
    list_display = ["sni_code", "sni_version", "name_sv", "name_en", "sector"]
    list_filter = ["sector", "sni_version"]
    search_fields = ["sni_code", "name_sv", "name_en"]


@admin.register(Occupation)
class OccupationAdmin(RegionalOnlyAdmin):
    list_display = ["ssyk", "name_sv", "name_en", "jobtech_concept_id"]
    list_filter = ["industries__sector"]
    search_fields = ["ssyk", "name_sv", "name_en"]
    filter_horizontal = ["industries"]


@admin.register(Partner)
class PartnerAdmin(RegionalOnlyAdmin):
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name"]


class YrkesbarometerImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Yrkesbarometer JSON: a list of objects with yb_yrke, ssyk, ssyk_text, lan, "
            "rekryteringssituation, jobbmojligheter, prognos and omgang."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, without saving"),
        required=False,
        initial=True,
    )


@admin.register(ShortageAssessment)
class ShortageAssessmentAdmin(ImportAdminMixin, RegionalOnlyAdmin):
    list_display = ["occupation", "region", "period", "recruitment", "outlook", "job_opportunities", "source"]
    list_filter = ["period", "recruitment", "outlook", "region_code"]
    search_fields = ["occupation__ssyk", "occupation__name_sv", "note"]
    autocomplete_fields = ["occupation"]
    list_select_related = ["occupation"]
    importer_class = YrkesbarometerImporter
    import_form_class = YrkesbarometerImportForm
    import_reader = staticmethod(read_yrkesbarometer_bytes)
    import_title = _("Import Yrkesbarometer")

    def get_queryset(self, request):
        # The municipality's name for municipal assessments, in the same query as the list.
        name = Municipality.objects.filter(code=OuterRef("region_code")).values("name")[:1]
        return super().get_queryset(request).annotate(municipality_name=Subquery(name))

    @admin.display(description=_("region"), ordering="region_code")
    def region(self, obj):
        if obj.region_code == "00":
            return _("Sweden (00)")
        if obj.region_code == REGION_COUNTY:
            return _("Örebro County (18)")
        return f"{getattr(obj, 'municipality_name', None) or '?'} ({obj.region_code})"

    def import_help_text(self) -> str:
        return str(
            _(
                "County 18 and the national reference 00 are kept; other counties are skipped. "
                "Problems are reported by item number, counting from 1. Nothing is saved unless "
                "the whole file is right."
            )
        )


class IntakeInline(admin.TabularInline):
    model = Intake
    extra = 1
    fields = ["term", "applicants", "enrolled", "completed", "employed_within_6_months"]


@admin.register(Programme)
class ProgrammeAdmin(MunicipalityScopedAdmin):
    # A programme is shared: an officer works on it when it is given in one of their
    # municipalities ("all of them" would lock out every partner); deleting needs all.
    municipality_field = "municipalities"
    shared_policy = ANY_OF
    inlines = [IntakeInline]
    list_display = ["name_sv", "kind", "status", "municipality_names", "start_date", "seats"]
    list_filter = ["status", "kind", "municipalities"]
    search_fields = ["name_sv", "name_en", "provider"]
    autocomplete_fields = ["occupations", "industries", "partners"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name_sv", "name_en", "kind", "status", "provider", "partners"]}),
        (_("Where and what for"), {"fields": ["municipalities", "occupations", "industries"]}),
        (
            _("Facts"),
            {"fields": ["start_date", "application_deadline", "length_weeks", "study_pace", "seats"]},
        ),
        (
            _("How to apply"),
            {"fields": ["application_url", "contact_name", "contact_email", "contact_phone"]},
        ),
        (_("Description"), {"fields": ["description_sv", "description_en"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("municipalities")

    @admin.display(description=_("municipalities"))
    def municipality_names(self, obj):
        return ", ".join(m.name for m in obj.municipalities.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "municipalities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        hidden = list(self.hidden_municipalities(request, obj))
        field = form.base_fields.get("municipalities")
        if hidden and field is not None:
            # get_form builds a new form class with new fields each time, so this is per request.
            field.help_text = _(
                "Also given in %(names)s, which you do not manage; they are kept when you save."
            ) % {"names": ", ".join(m.name for m in hidden)}
        return form
