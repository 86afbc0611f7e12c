"""The open-data CSV of NKI: computed units and official figures in one table."""

from __future__ import annotations

from collections.abc import Iterator

from surveys.models import PublishedResult
from surveys.nki import SURVEY_SOURCE, TOTAL, compute, grade
from surveys.trends import decimal1

COLUMNS = ["year", "area_code", "authority_area", "nki", "n", "ci_low", "ci_high", "grade", "source"]


def _text(value) -> str:
    """One decimal with a point, as open data should be; empty for no value."""
    return "" if value is None else f"{value:.1f}"


def export_rows(
    year: int | None = None, area_code: str = "", authority_area: str = ""
) -> Iterator[list[str]]:
    """Rows for the CSV, sorted by year, area code and area (total first).

    Suppressed units keep their n and lose value, interval and grade, as on the pages.
    """
    results = compute(years=[year] if year else None)
    order = {a.slug: a.order for a in results.areas}
    rows: list[tuple[tuple, list[str]]] = []
    for unit in results.rows():
        if area_code and unit.area_code != area_code:
            continue
        if authority_area and unit.area_slug != authority_area:
            continue
        estimate = unit.estimate
        ci = estimate.public_ci
        cells = [
            str(unit.year),
            unit.area_code,
            unit.area_slug,
            _text(None if estimate.suppressed else decimal1(estimate.mean)),
            str(estimate.n),
            _text(decimal1(ci[0])) if ci else "",
            _text(decimal1(ci[1])) if ci else "",
            estimate.public_grade or "",
            SURVEY_SOURCE,
        ]
        rows.append(((unit.year, unit.area_code, order.get(unit.area_slug, -1), SURVEY_SOURCE), cells))

    published = PublishedResult.objects.select_related("authority_area")
    if year:
        published = published.filter(year=year)
    if area_code:
        published = published.filter(area_code=area_code)
    if authority_area == TOTAL:
        published = published.filter(authority_area__isnull=True)
    elif authority_area:
        published = published.filter(authority_area__slug=authority_area)
    for result in published:
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
        rows.append(((result.year, result.area_code, order.get(slug, -1), result.source), cells))
    rows.sort(key=lambda item: item[0])
    for _key, cells in rows:
        yield cells
