"""The case admin: officers see the cases that concern their municipalities, and work them.

Scoping is the core's `MunicipalityScopedAdmin` over `concerned_municipalities` with ANY_OF:
an officer sees a case when any municipality it concerns is theirs, and gets the core's 404
for any other case on every path (changelist, change page, history, the publish button, the
CSV export, a forged POST). The company's personal data is on these pages only.

Officers add their own listings to the proposal (only their municipalities' published
listings are offered, and only their own items are editable); the regional coordinator
(a regional administrator) publishes it, which e-mails the company.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from brorebro.admin import (
    ANY_OF,
    MunicipalityScopedAdmin,
    allowed_municipality_ids,
    redirect_back,
    start_panel,
    user_sees_all,
)
from brorebro.csvexport import csv_response
from establishment import notify
from establishment.models import (
    TRANSITIONS,
    CaseNote,
    CaseStatus,
    EstablishmentRequest,
    ProposalItem,
    Recruitment,
)
from land.models import LandPlot, Purpose
from premises.models import Amenity, Kind, Premises

REQUEST_FIELDS = [
    "company_name",
    "company_country",
    "org_number",
    "contact_name",
    "contact_email",
    "contact_phone",
    "via_consultant",
    "language",
    "wants",
    "premises_kinds_display",
    "land_purposes_display",
    "area_min_m2",
    "area_max_m2",
    "land_area_min_ha",
    "land_area_max_ha",
    "tenure",
    "rent_budget",
    "price_budget",
    "land_price_budget",
    "wanted_by",
    "municipalities",
    "amenities_display",
    "nice_amenities_display",
    "land_rail",
    "land_water_sewer",
    "land_min_kw",
    "max_km_motorway",
    "max_km_rail_terminal",
    "max_km_airport",
    "jobs",
    "free_text",
    "notify_new_matches",
    "consent",
]


class CaseForm(forms.ModelForm):
    class Meta:
        model = EstablishmentRequest
        fields = ["status"]  # the admin adds the others from its fieldsets

    def clean_status(self):
        status = self.cleaned_data["status"]
        before = self.instance.status if self.instance.pk else CaseStatus.NEW
        if status != before and status not in TRANSITIONS.get(CaseStatus(before), []):
            allowed = ", ".join(str(CaseStatus(s).label) for s in TRANSITIONS.get(CaseStatus(before), []))
            raise forms.ValidationError(
                _("A case cannot go from “%(from)s” to “%(to)s”. Next steps: %(allowed)s.")
                % {"from": CaseStatus(before).label, "to": CaseStatus(status).label, "allowed": allowed}
            )
        return status


class RecruitmentInline(admin.TabularInline):
    model = Recruitment
    extra = 0
    can_delete = False
    readonly_fields = ["occupation", "head_count"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseNoteInline(admin.TabularInline):
    """Notes are added, never changed or deleted: the list is the case's history of notes."""

    model = CaseNote
    extra = 1
    can_delete = False
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return obj is not None


class ProposalItemInline(admin.StackedInline):
    """The officer's own part of the proposal: their municipalities' items, their listings."""

    model = ProposalItem
    extra = 1
    fields = ["premises", "land_plot", "note"]
    verbose_name_plural = _("proposal: your municipalities' listings")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if user_sees_all(request):
            return qs
        return qs.filter(municipality__in=allowed_municipality_ids(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "premises":
            kwargs["queryset"] = Premises.objects.visible().for_user(request.user).order_by("title")
        elif db_field.name == "land_plot":
            kwargs["queryset"] = LandPlot.objects.visible().for_user(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return obj is not None and super().has_add_permission(request, obj)


@admin.action(description=_("Export the selected cases (CSV)"), permissions=["view"])
def export_cases(modeladmin, request, queryset):
    # `queryset` comes through the admin's scoped get_queryset: a forged id is not in it.
    header = ["received", "company", "country", "contact", "e-mail", "status", "jobs", "municipalities"]
    rows = [
        [
            case.created_at.date().isoformat(),
            case.company_name,
            case.company_country,
            case.contact_name,
            case.contact_email,
            case.get_status_display(),
            case.jobs,
            ", ".join(m.name for m in case.concerned_municipalities.all()),
        ]
        for case in queryset.prefetch_related("concerned_municipalities")
    ]
    return csv_response("establishment-cases.csv", header, rows, stream=False)


def _labels(field: str, choices, description):
    """A read-only display of a list of choice keys (stored as JSON) by their labels."""
    labels = dict(choices)

    @admin.display(description=description)
    def show(self, obj):
        return ", ".join(str(labels.get(key, key)) for key in getattr(obj, field)) or "–"

    return show


@admin.register(EstablishmentRequest)
class CaseAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    form = CaseForm
    # The company's page is the company's own: its address is not handed to the officers.
    view_on_site = False
    premises_kinds_display = _labels("premises_kinds", Kind.choices, _("kinds of premises"))
    land_purposes_display = _labels("land_purposes", Purpose.choices, _("land purposes"))
    amenities_display = _labels("amenities", Amenity.choices, _("must-have amenities"))
    nice_amenities_display = _labels("nice_amenities", Amenity.choices, _("nice-to-have amenities"))
    municipality_field = "concerned_municipalities"
    shared_policy = ANY_OF
    list_display = [
        "created_at",
        "company_name",
        "status",
        "assigned_officer",
        "new_match_count",
        "proposal_sent",
    ]
    list_display_links = ["company_name"]
    list_filter = ["status", "concerned_municipalities"]
    search_fields = ["company_name", "contact_name", "contact_email"]
    date_hierarchy = "created_at"
    actions = [export_cases]
    inlines = [ProposalItemInline, CaseNoteInline, RecruitmentInline]
    fieldsets = [
        (
            _("Case"),
            {
                "fields": [
                    "status",
                    "assigned_officer",
                    "concerned_municipalities",
                    "created_at",
                    "proposal_published_at",
                    "publish_button",
                    "closed_at",
                    "new_matches",
                ]
            },
        ),
        (
            _("Outcome (when established)"),
            {
                "fields": [
                    "established_municipality",
                    "established_where",
                    "established_jobs",
                    "established_on",
                ]
            },
        ),
        (_("The request"), {"fields": REQUEST_FIELDS}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            *REQUEST_FIELDS,
            "created_at",
            "proposal_published_at",
            "publish_button",
            "closed_at",
            "new_matches",
        ]
        # The scope follows from the request and its matches, not from an officer's edit.
        if not user_sees_all(request):
            readonly.append("concerned_municipalities")
        return readonly

    def has_add_permission(self, request):
        return False  # a case starts as a company's request on the public site

    def start_page_panel(self, request) -> dict:
        """The new cases on the officer's start page (brorebro.admin.start_page)."""
        new = (
            self.get_queryset(request)
            .filter(status=CaseStatus.NEW)
            .prefetch_related("concerned_municipalities")
        )
        return start_panel(
            self,
            request,
            key="cases",
            title=_("New establishment requests"),
            empty=_("No new establishment requests."),
            queryset=new.order_by("-created_at"),
            columns=[_("received"), _("company"), _("municipalities concerned")],
            cells=lambda case: [
                f"{case.created_at:%Y-%m-%d}",
                case.company_name,
                ", ".join(m.name for m in case.concerned_municipalities.all()),
            ],
            all_query=f"status__exact={CaseStatus.NEW}",
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assigned_officer")
            .annotate(_new=Count("known_matches", filter=Q(known_matches__is_new=True), distinct=True))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_officer":
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True, officer__isnull=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _target_municipality_ids(self, obj, form) -> set[int]:
        # An officer cannot change the scope (the field is read-only for them): the save gives
        # the case only the municipalities the officer already works for in it.
        allowed = getattr(form, "_officer_municipality_ids", None)
        if allowed is not None and self._scope_field_name() not in (
            getattr(form, "cleaned_data", None) or {}
        ):
            return self.object_municipality_ids(obj) & allowed
        return super()._target_municipality_ids(obj, form)

    def save_model(self, request, obj, form, change):
        if not user_sees_all(request):
            form._officer_municipality_ids = allowed_municipality_ids(request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CaseNote) and instance.author_id is None:
                instance.author = request.user
            if isinstance(instance, ProposalItem):
                instance.added_by = instance.added_by or request.user
                listing = instance.listing
                if not user_sees_all(request) and (
                    listing is None or listing.municipality_id not in allowed_municipality_ids(request)
                ):
                    raise PermissionDenied(_("You can only propose your own municipality's listings."))
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    # --- display
    @admin.display(description=_("new matches"), ordering="_new")
    def new_match_count(self, obj):
        return obj._new or "–"

    @admin.display(boolean=True, description=_("proposal sent"))
    def proposal_sent(self, obj):
        return obj.proposal_published_at is not None

    @admin.display(description=_("new matches"))
    def new_matches(self, obj):
        rows = [
            (m.listing.get_absolute_url(), str(m.listing), m.first_seen_at.strftime("%Y-%m-%d"))
            for m in obj.known_matches.filter(is_new=True).select_related("premises", "land_plot")
        ]
        if not rows:
            return "–"
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> ({})</li>', rows))

    @admin.display(description=_("publish"))
    def publish_button(self, obj):
        url = reverse("admin:establishment_establishmentrequest_publish", args=[obj.pk])
        label = _("Publish the proposal again") if obj.proposal_published_at else _("Publish the proposal")
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" name="_publish">{}</button>',
            url,
            label,
        )

    def get_fieldsets(self, request, obj=None):
        # Only the regional coordinator publishes: officers do not get the button.
        if user_sees_all(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "publish_button"]})
            for name, options in self.fieldsets
        ]

    # --- publishing
    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name=f"{opts.app_label}_{opts.model_name}_publish",
            ),
        ] + super().get_urls()

    def publish_view(self, request, object_id):
        case = self.get_object(request, unquote(object_id))  # scoped: another's case is a 404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not user_sees_all(request) or not self.has_change_permission(request, case):
            raise PermissionDenied(_("Only the regional coordinator publishes a proposal."))
        if not case.proposal_items.exists():
            self.message_user(request, _("Add at least one listing to the proposal first."), messages.ERROR)
        else:
            case.publish_proposal()
            notify.proposal_published(case, notify.site_url())
            self.message_user(
                request,
                _("The proposal is published; %(company)s has been e-mailed a link.")
                % {"company": case.company_name},
                messages.SUCCESS,
            )
        return redirect_back(
            request, reverse("admin:establishment_establishmentrequest_change", args=[case.pk])
        )
