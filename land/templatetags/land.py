"""Template helpers for the land pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from brorebro.templatetags.portal import num

register = template.Library()


@register.filter
def km(metres):
    """Metres as kilometres with one decimal, formatted for the language (2,3 in sv)."""
    if metres in (None, ""):
        return ""
    return num(float(metres) / 1000, 1)


@register.simple_tag
def plot_outline(geom, size: int = 96):
    """A small inline SVG of a plot's outline, for the result list (decorative).

    Drawn from the stored SWEREF 99 TM coordinates, which are metres, so the shape
    keeps its true proportions without any projection work.
    """
    if geom is None or geom.empty:
        return ""
    west, south, east, north = geom.extent
    span = max(east - west, north - south) or 1.0
    pad = span * 0.08
    paths = []
    for polygon in geom:
        for ring in polygon:
            points = " ".join(f"{x - west + pad:.1f},{north - y + pad:.1f}" for x, y in ring.coords)
            paths.append(f"M{points}Z")
    box = span + 2 * pad
    return format_html(
        '<svg class="plot-outline" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true" '
        'focusable="false"><path d="{}" fill-rule="evenodd"/></svg>',
        f"{box:.1f}",
        f"{box:.1f}",
        size,
        size,
        " ".join(paths),
    )
