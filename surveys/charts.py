"""A line chart laid out on the server, for an accessible SVG that needs no JavaScript.

Python computes coordinates and writes the SVG (`LineChart.svg()`, which the template
`surveys/includes/trend_chart.html` places with the `trend_svg` tag): a chart has a
few hundred elements, which the template engine took longer to write than the rest
of the page. Every text in it (titles, labels, values) is escaped there as a template
would (text already marked safe, such as a translated title, is kept); the rest are
numbers and path data this module formats. Each line differs from the others in three
ways besides colour: its dash pattern, its marker shape and a label at its end, so the
chart reads in greyscale and for people who do not see colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from surveys.trends import TrendPoint, TrendSeries

# (colour, dash pattern, marker). Colours have at least 4.5:1 contrast on white.
STYLES = [
    ("#0b4f6c", "", "circle"),
    ("#1b1f24", "8 5", "square"),
    ("#b0141a", "2 4", "triangle"),
    ("#0a6b3f", "12 4 2 4", "diamond"),
    ("#6b2c91", "4 3", "cross"),
    ("#8a4b00", "14 6", "triangle-down"),
    ("#005a9c", "1 3", "square"),
    ("#5c5c00", "10 3 2 3 2 3", "circle"),
]


def marker_path(shape: str, x: float, y: float, r: float = 5.0) -> str:
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "triangle":
        return f"M{x:.1f},{y - r * 1.2:.1f}L{x + r * 1.1:.1f},{y + r * 0.8:.1f}L{x - r * 1.1:.1f},{y + r * 0.8:.1f}z"
    if shape == "triangle-down":
        return f"M{x:.1f},{y + r * 1.2:.1f}L{x + r * 1.1:.1f},{y - r * 0.8:.1f}L{x - r * 1.1:.1f},{y - r * 0.8:.1f}z"
    if shape == "diamond":
        return f"M{x:.1f},{y - r * 1.3:.1f}L{x + r * 1.1:.1f},{y:.1f}L{x:.1f},{y + r * 1.3:.1f}L{x - r * 1.1:.1f},{y:.1f}z"
    if shape == "cross":
        a = r * 0.45
        return (
            f"M{x - r:.1f},{y - r + a:.1f}l{a:.1f},{-a:.1f}l{r - a:.1f},{r - a:.1f}l{r - a:.1f},{a - r:.1f}"
            f"l{a:.1f},{a:.1f}l{a - r:.1f},{r - a:.1f}l{r - a:.1f},{r - a:.1f}l{-a:.1f},{a:.1f}"
            f"l{a - r:.1f},{a - r:.1f}l{a - r:.1f},{r - a:.1f}l{-a:.1f},{-a:.1f}l{r - a:.1f},{a - r:.1f}z"
        )
    # circle, as a path so every marker is drawn the same way
    return f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0z"


@dataclass
class PlottedPoint:
    point: TrendPoint
    x: float
    y: float
    marker: str
    whisker: str = ""  # the 95 % interval as a vertical bar with caps
    ring: str = ""  # a hollow marker: shown, but on few responses (TrendPoint.small)


@dataclass
class PlottedSeries:
    series: TrendSeries
    colour: str
    dash: str
    shape: str
    paths: list[str]
    points: list[PlottedPoint]
    label_x: float = 0.0
    label_y: float = 0.0
    legend_marker: str = ""


@dataclass
class Tick:
    value: float
    pos: float
    label: str = ""


@dataclass
class LineChart:
    """Layout of one chart: axes, ticks, one polyline per series (gaps where no value)."""

    series: list[TrendSeries]
    years: list[int]
    width: int = 760
    height: int = 380
    left: int = 52
    right: int = 150
    top: int = 18
    bottom: int = 56
    whiskers_for: tuple[str, ...] = ("region",)
    label_chars: int = 18
    label_offset: int = 28  # from the plot's right edge to the line labels
    year_label_step: int = 1  # label every n-th year (a phone has no room for eight)
    plotted: list[PlottedSeries] = field(init=False, default_factory=list)
    x_ticks: list[Tick] = field(init=False, default_factory=list)
    y_ticks: list[Tick] = field(init=False, default_factory=list)

    def __post_init__(self):
        values: list[float] = []
        for s in self.series:
            for p in s.points:
                if p.exact is not None:
                    values.append(p.exact)
                    if s.kind in self.whiskers_for and p.exact_ci:
                        values.extend(p.exact_ci)
        if values:
            low = max(0, math.floor((min(values) - 1) / 5) * 5)
            high = min(100, math.ceil((max(values) + 1) / 5) * 5)
        else:
            low, high = 0, 100
        if high - low < 10:
            high = min(100, low + 10)
            low = high - 10
        self.y_min, self.y_max = low, high
        step = 5 if high - low <= 40 else 10
        self.y_ticks = [Tick(v, self.y(v), str(v)) for v in range(low, high + 1, step)]
        self.x_ticks = [
            Tick(year, self.x(year), str(year) if i % self.year_label_step == 0 else "")
            for i, year in enumerate(self.years)
        ]
        # Styles follow the kind of line, so the region looks the same on every page.
        fixed = {"region": 0, "national": 1}
        others = iter(range(2, 1000))
        # Lines with intervals are moved a few pixels apart, so that their bars do not
        # hide each other in a year where the values are close.
        with_bars = [s for s in self.series if s.kind in self.whiskers_for]
        step = 6 * self.width / 760 if len(with_bars) > 1 else 0
        self._dodge = {id(s): (i - (len(with_bars) - 1) / 2) * step for i, s in enumerate(with_bars)}
        self.plotted = [
            self._plot(s, STYLES[(fixed[s.kind] if s.kind in fixed else next(others)) % len(STYLES)])
            for s in self.series
        ]
        self._place_labels()

    @classmethod
    def narrow(cls, series: list[TrendSeries], years: list[int], **options) -> LineChart:
        """The same chart laid out for a phone: fewer pixels, so text stays readable when scaled."""
        return cls(
            series,
            years,
            width=360,
            height=300,
            left=46,
            right=96,
            bottom=48,
            label_chars=9,
            label_offset=18,
            year_label_step=2 if len(years) > 5 else 1,
            **options,
        )

    @property
    def has_small(self) -> bool:
        return any(p.ring for s in self.plotted for p in s.points)

    @property
    def has_whiskers(self) -> bool:
        return any(p.whisker for s in self.plotted for p in s.points)

    # geometry
    @property
    def plot_left(self) -> int:
        return self.left

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_top(self) -> int:
        return self.top

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def x_axis_label_y(self) -> int:
        return self.height - 12

    @property
    def y_axis_label_x(self) -> int:
        return 14

    @property
    def plot_mid_y(self) -> float:
        return (self.plot_top + self.plot_bottom) / 2

    @property
    def plot_mid_x(self) -> float:
        return (self.plot_left + self.plot_right) / 2

    def x(self, year: int) -> float:
        if len(self.years) < 2:
            return (self.plot_left + self.plot_right) / 2
        first, last = self.years[0], self.years[-1]
        pad = 18
        span = self.plot_right - self.plot_left - 2 * pad
        return self.plot_left + pad + (year - first) / (last - first) * span

    def y(self, value: float) -> float:
        frac = (value - self.y_min) / (self.y_max - self.y_min)
        return self.plot_bottom - frac * (self.plot_bottom - self.plot_top)

    def _plot(self, series: TrendSeries, style: tuple[str, str, str]) -> PlottedSeries:
        colour, dash, shape = style
        points, paths, current = [], [], []
        for p in series.points:
            if p.exact is None:
                if current:
                    paths.append(current)
                current = []
                continue
            x, y = self.x(p.year) + self._dodge.get(id(series), 0), self.y(p.exact)
            plotted = PlottedPoint(p, x, y, marker_path(shape, x, y))
            if p.small:
                plotted.ring = marker_path(shape, x, y, 2.2)
            if series.kind in self.whiskers_for and p.exact_ci:
                top = self.y(min(p.exact_ci[1], self.y_max))
                bottom = self.y(max(p.exact_ci[0], self.y_min))
                plotted.whisker = (
                    f"M{x:.1f},{top:.1f}V{bottom:.1f}M{x - 4:.1f},{top:.1f}h8M{x - 4:.1f},{bottom:.1f}h8"
                )
            points.append(plotted)
            current.append((x, y))
        if current:
            paths.append(current)
        d = ["M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in segment) for segment in paths if len(segment) > 1]
        return PlottedSeries(series, colour, dash, shape, d, points)

    def _place_labels(self, gap: float = 17.0) -> None:
        """Labels at the end of each line, pushed apart so they never overlap."""
        placed = [s for s in self.plotted if s.points]
        for s in placed:
            last = s.points[-1]
            s.label_x = self.plot_right + self.label_offset
            s.label_y = last.y + 4
        placed.sort(key=lambda s: s.label_y)
        for previous, current in pairwise(placed):
            if current.label_y - previous.label_y < gap:
                current.label_y = previous.label_y + gap
        overflow = (placed[-1].label_y if placed else 0) - (self.height - 4)
        if overflow > 0:
            for s in placed:
                s.label_y -= overflow
        for s in placed:
            # A marker before the label repeats the line's shape: the label names the line.
            s.legend_marker = marker_path(
                s.shape, self.plot_right + self.label_offset - 10, s.label_y - 4, 4.5
            )

    # --- SVG ---------------------------------------------------------------------------------
    def svg(self, svg_id: str, svg_class: str, title: str, desc: str) -> SafeString:
        """The chart as an SVG element, its title and description for screen readers.

        Text is escaped here; path data, colours and coordinates are this module's own.
        """
        ident, left, right, bottom = escape(svg_id), self.plot_left, self.plot_right, self.plot_bottom
        out = [
            f'<svg class="{escape(svg_class)}" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg" '
            'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, Arial, sans-serif" font-size="13">\n'
            f'<title id="{ident}-title">{escape(title)}</title>\n'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>\n'
            '<g class="nki-grid">\n'
        ]
        for tick in self.y_ticks:
            y = f"{tick.pos:.1f}"
            out.append(
                f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#d5dde4" stroke-width="1"/>'
                f'<text x="{left - 8}" y="{y}" dy="4" text-anchor="end" fill="#4a5562">{escape(tick.label)}</text>\n'
            )
        for tick in self.x_ticks:
            x = f"{tick.pos:.1f}"
            out.append(f'<line x1="{x}" x2="{x}" y1="{bottom}" y2="{bottom + 5}" stroke="#4a5562"/>')
            if tick.label:
                out.append(
                    f'<text x="{x}" y="{bottom + 20}" text-anchor="middle" fill="#1b1f24">{escape(tick.label)}</text>'
                )
            out.append("\n")
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#4a5562"/>\n'
            f'<line x1="{left}" x2="{left}" y1="{self.plot_top}" y2="{bottom}" stroke="#4a5562"/>\n'
            f'<text x="{self.plot_mid_x:.1f}" y="{self.x_axis_label_y}" text-anchor="middle" fill="#1b1f24" '
            f'font-weight="600">{escape(_("Survey year"))}</text>\n'
            f'<text transform="translate({self.y_axis_label_x} {self.plot_mid_y:.1f}) rotate(-90)" '
            f'text-anchor="middle" fill="#1b1f24" font-weight="600">{escape(_("NKI (0–100)"))}</text>\n'
            "</g>\n"
        )
        for line in self.plotted:
            colour = line.colour
            label = escape(line.series.label)
            out.append('<g class="nki-line">\n')
            for p in line.points:
                if p.whisker:
                    out.append(
                        f'<path d="{p.whisker}" stroke="{colour}" stroke-opacity="0.55" stroke-width="1.5" fill="none"/>\n'
                    )
            dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
            for d in line.paths:
                out.append(
                    f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{dash} stroke-linejoin="round"/>\n'
                )
            for p in line.points:
                out.append(
                    f'<path d="{p.marker}" fill="{colour}" stroke="#fff" stroke-width="1"><title>{label} '
                    f"{p.point.year}: {escape(p.point.value_text)}</title></path>\n"
                )
                if p.ring:
                    out.append(f'<path class="nki-few" d="{p.ring}" fill="#fff" aria-hidden="true"/>\n')
            if line.points:
                short = escape(Truncator(line.series.short_label).chars(self.label_chars))
                out.append(
                    f'<path d="{line.legend_marker}" fill="{colour}"/>\n'
                    f'<text x="{line.label_x:.1f}" y="{line.label_y:.1f}" fill="{colour}" font-weight="600">{short}</text>\n'
                )
            out.append("</g>\n")
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
