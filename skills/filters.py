"""The filters of the skills page: one GET form for the shortage list and the programme list.

Sector and municipality apply to both lists; status and occupation only to programmes.
A value that is not understood is reported on the form and ignored, never a 500.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brorebro.models import Municipality
from skills.models import Occupation, Programme, ProgrammeStatus, Sector


class OccupationField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.ssyk})"


class OccupationChoice(django_filters.ModelChoiceFilter):
    field_class = OccupationField


class ProgrammeFilter(django_filters.FilterSet):
    sector = django_filters.ChoiceFilter(
        label=_("Growth sector"), choices=Sector.choices, method="filter_sector", empty_label=_("All sectors")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        field_name="municipalities",
        to_field_name="code",
        queryset=Municipality.objects.in_county().defer("boundary").order_by("name"),
        empty_label=_("All municipalities"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Programme status"), choices=ProgrammeStatus.choices, empty_label=_("All except cancelled")
    )
    occupation = OccupationChoice(
        label=_("Occupation"),
        field_name="occupations",
        to_field_name="ssyk",
        # Only occupations some programme trains for: the others would always give no result.
        queryset=Occupation.objects.filter(programmes__isnull=False).distinct().order_by("name_sv"),
        empty_label=_("All occupations"),
    )

    class Meta:
        model = Programme
        fields = ["sector", "municipality", "status", "occupation"]

    def filter_sector(self, queryset, name, value):
        # A programme belongs to a sector through its own industries or through the
        # industries of the occupations it trains for.
        return queryset.filter(Q(industries__sector=value) | Q(occupations__industries__sector=value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.public()
        # The M2M joins can repeat a programme; one distinct at the end keeps it once.
        return queryset.distinct()

    def value(self, name: str):
        """The valid cleaned value of one filter, or None (also when that filter was invalid)."""
        self.form.is_valid()  # runs validation; cleaned_data then holds only the valid fields
        return self.form.cleaned_data.get(name) or None
