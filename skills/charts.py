"""A small server-side line chart of a programme's completion and employment rates.

Drawn as SVG in the template from the coordinates computed here, so the page needs no
JavaScript. The two series differ in line style and marker shape as well as colour,
and the chart has a text description; the intakes table beside it holds the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from skills.models import Intake

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 16, 36


@dataclass
class Point:
    x: float
    y: float
    term: str
    label: str

    # The square marker's corner, so the square is centred on the point.
    @property
    def box_x(self) -> float:
        return round(self.x - 6, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - 6, 1)


@dataclass
class Series:
    key: str
    label: str
    points: list[Point] = field(default_factory=list)
    # Runs of consecutive known values; a missing value breaks the line.
    lines: list[str] = field(default_factory=list)


@dataclass
class RateChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[Series]
    description: str


def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    # As the table shows it: 95 %, 87.5 % (87,5 % in Swedish). One decimal is what the rates carry.
    decimals = 0 if value == value.to_integral_value() else 1
    return f"{number_format(value, decimal_pos=decimals, use_l10n=True)} %"


def rate_chart(intakes: Sequence[Intake]) -> RateChart | None:
    """The chart for finished intakes in term order, or None when there are none."""
    finished = [i for i in intakes if i.is_finished]
    if not finished:
        return None
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / len(finished)

    def x_at(index: int) -> float:
        return round(LEFT + step * (index + 0.5), 1)

    def y_at(value: Decimal) -> float:
        return round(TOP + plot_h * (1 - float(value) / 100), 1)

    series = [
        Series("completion", _("Completion rate")),
        Series("employment", _("Employment rate")),
    ]
    for s, rate_of in zip(series, (lambda i: i.completion_rate, lambda i: i.employment_rate), strict=True):
        run: list[str] = []
        for index, intake in enumerate(finished):
            value = rate_of(intake)
            if value is None:
                if len(run) > 1:
                    s.lines.append(" ".join(run))
                run = []
                continue
            x, y = x_at(index), y_at(value)
            s.points.append(Point(x, y, intake.term, percent(value)))
            run.append(f"{x},{y}")
        if len(run) > 1:
            s.lines.append(" ".join(run))

    def describe(s: Series) -> str:
        if not s.points:
            return _("%(series)s: not known for any intake.") % {"series": s.label}
        values = ", ".join(f"{p.term} {p.label}" for p in s.points)
        return _("%(series)s: %(values)s.") % {"series": s.label, "values": values}

    return RateChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        x_ticks=[(x_at(index), intake.term) for index, intake in enumerate(finished)],
        y_ticks=[(y_at(Decimal(v)), f"{v} %") for v in (0, 25, 50, 75, 100)],
        series=series,
        description=" ".join(describe(s) for s in series),
    )
