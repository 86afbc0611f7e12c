"""The A4 site-selection report (WeasyPrint) and its static map (SVG drawn from the geometries).

The map is drawn from the stored geometries in SWEREF 99 TM, so it needs no tiles and no
JavaScript: the county's municipality outlines, simplified in the database
(`Municipality.objects.with_svg_outline`), and one numbered dot per match, numbered as in
the report's list. SVG's y axis points down, hence the negated northings.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import escape

from brorebro.models import Municipality, svg_view_box


def static_map(result, limit: int = 20) -> str:
    """An inline SVG of the county with the first `limit` matches as numbered dots."""
    county = Municipality.objects.in_county()
    view_box = svg_view_box(county)
    if view_box is None:
        return ""
    width = float(view_box.split()[2])
    radius = width / 40  # a dot a reader can see on A4, numbered like the list
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" class="static-map" role="img">',
    ]
    for m in county.with_svg_outline():
        parts.append(
            f'<path d="{m.outline_svg}" fill="#eef2f5" stroke="#5b6770" stroke-width="{radius / 6:.0f}"/>'
        )
    for number, candidate in enumerate(result.matches[:limit], start=1):
        if candidate.x is None:
            continue
        x, y = candidate.x, -candidate.y
        parts.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.0f}" fill="#00558c" stroke="#fff" '
            f'stroke-width="{radius / 5:.0f}"><title>{escape(candidate.title)}</title></circle>'
            f'<text x="{x:.0f}" y="{y + radius * 0.4:.0f}" font-size="{radius * 1.1:.0f}" fill="#fff" '
            f'text-anchor="middle" font-family="DejaVu Sans, sans-serif">{number}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_pdf(template: str, context: dict, base_url: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only the report needs

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()
