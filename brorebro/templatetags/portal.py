"""Formatting for the public pages: numbers the Swedish way in sv, the English way in en."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format

from brorebro.sections import Section, all_sections

register = template.Library()


@register.filter
def num(value, decimals: int | None = None):
    """1200 → "1 200" (sv) or "1,200" (en); None → empty."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except Exception:
        return value
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 1
    return number_format(number, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def hectares(area_m2):
    if area_m2 in (None, ""):
        return ""
    return num(Decimal(str(area_m2)) / Decimal(10000), 1)


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """The current page, filters included, in another language.

    Built from the view the path resolved to, never from the path as it came in: a
    request for `//evil.example/sv/` would otherwise get a link to `//evil.example/en/`,
    another host. A path that resolved to nothing (a 404 for an unknown address) links
    to the home page in that language.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    with translation.override(language):
        try:
            if match is None:
                raise NoReverseMatch
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            path = reverse("home")
    query = request.GET.urlencode() if request is not None else ""
    return f"{path}?{query}" if query else path


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def sections() -> list[Section]:
    """The portal's sections in their order, for the main navigation."""
    return all_sections()
