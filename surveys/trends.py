"""NKI trend series: what the trends pages, their tables and their charts show.

A series is one line (the region, Sweden, or a municipality) with one point per
survey year. Points carry only what may be shown publicly: a suppressed point has n
and nothing else. Values are rounded half-up to one decimal here, once, so the chart
labels, the table and the CSV export always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache

from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from surveys import nki
from surveys.models import PublishedResult, SurveyRound
from surveys.nki import GRADE_LABELS, REGION, SURVEY_SOURCE, TOTAL, Estimate, NkiResults, grade, tenths

# Below this many responses a shown value is marked on the chart and in the tables: its
# interval is wide (about ±10 points or more at typical spreads).
SMALL_N = 20


@lru_cache(maxsize=8192)
def decimal_from_tenths(count: int) -> Decimal:
    """count / 10 as the Decimal that decimal1 gives (71.3, but 71 for 71.0: from the reduced fraction).

    Cached: the same few thousand values (0.0 to 100.0 and interval ends) recur on every
    page and in every export row, and a Decimal is immutable.
    """
    rounded = Fraction(count, 10)
    return Decimal(rounded.numerator) / Decimal(rounded.denominator)


def _decimal_or_none(count: int | None) -> Decimal | None:
    return None if count is None else decimal_from_tenths(count)


def decimal1(value) -> Decimal | None:
    """A number rounded half-up to one decimal, as a Decimal (None stays None)."""
    if value is None:
        return None
    return decimal_from_tenths(tenths(value))


def _num(value, decimals: int | None = None) -> str:
    """The templates' `num` filter: a number as the current language writes it."""
    return _num_in(get_language(), value, decimals)


@lru_cache(maxsize=8192)
def _num_in(language: str | None, value, decimals: int | None) -> str:
    # Cached: the same values and counts recur on every page, and formatting is slow.
    # Imported late: brorebro's template tags import more of the portal.
    from brorebro.templatetags.portal import num

    with translation.override(language):
        return num(value, decimals)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: Decimal | None  # rounded; None when suppressed or not measured
    exact: float | None  # for plotting only, None when suppressed
    n: int | None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    grade: str | None = None
    suppressed: bool = False
    withheld: bool = False  # hidden to protect a unit with too few responses, not for its own n
    source: str = SURVEY_SOURCE
    incomplete: int = 0
    small: bool = False  # shown, but on fewer than SMALL_N responses: read with care

    @property
    def grade_label(self) -> str:
        return str(GRADE_LABELS[self.grade]) if self.grade else ""

    # The numbers as the pages write them (the `num` filter, in the current language),
    # formatted once per point: the chart, the matrix and the table all show them.
    @cached_property
    def value_text(self) -> str:
        return _num(self.value, 1)

    @cached_property
    def n_text(self) -> str:
        return _num(self.n)

    @cached_property
    def ci_text(self) -> str:
        """The interval as "low–high", empty when there is none."""
        if self.ci_low is None:
            return ""
        return f"{_num(self.ci_low, 1)}–{_num(self.ci_high, 1)}"

    @property
    def exact_ci(self) -> tuple[float, float] | None:
        if self.ci_low is None:
            return None
        return (float(self.ci_low), float(self.ci_high))

    @property
    def measured(self) -> bool:
        return self.n is not None or self.value is not None


def point_from_estimate(year: int, estimate: Estimate | None) -> TrendPoint:
    if estimate is None:
        return TrendPoint(year=year, value=None, exact=None, n=None)
    if estimate.suppressed:
        return TrendPoint(
            year=year,
            value=None,
            exact=None,
            n=estimate.n,
            suppressed=True,
            withheld=not estimate.too_few,
            incomplete=estimate.incomplete,
        )
    value, low, high, grade_slug = estimate.public_tenths()
    return TrendPoint(
        year=year,
        value=_decimal_or_none(value),
        exact=estimate.value,
        n=estimate.n,
        ci_low=_decimal_or_none(low),
        ci_high=_decimal_or_none(high),
        grade=grade_slug,
        incomplete=estimate.incomplete,
        small=estimate.n < SMALL_N,
    )


def point_from_published(year: int, result: PublishedResult | None) -> TrendPoint:
    if result is None:
        return TrendPoint(year=year, value=None, exact=None, n=None, source="")
    return TrendPoint(
        year=year,
        value=decimal1(result.value),
        exact=float(result.value),
        n=result.n,
        grade=grade(result.value),
        source=result.source,
    )


@dataclass
class TrendSeries:
    key: str  # REGION, "0000" or a municipality code
    label: str
    kind: str  # "region", "national" or "municipality"
    points: list[TrendPoint]
    short_label: str = ""  # for the label at the end of the line in the chart

    def __post_init__(self):
        self.short_label = self.short_label or self.label

    @property
    def measured_points(self) -> list[TrendPoint]:
        return [p for p in self.points if p.measured]

    @property
    def shown_points(self) -> list[TrendPoint]:
        return [p for p in self.points if p.value is not None]


def trend_series(
    results: NkiResults,
    area_slug: str = TOTAL,
    codes: list[str] | tuple[str, ...] = (),
    names: dict[str, str] | None = None,
) -> list[TrendSeries]:
    """Region, Sweden (from PublishedResult) and the chosen municipalities, per survey year.

    One query for the national figures on top of what `results` already holds.
    `names`: municipality code → name for `codes` (a code without one is left out);
    by default the names of every municipality, which is one more query.
    """
    years = [r.year for r in results.rounds]
    national_qs = PublishedResult.objects.national().filter(year__in=years)
    if area_slug == TOTAL:
        national_qs = national_qs.filter(authority_area__isnull=True)
    else:
        national_qs = national_qs.filter(authority_area__slug=area_slug)
    national = {r.year: r for r in national_qs}

    def survey_points(code: str) -> list[TrendPoint]:
        out = []
        for year in years:
            unit = results.get(year, code, area_slug)
            out.append(point_from_estimate(year, unit.estimate if unit else None))
        return out

    series = [
        TrendSeries(
            REGION, _("Business Region Örebro"), "region", survey_points(REGION), short_label=_("The region")
        )
    ]
    if national:
        series.append(
            TrendSeries(
                PublishedResult.SWEDEN,
                _("Sweden (national average)"),
                "national",
                [point_from_published(y, national.get(y)) for y in years],
                short_label=_("Sweden"),
            )
        )
    if names is None:
        names = {m.code: m.name for m in results.municipalities}
    for code in codes:
        name = names.get(code)
        if name is not None:
            series.append(TrendSeries(code, name, "municipality", survey_points(code)))
    return series


def latest_region_figures() -> list[tuple[str, str]]:
    """Home-page figures: the region's latest NKI and its change since the first round."""
    rounds = list(SurveyRound.objects.order_by("year").values_list("year", flat=True))
    if not rounds:
        return []
    first, last = rounds[0], rounds[-1]
    # Only the region is shown: read member municipalities' responses only.
    results = nki.results(years={first, last}, codes=())
    now, then = results.get(last, REGION, TOTAL), results.get(first, REGION, TOTAL)
    latest = point_from_estimate(last, now.estimate if now else None)
    if latest.value is None:
        return []
    figures = [(number_format(latest.value, 1), _("regional NKI %(year)d") % {"year": last})]
    earliest = point_from_estimate(first, then.estimate if then else None)
    if earliest.value is not None and first != last:
        change = latest.value - earliest.value
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        figures.append((sign + number_format(abs(change), 1), _("units since %(year)d") % {"year": first}))
    return figures


def trend_table(series: list[TrendSeries]) -> list[dict]:
    """The chart's numbers as table rows: by year, then in the chart's order of lines.

    Each row is a dict of what its cells show, the numbers formatted: a template reads
    a dict's keys several times faster than attributes, and a compared page has dozens
    of rows.
    """
    rows = []
    for order, s in enumerate(series):
        region = s.kind == "region"
        for p in s.measured_points:
            row = {
                "year": p.year,
                "label": s.label,
                "region": region,
                "suppressed": p.suppressed,
                "withheld": p.withheld,
                "value": p.value_text,
                "n": None if p.n is None else p.n_text,
                "small": p.small,
                "ci": p.ci_text,
                "grade": p.grade,
                "grade_label": capfirst(p.grade_label),
                "survey": p.source == SURVEY_SOURCE,
                "source": p.source,
            }
            rows.append(((p.year, order), row))
    rows.sort(key=lambda item: item[0])
    return [row for _key, row in rows]


def chart_description(series: list[TrendSeries], area_label: str) -> str:
    """A text alternative for the chart: where each line starts and ends."""
    parts = [_("NKI on a scale of 0 to 100 per survey year, %(area)s.") % {"area": area_label}]
    for s in series:
        shown = s.shown_points
        if not shown:
            parts.append(_("%(line)s: no value to show.") % {"line": s.label})
        elif len(shown) == 1:
            parts.append(
                _("%(line)s: %(value)s in %(year)d.")
                % {"line": s.label, "value": number_format(shown[0].value, 1), "year": shown[0].year}
            )
        else:
            first, last = shown[0], shown[-1]
            parts.append(
                _("%(line)s: from %(first)s in %(first_year)d to %(last)s in %(last_year)d.")
                % {
                    "line": s.label,
                    "first": number_format(first.value, 1),
                    "first_year": first.year,
                    "last": number_format(last.value, 1),
                    "last_year": last.year,
                }
            )
    parts.append(_("Values based on too few responses are left out. The table gives every value."))
    return " ".join(parts)


def latest_round_for(results: NkiResults, code: str) -> SurveyRound | None:
    """The latest round in which the municipality has any response."""
    for survey_round in reversed(results.rounds):
        if any(
            results.get(survey_round.year, code, slug) for slug in [TOTAL, *(a.slug for a in results.areas)]
        ):
            return survey_round
    return None


def area_table(results: NkiResults, code: str, survey_round: SurveyRound) -> list[dict]:
    """Rows per authority area, then the total, for one municipality and round, with the region."""
    year = survey_round.year
    counted = {a.pk for a in results.counted_areas(survey_round)}
    rows = []
    for area in [*results.areas, None]:
        slug = area.slug if area else TOTAL
        own, region = results.get(year, code, slug), results.get(year, REGION, slug)
        rows.append(
            {
                "area": area,
                "counted": area is None or area.pk in counted,
                "point": point_from_estimate(year, own.estimate if own else None),
                "region": point_from_estimate(year, region.estimate if region else None),
            }
        )
    return rows


def factor_table(results: NkiResults, code: str, year: int) -> list[dict]:
    """Service factor indexes over the counted areas, for one municipality and round, with the region."""
    return [
        {
            "factor": factor,
            "point": point_from_estimate(year, results.factor(year, code, factor.slug)),
            "region": point_from_estimate(year, results.factor(year, REGION, factor.slug)),
        }
        for factor in results.factors
    ]


def counted_by_round(results: NkiResults) -> list[tuple[SurveyRound, list[str]]]:
    """For the method: the names of the areas counted toward each round's total."""
    return [(r, [area.name for area in results.counted_areas(r)]) for r in results.rounds]
