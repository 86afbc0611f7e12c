"""Filters of the NKI pages and the export, validated like any form so bad input gets a message."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from brorebro.caching import county_municipality_choices, shared
from surveys.models import AuthorityArea
from surveys.nki import REGION, TOTAL


def area_choices() -> list[tuple[str, str]]:
    """The total and every area, named in the current language; read once per data version and language."""
    return shared(
        ("surveys",),
        "nki-area-choices",
        lambda: [(TOTAL, str(_("Total")))] + [(a.slug, a.name) for a in AuthorityArea.objects.all()],
        get_language(),
    )


class TrendFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Authority area"), required=False)
    municipality = forms.MultipleChoiceField(
        label=_("Compare with municipalities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The region and the national average are always shown."),
    )

    def __init__(self, *args, with_municipalities: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        if with_municipalities:
            self.fields["municipality"].choices = county_municipality_choices()
        else:
            del self.fields["municipality"]

    def filters(self) -> tuple[str, list[str]]:
        """(area slug or "total", municipality codes); defaults where the input was bad."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("area") or TOTAL, list(data.get("municipality") or [])


class CodeListField(forms.Field):
    """Repeatable text parameter (?area_code=1880&area_code=region): a list of stripped values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v).strip() for v in values if str(v).strip()]


class ExportFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    area_code = CodeListField(required=False)
    authority_area = forms.CharField(required=False, max_length=40)
    format = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("open data: comma, decimal point, codes")),
            ("names", _("with names: comma, decimal point, names and codes")),
            ("excel", _("Excel in Swedish: semicolon, decimal comma, names and codes")),
        ],
    )

    def clean_area_code(self) -> list[str]:
        codes = self.cleaned_data["area_code"]
        if len(codes) > 400:
            raise ValidationError(_("Ask for at most 400 area codes at a time."))
        for code in codes:
            if code != REGION and not re.fullmatch(r"\d{4}", code):
                raise ValidationError(_("Use a four-digit code (e.g. 1880 or 0000) or “region”."))
        return list(dict.fromkeys(codes))

    def clean_authority_area(self):
        slug = self.cleaned_data["authority_area"].strip()
        if slug and slug != TOTAL and not AuthorityArea.objects.filter(slug=slug).exists():
            raise ValidationError(_("Unknown authority area; use a slug such as bygglov, or “total”."))
        return slug
