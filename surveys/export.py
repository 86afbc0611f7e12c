"""The open-data CSV of NKI: computed units and official figures in one table."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from surveys.models import PublishedResult
from surveys.nki import REGION, SURVEY_SOURCE, TOTAL, compute, grade
from surveys.trends import decimal1, decimal_from_tenths

COLUMNS = ["year", "area_code", "authority_area", "nki", "n", "ci_low", "ci_high", "grade", "source"]


def _text(value) -> str:
    """One decimal with a point, as open data should be; empty for no value."""
    return "" if value is None else f"{value:.1f}"


@lru_cache(maxsize=8192)
def _tenths_text(count: int) -> str:
    """_text(decimal1(x)) for a value already rounded to `count` tenths (cached: values recur)."""
    return _text(decimal_from_tenths(count))


def export_rows(
    year: int | None = None, area_code: str = "", authority_area: str = ""
) -> Iterator[list[str]]:
    """Rows for the CSV, sorted by year, area code and area (total first).

    Suppressed units keep their n and lose value, interval and grade, as on the pages.
    """
    # A municipality's rows need only its own responses (and the region's, which
    # compute() always includes); "region" or an official code needs no municipality.
    codes = None if not area_code else ((area_code,) if area_code != REGION else ())
    results = compute(years=[year] if year else None, codes=codes)
    order = {a.slug: a.order for a in results.areas}
    # One sort at the end. Its key ends in a tie-breaker that gives the order the
    # export has always had: survey units before official figures with an equal key,
    # units as NkiResults.rows() orders them (by area position, total first), official
    # figures in the order of their query.
    position = {a.slug: i for i, a in enumerate(results.areas, start=1)}
    rows: list[tuple[tuple, list[str]]] = []
    for unit in results:
        slug = unit.area_slug
        if area_code and unit.area_code != area_code:
            continue
        if authority_area and slug != authority_area:
            continue
        # The same rounding as decimal1() on the pages, in integers (see nki.Estimate).
        estimate = unit.estimate
        value, low, high, grade_slug = estimate.public_tenths()
        cells = [
            str(unit.year),
            unit.area_code,
            slug,
            "" if value is None else _tenths_text(value),
            str(estimate.n),
            "" if low is None else _tenths_text(low),
            "" if high is None else _tenths_text(high),
            grade_slug or "",
            SURVEY_SOURCE,
        ]
        rows.append(
            ((unit.year, unit.area_code, order.get(slug, -1), SURVEY_SOURCE, 0, position.get(slug, 0)), cells)
        )

    published = PublishedResult.objects.select_related("authority_area")
    if year:
        published = published.filter(year=year)
    if area_code:
        published = published.filter(area_code=area_code)
    if authority_area == TOTAL:
        published = published.filter(authority_area__isnull=True)
    elif authority_area:
        published = published.filter(authority_area__slug=authority_area)
    for i, result in enumerate(published):
        slug = result.authority_area.slug if result.authority_area else TOTAL
        cells = [
            str(result.year),
            result.area_code,
            slug,
            _text(decimal1(result.value)),
            "" if result.n is None else str(result.n),
            "",
            "",
            grade(result.value) or "",
            result.source,
        ]
        rows.append(((result.year, result.area_code, order.get(slug, -1), result.source, 1, i), cells))
    rows.sort(key=lambda item: item[0])
    for _key, cells in rows:
        yield cells
