"""Admin for the core, and the pieces every app's admin is built from.

`MunicipalityScopedAdmin` is the one place that enforces "an officer sees and edits
only the data of their own municipalities". Every municipality-owned model's admin
uses it. `ImportAdminMixin` adds an upload page that runs a core `Importer`.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from brorebro.admin_import import ImportAdminMixin, ImportForm  # noqa: F401 (re-exported; the import page lives there)
from brorebro.listings import ListingStatus
from brorebro.models import Inquiry, Municipality, Officer

admin.site.site_header = _("Business Region Örebro – administration")
admin.site.site_title = _("Business Region Örebro")
admin.site.index_title = _("Listings, surveys and skills")


def user_municipalities(request):
    """The municipalities the requesting user may act for (cached per request)."""
    if not hasattr(request, "_brorebro_municipalities"):
        request._brorebro_municipalities = Municipality.objects.for_user(request.user).defer("boundary")
    return request._brorebro_municipalities


def allowed_municipality_ids(request) -> set[int]:
    if not hasattr(request, "_brorebro_municipality_ids"):
        request._brorebro_municipality_ids = set(user_municipalities(request).values_list("pk", flat=True))
    return request._brorebro_municipality_ids


def user_sees_all(request) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    officer = getattr(user, "officer", None)
    return bool(officer and officer.is_regional_admin)


class ScopedMunicipalityFilter(admin.RelatedFieldListFilter):
    """The municipality list filter, offering only the officer's own municipalities."""

    def field_choices(self, field, request, model_admin):
        return [(m.pk, str(m)) for m in user_municipalities(request)]


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Limit an admin to the municipalities of the logged-in officer.

    `municipality_field` is the lookup from the model to its municipality (or to a
    many-to-many of municipalities, e.g. "municipalities"). Scoping covers the
    changelist, single-object views (403 for another municipality's object), the
    municipality choices in forms, and saving (a forged id is refused).
    """

    municipality_field = "municipality"

    # --- querysets
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if user_sees_all(request):
            return qs
        lookup = f"{self.municipality_field}__in"
        qs = qs.filter(**{lookup: user_municipalities(request)})
        if self._scope_is_multi():
            qs = qs.distinct()
        return qs

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [(f, ScopedMunicipalityFilter) if f == self.municipality_field else f for f in filters]

    def _scope_is_multi(self) -> bool:
        field = self.model._meta.get_field(self.municipality_field.split("__")[0])
        return field.many_to_many

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not user_sees_all(request):
            field = from_field or self.model._meta.pk.name
            try:
                exists = self.model._default_manager.filter(**{field: object_id}).exists()
            except (ValueError, TypeError):
                exists = False
            if exists:
                raise PermissionDenied(_("This belongs to another municipality."))
        return obj

    # --- object permissions: every view that is handed an object asks these, including
    # views that do not go through get_queryset (simple_history's history pages fall
    # back to the historical records when the scoped queryset misses the object).
    def owns(self, request, obj) -> bool:
        if obj is None or user_sees_all(request):
            return True
        return self.object_municipality_ids(obj) <= allowed_municipality_ids(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.owns(request, obj)

    def get_list_display(self, request):
        # A municipality column says nothing to an officer who has only one.
        display = super().get_list_display(request)
        if (
            self.municipality_field in display
            and not user_sees_all(request)
            and len(allowed_municipality_ids(request)) == 1
        ):
            display = [name for name in display if name != self.municipality_field]
        return display

    # --- form choices
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality:
            kwargs["queryset"] = user_municipalities(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality:
            kwargs["queryset"] = user_municipalities(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = list(user_municipalities(request)[:2])
        if len(own) == 1 and self.municipality_field == "municipality":
            initial.setdefault("municipality", own[0].pk)
        return initial

    # --- saving
    def object_municipality_ids(self, obj) -> set[int]:
        name = self.municipality_field.split("__")[0]
        field = obj._meta.get_field(name)
        if field.many_to_many:
            if obj.pk is None:
                return set()
            return set(getattr(obj, name).values_list("pk", flat=True))
        value = getattr(obj, field.attname)
        return {value} if value is not None else set()

    def save_model(self, request, obj, form, change):
        if not user_sees_all(request):
            if not self.object_municipality_ids(obj) <= allowed_municipality_ids(request):
                raise PermissionDenied(_("You cannot save data for another municipality."))
        if hasattr(obj, "created_by_id") and not change:
            obj.created_by = request.user
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class RegionalOnlyAdmin(admin.ModelAdmin):
    """Region-wide records: officers with the model's permissions may look; only
    regional administrators (and superusers) add, change or delete."""

    def has_add_permission(self, request):
        return user_sees_all(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_delete_permission(request, obj)


# --- Listing actions, shared by premises and land (module-level, as Django admin likes).
def apply_to_listings(modeladmin, request, queryset, method, done_message, *args):
    count = 0
    for obj in queryset:
        getattr(obj, method)(*args, user=request.user)
        count += 1
    modeladmin.message_user(request, done_message(count), messages.SUCCESS)


@admin.action(description=_("Publish selected listings"), permissions=["change"])
def publish_listings(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "publish",
        lambda n: ngettext("%(n)d listing published.", "%(n)d listings published.", n) % {"n": n},
    )


@admin.action(description=_("Confirm still available"), permissions=["change"])
def confirm_listings(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "confirm",
        lambda n: ngettext("%(n)d listing confirmed.", "%(n)d listings confirmed.", n) % {"n": n},
    )


@admin.action(description=_("Archive selected listings"), permissions=["change"])
def archive_listings(modeladmin, request, queryset):
    apply_to_listings(
        modeladmin,
        request,
        queryset,
        "archive",
        lambda n: ngettext("%(n)d listing archived.", "%(n)d listings archived.", n) % {"n": n},
    )


class NeedsConfirmationFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [("stale", _("Not confirmed for 90 days or more"))]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.needs_confirmation()
        return queryset


class ListingAdminMixin:
    """Freshness shared by the listing admins: the date in the list, and a one-click confirm.

    The confirm button sits in the changelist's own form and posts it, with `formaction`,
    to `<id>/confirm/`; that view fetches the object through the scoped `get_object`.
    """

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name=f"{opts.app_label}_{opts.model_name}_confirm",
            ),
        ] + super().get_urls()

    def confirm_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        obj.confirm(user=request.user)
        self.message_user(
            request, _("“%(listing)s” is confirmed as still available.") % {"listing": obj}, messages.SUCCESS
        )
        # Back to the list as it was (filters, page), which is where the button was pressed.
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            opts = self.model._meta
            back = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return HttpResponseRedirect(back)

    @admin.display(description=_("last confirmed"), ordering="confirmed_at")
    def freshness(self, obj):
        when = obj.last_confirmed
        if when is None:
            return "–"
        label = when.strftime("%Y-%m-%d")
        if obj.status != ListingStatus.PUBLISHED:
            return label
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_confirm", args=[obj.pk])
        button = format_html(
            '<button type="submit" class="button confirm-button" formaction="{}" formmethod="post" '
            'aria-label="{}">{}</button>',
            url,
            _("Confirm that %(listing)s is still available") % {"listing": obj},
            _("Confirm"),
        )
        if obj.needs_confirmation:
            return format_html(
                '<strong class="needs-confirmation">⚠ {} ({})</strong> {}', label, _("confirm!"), button
            )
        return format_html("{} {}", label, button)


# --- Core admins
@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county_code", "member", "office_email", "has_boundary"]
    list_filter = ["member", "county_code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["boundary"]

    @admin.display(boolean=True, description=_("boundary loaded"))
    def has_boundary(self, obj):
        return obj.boundary is not None

    def get_queryset(self, request):
        qs = super().get_queryset(request).defer("boundary")
        return qs if user_sees_all(request) else qs.filter(pk__in=user_municipalities(request))

    def get_readonly_fields(self, request, obj=None):
        # Officers may keep their office's contact details current, nothing else.
        if user_sees_all(request):
            return []
        return ["code", "name", "slug", "county_code", "member"]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug cannot be prepopulated: the admin would fail with a KeyError (500).
        return self.prepopulated_fields if user_sees_all(request) else {}

    def has_add_permission(self, request):
        return user_sees_all(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_delete_permission(request, obj)


@admin.register(Inquiry)
class InquiryAdmin(MunicipalityScopedAdmin):
    list_display = ["created_at", "listing_link", "name", "company", "municipality", "status"]
    list_filter = ["status", "municipality"]
    search_fields = ["name", "company", "email", "listing_title", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "municipality",
        "listing_link",
        "name",
        "company",
        "email",
        "phone",
        "message",
        "consent",
        "language",
        "created_at",
        "anonymised_at",
    ]
    fields = readonly_fields + ["status", "officer_notes"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("listing"))
    def listing_link(self, obj):
        listing = obj.listing
        if listing is None:
            return obj.listing_title
        opts = listing._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[listing.pk])
        return format_html('<a href="{}">{}</a>', url, obj.listing_title)


class OfficerInline(admin.StackedInline):
    model = Officer
    can_delete = False
    filter_horizontal = ["municipalities"]
    verbose_name_plural = _("officer: municipalities")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class OfficerUserAdmin(UserAdmin):
    """Only superusers manage accounts, so nobody can raise their own rights."""

    inlines = [OfficerInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


__all__ = [
    "ImportAdminMixin",
    "ListingAdminMixin",
    "ListingStatus",
    "MunicipalityScopedAdmin",
    "NeedsConfirmationFilter",
    "RegionalOnlyAdmin",
    "archive_listings",
    "confirm_listings",
    "publish_listings",
]
