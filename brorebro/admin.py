"""Admin for the core, and the pieces every app's admin is built from.

`MunicipalityScopedAdmin` is the one place that enforces "an officer sees and edits
only the data of their own municipalities". Every municipality-owned model's admin
uses it. `ImportAdminMixin` adds an upload page that runs a core `Importer`. `MapAdmin`
is django-leaflet's admin with the portal's map widget. `start_page` is what the admin
index shows an officer: what needs doing today, gathered through the same scoped admins.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from leaflet.admin import LeafletAdminWidget, LeafletGeoAdmin

from brorebro.admin_import import ImportAdminMixin, ImportForm  # noqa: F401 (re-exported; the import page lives there)
from brorebro.listings import ListingStatus
from brorebro.models import Inquiry, Municipality, Officer, sees_everything

admin.site.site_header = _("Business Region Örebro – administration")
admin.site.site_title = _("Business Region Örebro")
admin.site.index_title = _("Listings, surveys and skills")


# Request-level views of the one access rule in brorebro.models (`Municipality.objects.for_user`
# and `sees_everything`), cached because one admin page asks them many times.
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
    """`sees_everything` for the requesting user (cached per request)."""
    if not hasattr(request, "_brorebro_sees_all"):
        request._brorebro_sees_all = sees_everything(request.user)
    return request._brorebro_sees_all


class ScopedMunicipalityFilter(admin.RelatedFieldListFilter):
    """The municipality list filter, offering only the officer's own municipalities."""

    def field_choices(self, field, request, model_admin):
        return [(m.pk, str(m)) for m in user_municipalities(request)]


# How a record that belongs to several municipalities (a many-to-many scope) is shared.
ANY_OF = "any-of"
ALL_OF = "all-of"


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Limit an admin to the municipalities of the logged-in officer.

    `municipality_field` is the lookup from the model to its municipality (or to a
    many-to-many of municipalities, e.g. "municipalities"). Scoping covers the changelist,
    every view that takes an object id, the municipality choices in forms, and saving
    (a forged id is refused).

    Every object-level URL (change, delete, history, a past version and its revert, and
    the apps' own object views) fetches its object through `get_object` or
    `get_history_subject`. Another municipality's object gets the same answer as one that
    does not exist, a 404, so an officer cannot probe which ids exist.

    `shared_policy` declares how a many-to-many scope is shared:
    - ALL_OF: an officer sees and edits a record only when all its municipalities are theirs;
    - ANY_OF: when any of them is theirs. The municipalities they cannot see are kept when
      they save, and deleting (which takes the record from every municipality) still needs
      all of them.
    With a foreign key there is one municipality, and the two policies agree.
    """

    municipality_field = "municipality"
    shared_policy = ALL_OF

    # --- querysets
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if user_sees_all(request):
            return qs
        lookup = f"{self.municipality_field}__in"
        qs = qs.filter(**{lookup: user_municipalities(request)})
        if not self._scope_is_multi():
            return qs
        if self.shared_policy == ALL_OF:
            foreign = Municipality.objects.exclude(pk__in=allowed_municipality_ids(request))
            qs = qs.exclude(**{lookup: foreign})
        return qs.distinct()

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [(f, ScopedMunicipalityFilter) if f == self.municipality_field else f for f in filters]

    def _scope_field_name(self) -> str:
        return self.municipality_field.split("__")[0]

    def _scope_is_multi(self) -> bool:
        return self.model._meta.get_field(self._scope_field_name()).many_to_many

    # --- fetching one object: the same 404 for "not yours" and "not there"
    def get_object(self, request, object_id, from_field=None):
        # Django's views turn None into a redirect for a missing object; one answer for both
        # cases means raising here, where every object view asks.
        obj = super().get_object(request, object_id, from_field)  # through get_queryset: scoped
        if obj is None:
            raise Http404(_("There is no such record, or it belongs to another municipality."))
        return obj

    def get_history_subject(self, request, object_id):
        """The object whose change history `object_id` names, if the user may see it.

        That is the object itself while it exists. A deleted object is known only by its
        history, and is judged by its last recorded version. Raises Http404 otherwise.
        """
        try:
            return self.get_object(request, unquote(object_id))
        except Http404:
            history = getattr(self.model, "history", None)
            if history is None:
                raise
        try:
            records = history.filter(**{self.model._meta.pk.attname: unquote(object_id)})
            latest = records.latest("history_date")
        except (history.model.DoesNotExist, ValueError, TypeError, ValidationError):
            latest = None
        if latest is None or self.model._default_manager.filter(pk=latest.instance.pk).exists():
            # No history, or the object exists and get_object found it outside the scope.
            raise Http404(_("There is no such record, or it belongs to another municipality."))
        if not self.owns(request, latest.instance):
            raise Http404(_("There is no such record, or it belongs to another municipality."))
        return latest.instance

    def history_view(self, request, object_id, extra_context=None):
        self.get_history_subject(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history's page for one past version (GET) and its revert (POST). It
        # fetches the version by id alone; the version may lie in the officer's municipality
        # although the object has since moved, so the object is checked first. The revert
        # itself is saved through save_model, which refuses a municipality that is not theirs.
        self.get_history_subject(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- object permissions: every view that is handed an object asks these.
    def owns(self, request, obj) -> bool:
        """Whether the user may work on `obj` under this admin's `shared_policy`."""
        if obj is None or user_sees_all(request):
            return True
        ids = self.object_municipality_ids(obj)
        if not ids:
            return False
        if self.shared_policy == ANY_OF:
            return bool(ids & allowed_municipality_ids(request))
        return ids <= allowed_municipality_ids(request)

    def owns_all(self, request, obj) -> bool:
        """Whether every municipality of `obj` is the user's (needed to delete it)."""
        if obj is None or user_sees_all(request):
            return True
        ids = self.object_municipality_ids(obj)
        return bool(ids) and ids <= allowed_municipality_ids(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.owns_all(request, obj)

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
        name = self._scope_field_name()
        field = obj._meta.get_field(name)
        if field.many_to_many:
            if obj.pk is None:
                return set()
            return set(getattr(obj, name).values_list("pk", flat=True))
        value = getattr(obj, field.attname)
        return {value} if value is not None else set()

    def hidden_municipalities(self, request, obj):
        """The municipalities of a shared `obj` that the user cannot see (nor pick)."""
        if obj is None or obj.pk is None or user_sees_all(request) or not self._scope_is_multi():
            return Municipality.objects.none()
        return (
            getattr(obj, self._scope_field_name())
            .exclude(pk__in=allowed_municipality_ids(request))
            .defer("boundary")
        )

    def _target_municipality_ids(self, obj, form) -> set[int]:
        """The municipalities the user gives `obj` by saving `form`."""
        name = self._scope_field_name()
        cleaned = getattr(form, "cleaned_data", None) or {}
        if self._scope_is_multi() and name in cleaned:
            return {m.pk for m in cleaned[name]}
        return self.object_municipality_ids(obj)

    def save_model(self, request, obj, form, change):
        # The last line of defence for every path that saves through the admin (change form,
        # list edit, history revert): the form's choices already offer only the user's own
        # municipalities, and this refuses anything that gets past them.
        if not user_sees_all(request):
            target = self._target_municipality_ids(obj, form)
            if not target or not target <= allowed_municipality_ids(request):
                raise PermissionDenied(_("You cannot save data for another municipality."))
            # Read before the form's many-to-many replaces them; save_related puts them back.
            form._scope_kept = list(self.hidden_municipalities(request, obj))
        if hasattr(obj, "created_by_id") and not change:
            obj.created_by = request.user
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        kept = getattr(form, "_scope_kept", None)
        if kept:
            getattr(form.instance, self._scope_field_name()).add(*kept)

    def delete_queryset(self, request, queryset):
        # The bulk delete asks has_delete_permission without an object; a shared record
        # in the selection is checked here.
        if not user_sees_all(request):
            foreign = Municipality.objects.exclude(pk__in=allowed_municipality_ids(request))
            if queryset.filter(**{f"{self.municipality_field}__in": foreign}).exists():
                raise PermissionDenied(_("This belongs to another municipality."))
        super().delete_queryset(request, queryset)


class RegionalOnlyAdmin(admin.ModelAdmin):
    """Region-wide records: officers with the model's permissions may look; only
    regional administrators (and superusers) add, change or delete."""

    def has_add_permission(self, request):
        return user_sees_all(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return user_sees_all(request) and super().has_delete_permission(request, obj)


class MapWidget(LeafletAdminWidget):
    """django-leaflet's admin map, with `static/js/admin-map.js` after its scripts: the
    marker icons come from the static files, a click on the map places a point and its
    marker can be dragged, without the "Edit layers" mode first."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-map.js"])


class MapAdmin(LeafletGeoAdmin):
    """The admin for models with a geometry: the portal's map widget, whose template also
    hands the toolbar its translated texts (django-leaflet's admin widget leaves them out)."""

    widget = MapWidget
    map_template = "brorebro/admin_map_widget.html"


def redirect_back(request, fallback: str) -> HttpResponseRedirect:
    """Back to the page the button was pressed on (a list with its filters, the start page),
    if it is one of ours; else to `fallback`."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = fallback
    return HttpResponseRedirect(back)


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
        days = settings.LISTING_FLAG_AFTER_DAYS
        label = ngettext(
            "Not confirmed for %(days)d day or more", "Not confirmed for %(days)d days or more", days
        ) % {"days": days}
        return [("stale", label), ("hiding", hiding_label())]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.needs_confirmation()
        if self.value() == "hiding":
            return queryset.hidden_within(HIDE_WARNING_DAYS)
        return queryset


# How long before a listing leaves the public search the start page warns about it.
HIDE_WARNING_DAYS = 14


def hiding_label() -> str:
    return ngettext(
        "Hidden from the search within %(days)d day, or already hidden",
        "Hidden from the search within %(days)d days, or already hidden",
        HIDE_WARNING_DAYS,
    ) % {"days": HIDE_WARNING_DAYS}


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
        # The object first, so that any method gets the scoped answer (404) for another
        # municipality's listing, as every other object URL does.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        obj.confirm(user=request.user)
        self.message_user(
            request, _("“%(listing)s” is confirmed as still available.") % {"listing": obj}, messages.SUCCESS
        )
        opts = self.model._meta
        return redirect_back(request, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

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
class MunicipalityAdmin(MunicipalityScopedAdmin):
    # A municipality is scoped by itself: officers see and edit their own offices only.
    municipality_field = "id"
    list_display = ["name", "code", "county_code", "member", "office_email", "has_boundary"]
    list_filter = ["member", "county_code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["boundary"]

    @admin.display(boolean=True, description=_("boundary loaded"))
    def has_boundary(self, obj):
        return obj.boundary is not None

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")

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


@admin.action(description=_("Mark selected inquiries as answered"), permissions=["change"])
def mark_inquiries_answered(modeladmin, request, queryset):
    count = queryset.update(status=Inquiry.Status.ANSWERED)
    modeladmin.message_user(
        request,
        ngettext("%(n)d inquiry marked as answered.", "%(n)d inquiries marked as answered.", count)
        % {"n": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Close selected inquiries"), permissions=["change"])
def close_inquiries(modeladmin, request, queryset):
    count = queryset.update(status=Inquiry.Status.CLOSED)
    modeladmin.message_user(
        request,
        ngettext("%(n)d inquiry closed.", "%(n)d inquiries closed.", count) % {"n": count},
        messages.SUCCESS,
    )


@admin.register(Inquiry)
class InquiryAdmin(MunicipalityScopedAdmin):
    list_display = ["created_at", "listing_link", "name", "company", "municipality", "status", "answer"]
    list_filter = ["status", "municipality"]
    search_fields = ["name", "company", "email", "phone", "listing_title", "message", "officer_notes"]
    search_help_text = _("Search names, companies, e-mail addresses, phone numbers, listings and messages.")
    date_hierarchy = "created_at"
    actions = [mark_inquiries_answered, close_inquiries]
    readonly_fields = [
        "municipality",
        "listing_link",
        "name",
        "company",
        "email",
        "answer",
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

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/answered/",
                self.admin_site.admin_view(self.answered_view),
                name=f"{opts.app_label}_{opts.model_name}_answered",
            ),
        ] + super().get_urls()

    def answered_view(self, request, object_id):
        """One click from the start page or the inquiry: the inquiry has been answered."""
        obj = self.get_object(request, unquote(object_id))  # scoped: another municipality's is a 404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        obj.status = Inquiry.Status.ANSWERED
        obj.save(update_fields=["status"])
        self.message_user(
            request,
            _("The inquiry from %(name)s is marked as answered.") % {"name": obj.name},
            messages.SUCCESS,
        )
        return redirect_back(request, reverse("admin:brorebro_inquiry_changelist"))

    @admin.display(description=_("answer"))
    def answer(self, obj):
        if obj.anonymised_at is not None:  # nobody left to answer
            return "–"
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            obj.reply_mailto(),
            _("Answer %(name)s by e-mail") % {"name": obj.name},
            _("Answer by e-mail"),
        )

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


# --- The officer's start page (the admin index): what needs doing, with one click each.
START_PAGE_ROWS = 10


def _listing_rows(request, model_admin, queryset) -> list[dict]:
    opts = model_admin.model._meta
    can_change = model_admin.has_change_permission(request)
    rows = []
    for obj in queryset.select_related("municipality").order_by("last_confirmed_at", "pk")[:START_PAGE_ROWS]:
        rows.append(
            {
                "object": obj,
                "kind": opts.verbose_name,
                "municipality": obj.municipality,
                "last_confirmed": obj.last_confirmed,
                "hidden_from": obj.hidden_from,
                "is_hidden": obj.hidden_from is not None and obj.hidden_from <= timezone.now(),
                "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
                "confirm_url": (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_confirm", args=[obj.pk])
                    if can_change and model_admin.has_change_permission(request, obj)
                    else None
                ),
            }
        )
    return rows


def _listing_panel(request, key: str, title: str, empty: str, parts: list[tuple]) -> dict:
    """One panel from (model_admin, queryset, filter value) parts, one per listing admin."""
    rows, links, total = [], [], 0
    for model_admin, queryset, freshness in parts:
        count = queryset.count()
        if not count:
            continue
        total += count
        rows += _listing_rows(request, model_admin, queryset)
        opts = model_admin.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        links.append(
            {"url": f"{url}?freshness={freshness}", "label": opts.verbose_name_plural, "count": count}
        )
    rows.sort(key=lambda row: (row["last_confirmed"], row["object"].pk))
    return {
        "key": key,
        "title": title,
        "empty": empty,
        "rows": rows[:START_PAGE_ROWS],
        "total": total,
        "links": links,
    }


def start_panel(
    model_admin,
    request,
    *,
    key: str,
    title: str,
    empty: str,
    queryset,
    columns: list[str],
    cells,
    all_query: str = "",
) -> dict:
    """A start-page panel for another app's admin (its `start_page_panel(request)` returns it).

    `queryset` comes from that admin's scoped `get_queryset`; `cells(obj)` gives one row's
    texts under `columns`; each row opens its object. `all_query` filters the list behind
    "All N".
    """
    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return {
        "key": key,
        "title": title,
        "empty": empty,
        "total": queryset.count(),
        "columns": columns,
        "rows": [
            {
                "cells": cells(obj),
                "label": str(obj),
                "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            }
            for obj in queryset[:START_PAGE_ROWS]
        ],
        "all_url": f"{changelist}?{all_query}" if all_query else changelist,
    }


def start_page(request) -> dict:
    """What an officer should do today, from their municipalities' data only.

    Everything is read through the registered admins' own `get_queryset`, i.e. the scoped
    querysets of `MunicipalityScopedAdmin`: the page can show nothing that the lists do not.
    Listings come from every admin built on `ListingAdminMixin` (premises, land, ...).
    """
    site = admin.site
    listing_admins = [
        model_admin
        for model_admin in site._registry.values()
        if isinstance(model_admin, ListingAdminMixin) and model_admin.has_view_or_change_permission(request)
    ]
    hiding, stale = [], []
    for model_admin in listing_admins:
        queryset = model_admin.get_queryset(request)
        soon = queryset.hidden_within(HIDE_WARNING_DAYS)
        hiding.append((model_admin, soon, "hiding"))
        stale.append((model_admin, queryset.needs_confirmation().exclude(pk__in=soon.values("pk")), "stale"))
    days = settings.LISTING_HIDE_AFTER_DAYS
    # Without a listing admin to use (no permission), there are no listing panels at all.
    panels = (
        []
        if not listing_admins
        else [
            _listing_panel(
                request,
                "hiding",
                hiding_label(),
                _("No listing is about to leave the search."),
                hiding,
            ),
            _listing_panel(
                request,
                "stale",
                ngettext(
                    "Needs confirmation (hidden after %(days)d day without one)",
                    "Needs confirmation (hidden after %(days)d days without one)",
                    days,
                )
                % {"days": days},
                _("Every listing has been confirmed recently."),
                stale,
            ),
        ]
    )
    inquiries = None
    inquiry_admin = site._registry.get(Inquiry)
    if inquiry_admin is not None and inquiry_admin.has_view_or_change_permission(request):
        new = inquiry_admin.get_queryset(request).filter(status=Inquiry.Status.NEW).order_by("-created_at")
        can_change = inquiry_admin.has_change_permission(request)
        inquiries = {
            "total": new.count(),
            "rows": [
                {
                    "object": inquiry,
                    "change_url": reverse("admin:brorebro_inquiry_change", args=[inquiry.pk]),
                    "answered_url": (
                        reverse("admin:brorebro_inquiry_answered", args=[inquiry.pk]) if can_change else None
                    ),
                    "mailto": inquiry.reply_mailto() if inquiry.anonymised_at is None else None,
                }
                for inquiry in new.select_related("municipality")[:START_PAGE_ROWS]
            ],
            "all_url": reverse("admin:brorebro_inquiry_changelist") + f"?status__exact={Inquiry.Status.NEW}",
        }
    # Another app adds its own panel by giving its admin `start_page_panel(request)` (see
    # `start_panel`); brorebro knows no app. The establishment cases come this way.
    app_panels = []
    for model_admin in site._registry.values():
        panel_for = getattr(model_admin, "start_page_panel", None)
        if callable(panel_for) and model_admin.has_view_or_change_permission(request):
            panel = panel_for(request)
            if panel is not None:
                app_panels.append(panel)
    municipalities = None if user_sees_all(request) else list(user_municipalities(request))
    return {
        "listing_panels": panels,
        "app_panels": app_panels,
        "inquiries": inquiries,
        "municipalities": municipalities,
        "several_municipalities": municipalities is None or len(municipalities) > 1,
    }


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
