"""Admin for skills supply.

Programmes belong to municipalities (many): officers edit those that include one of
their municipalities, through the core `MunicipalityScopedAdmin`. Occupations,
industries, partners and shortage assessments are region-wide reference data: every
officer may look at them, only regional administrators (and superusers) change them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from brorebro.admin import (
    ImportAdminMixin,
    MunicipalityScopedAdmin,
    RegionalOnlyAdmin,
    allowed_municipality_ids,
    user_municipalities,
    user_sees_all,
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
    municipality_field = "municipalities"
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

    def owns(self, request, obj) -> bool:
        # A programme is shared: an officer works on it when it is given in *one* of their
        # municipalities (the core rule, "all of them", would lock out every partner).
        if obj is None or user_sees_all(request):
            return True
        return bool(self.object_municipality_ids(obj) & allowed_municipality_ids(request))

    def has_delete_permission(self, request, obj=None):
        # Deleting takes the programme away from every municipality, so only when all are theirs.
        if obj is None or user_sees_all(request):
            return super().has_delete_permission(request, obj)
        return super().has_delete_permission(request, obj) and self.object_municipality_ids(
            obj
        ) <= allowed_municipality_ids(request)

    def delete_queryset(self, request, queryset):
        # The bulk action asks has_delete_permission without an object; check each one here.
        if not user_sees_all(request):
            foreign = Municipality.objects.exclude(pk__in=allowed_municipality_ids(request))
            if queryset.filter(municipalities__in=foreign).exists():
                raise PermissionDenied(_("A selected programme is also given in another municipality."))
        super().delete_queryset(request, queryset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "municipalities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _hidden_municipalities(self, request, obj):
        """The municipalities of `obj` the requesting officer cannot see (and so cannot pick)."""
        if obj is None or obj.pk is None or user_sees_all(request):
            return Municipality.objects.none()
        return obj.municipalities.exclude(pk__in=user_municipalities(request)).defer("boundary")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        hidden = list(self._hidden_municipalities(request, obj))
        field = form.base_fields.get("municipalities")
        if hidden and field is not None:
            # get_form builds a new form class with new fields each time, so this is per request.
            field.help_text = _(
                "Also given in %(names)s, which you do not manage; they are kept when you save."
            ) % {"names": ", ".join(m.name for m in hidden)}
        return form

    def save_model(self, request, obj, form, change):
        # The core check compares *all* the municipalities already on the object with the
        # officer's, which refuses any programme shared with another municipality. For a
        # many-to-many scope the check that matters is what the officer picked: the form
        # field offers only their municipalities (a forged id fails validation), and this
        # refuses anything else that gets past it. Municipalities they cannot see are kept
        # in save_related.
        if not user_sees_all(request):
            allowed = allowed_municipality_ids(request)
            picked = {m.pk for m in form.cleaned_data.get("municipalities", [])}
            if not picked or not picked <= allowed:
                raise PermissionDenied(_("You cannot save data for another municipality."))
            request._skills_hidden_municipalities = list(self._hidden_municipalities(request, obj))
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        hidden = getattr(request, "_skills_hidden_municipalities", [])
        if hidden:
            form.instance.municipalities.add(*hidden)
