"""The NKI trend chart in templates: `{% trend_svg chart svg_id svg_class title desc %}`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from surveys.charts import LineChart

register = template.Library()


@register.simple_tag
def trend_svg(chart: LineChart, svg_id: str, svg_class: str, title: str, desc: str) -> SafeString:
    """One layout of the chart as SVG (see LineChart.svg)."""
    return chart.svg(svg_id, svg_class, title, desc)
