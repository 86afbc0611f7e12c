"""Saved searches in the admin, for support: find an address's alerts, delete them on request."""

from __future__ import annotations

from django.contrib import admin

from alerts.models import SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "section",
        "frequency",
        "language",
        "created_at",
        "confirmed_at",
        "last_digest_at",
    ]
    list_filter = ["section", "frequency", "language", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "section",
        "query",
        "language",
        "created_at",
        "confirmed_at",
        "active_at",
        "last_digest_at",
        "checked_until",
    ]
    fields = readonly_fields[:3] + ["frequency"] + readonly_fields[3:]

    def has_add_permission(self, request) -> bool:
        return False
