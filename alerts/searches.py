"""The two searches an alert or a feed can follow, and how a saved query string is checked.

The alerts app imports premises and land (their FilterSets, and their models through the
app registry) because an alert *is* one of their searches: the saved query string must mean
exactly what it means on the search page, so it is validated and run by the same FilterSet
instead of a copy of its rules (STYLE.md §9). Nothing in premises or land imports alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from brorebro.search import SearchFilterSet
from land.filters import LandPlotFilterSet
from premises.filters import PremisesFilterSet


class SectionKey(models.TextChoices):
    PREMISES = "premises", _("Vacant premises")
    LAND = "land", _("Land for business")


@dataclass(frozen=True)
class Search:
    key: str
    model_label: str
    filterset_class: type[SearchFilterSet]
    index_url_name: str

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def visible(self):
        return self.model.objects.visible().select_related("municipality").defer("municipality__boundary")

    def filterset(self, query: QueryDict, queryset=None, municipality_choices=None) -> SearchFilterSet:
        """The search's FilterSet; `municipality_choices` saves the choices' query when many are built."""
        return self.filterset_class(
            query,
            queryset=self.visible() if queryset is None else queryset,
            municipality_choices=municipality_choices,
        )

    def clean_query(self, query: QueryDict) -> tuple[str | None, SearchFilterSet]:
        """The query string to save (only the search's own parameters, in a fixed order), or
        None when the FilterSet refuses it; and the FilterSet, for its errors."""
        filterset = self.filterset(query)
        if not filterset.is_valid():
            return None, filterset
        kept = QueryDict(mutable=True)
        for name in sorted(filterset.filters):
            values = [value for value in query.getlist(name) if value.strip()]
            if values:
                kept.setlist(name, values)
        return kept.urlencode(), filterset

    def describe(self, query: str, municipality_choices=None) -> list[tuple[str, str]]:
        """(label, value) for each filter the saved query sets, as the person chose them."""
        return self.describe_filterset(
            self.filterset(QueryDict(query), municipality_choices=municipality_choices)
        )

    def describe_filterset(self, filterset: SearchFilterSet) -> list[tuple[str, str]]:
        """`describe` for a FilterSet already built from the saved query (the digests reuse theirs)."""
        if not filterset.is_valid():
            return []
        query = filterset.data.urlencode()
        described = []
        for name, field in filterset.form.fields.items():
            value = filterset.form.cleaned_data.get(name)
            if value in (None, "", [], ()) or name == "sort":
                continue
            choices = dict(getattr(field, "choices", []) or [])
            if isinstance(value, list | tuple):
                text = ", ".join(str(choices.get(v, v)) for v in value)
            elif choices:
                text = str(choices.get(value, value))
            else:
                text = query_value(query, name)
            described.append((str(field.label), text))
        return described


def query_value(query: str, name: str) -> str:
    return ", ".join(QueryDict(query).getlist(name))


SEARCHES = {
    SectionKey.PREMISES: Search("premises", "premises.Premises", PremisesFilterSet, "premises:index"),
    SectionKey.LAND: Search("land", "land.LandPlot", LandPlotFilterSet, "land:index"),
}
