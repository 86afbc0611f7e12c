"""The open-data CSV of NKI: computed units and official figures in one table.

The columns of COLUMNS are the open-data contract. Two variants add the names of the
unit and the area after them: `names`, and `excel`, which also writes decimal commas
(the view then separates cells with semicolons, as Excel set to Swedish expects).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.utils.translation import gettext as _

from surveys.models import PublishedResult
from surveys.nki import REGION, SURVEY_SOURCE, TOTAL, grade
from surveys.nki import results as nki_results
from surveys.trends import decimal1, decimal_from_tenths

COLUMNS = ["year", "area_code", "authority_area", "nki", "n", "ci_low", "ci_high", "grade", "source"]
NAME_COLUMNS = ["area_name", "authority_area_name"]


def _text(value) -> str:
    """One decimal with a point, as open data should be; empty for no value."""
    return "" if value is None else f"{value:.1f}"


@lru_cache(maxsize=8192)
def _tenths_text(count: int) -> str:
    """_text(decimal1(x)) for a value already rounded to `count` tenths (cached: values recur)."""
    return _text(decimal_from_tenths(count))


@lru_cache(maxsize=8192)
def _tenths_text_comma(count: int) -> str:
    return _comma(_tenths_text(count))


def _comma(text: str) -> str:
    return text.replace(".", ",")


def export_rows(
    year: int | None = None,
    area_codes: Iterable[str] = (),
    authority_area: str = "",
    names: bool = False,
    decimal_comma: bool = False,
) -> Iterator[list[str]]:
    """Rows for the CSV, sorted by year, area code and area (total first).

    `area_codes`: the units wanted (municipality codes, "region", "0000", …); all when
    empty. Suppressed units keep their n and lose value, interval and grade, as on
    the pages (the same Estimate.public_tenths()).
    """
    wanted = set(area_codes)
    # Municipalities' rows need only their own responses (and the region's, which
    # the results always include); "region" or an official code needs no municipality.
    codes = None if not wanted else sorted(wanted - {REGION})
    results = nki_results(years=[year] if year else None, codes=codes)
    order = {a.slug: a.order for a in results.areas}
    # One sort at the end. Its key ends in a tie-breaker that gives the order the
    # export has always had: survey units before official figures with an equal key,
    # units by area position (total first), official figures in the order of their query.
    position = {a.slug: i for i, a in enumerate(results.areas, start=1)}
    unit_names = {m.code: m.name for m in results.municipalities}
    unit_names.update(
        {
            REGION: _("Business Region Örebro"),
            PublishedResult.SWEDEN: _("Sweden"),
            PublishedResult.COUNTY: _("Örebro County"),
        }
    )
    area_names = {a.slug: a.name for a in results.areas}
    area_names[TOTAL] = _("Total")
    number = _tenths_text_comma if decimal_comma else _tenths_text

    def with_names(cells: list[str], code: str, slug: str) -> list[str]:
        if names:
            cells += [unit_names.get(code, code), area_names.get(slug, slug)]
        return cells

    rows: list[tuple[tuple, list[str]]] = []
    for unit in results:
        slug = unit.area_slug
        if wanted and unit.area_code not in wanted:
            continue
        if authority_area and slug != authority_area:
            continue
        estimate = unit.estimate
        value, low, high, grade_slug = estimate.public_tenths()
        cells = [
            str(unit.year),
            unit.area_code,
            slug,
            "" if value is None else number(value),
            str(estimate.n),
            "" if low is None else number(low),
            "" if high is None else number(high),
            grade_slug or "",
            SURVEY_SOURCE,
        ]
        rows.append(
            (
                (unit.year, unit.area_code, order.get(slug, -1), SURVEY_SOURCE, 0, position.get(slug, 0)),
                with_names(cells, unit.area_code, slug),
            )
        )

    published = PublishedResult.objects.select_related("authority_area")
    if year:
        published = published.filter(year=year)
    if wanted:
        published = published.filter(area_code__in=wanted)
    if authority_area == TOTAL:
        published = published.filter(authority_area__isnull=True)
    elif authority_area:
        published = published.filter(authority_area__slug=authority_area)
    for i, result in enumerate(published):
        slug = result.authority_area.slug if result.authority_area else TOTAL
        value = _text(decimal1(result.value))
        cells = [
            str(result.year),
            result.area_code,
            slug,
            _comma(value) if decimal_comma else value,
            "" if result.n is None else str(result.n),
            "",
            "",
            grade(result.value) or "",
            result.source,
        ]
        rows.append(
            (
                (result.year, result.area_code, order.get(slug, -1), result.source, 1, i),
                with_names(cells, result.area_code, slug),
            )
        )
    rows.sort(key=lambda item: item[0])
    for _key, cells in rows:
        yield cells
