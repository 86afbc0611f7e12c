"""The open-data CSV of NKI: computed units and official figures in one table.

The columns of COLUMNS are the open-data contract. Two variants add the names of the
unit and the area after them: `names`, and `excel`, which also writes decimal commas
and separates cells with semicolons, as Excel set to Swedish expects.

**Why it is fast.** An export of every round has some 40,000 unit rows. The cells that
the method decides (nki, n, ci_low, ci_high, grade) change only when survey data do,
so they are written as CSV text once, when the units are stored (`stored_text`,
called by `surveys.nki.store()`), and an export only joins that text with the cells
that depend on the request: year, unit code, area, source and the names in the
visitor's language. Those go through the portal's CSV rules (formulas neutralised by
`brorebro.csvexport.cell`, then csv.writer's quoting) once per distinct text, not once
per row. The result is byte for byte what csv.writer writes from the cells one by
one (the tests compare the two for every variant).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from operator import itemgetter

from django.utils.translation import gettext as _

from brorebro.csvexport import cell
from brorebro.models import Municipality
from surveys import nki
from surveys.models import AuthorityArea, PublishedResult
from surveys.nki import REGION, SURVEY_SOURCE, TOTAL, Estimate, UnitResult, grade
from surveys.trends import decimal1, decimal_from_tenths

COLUMNS = ["year", "area_code", "authority_area", "nki", "n", "ci_low", "ci_high", "grade", "source"]
NAME_COLUMNS = ["area_name", "authority_area_name"]

# The stored cells in the Excel variant: decimal commas, semicolons between cells. The
# stored cells hold only digits, signs, decimal points, the commas between them and
# grade slugs, so this swap is exactly what writing them with `;` and `,` gives.
_EXCEL = str.maketrans({",": ";", ".": ","})
_LINE_END = "\r\n"


def _text(value) -> str:
    """One decimal with a point, as open data should be; empty for no value."""
    return "" if value is None else f"{value:.1f}"


@lru_cache(maxsize=8192)
def _tenths_text(count: int) -> str:
    """_text(decimal1(x)) for a value already rounded to `count` tenths (cached: values recur)."""
    return _text(decimal_from_tenths(count))


def _comma(text: str) -> str:
    return text.replace(".", ",")


def _tenths_or_empty(count: int | None) -> str:
    return "" if count is None else _tenths_text(count)


def unit_cells(estimate: Estimate) -> list[str]:
    """A unit's cells nki, n, ci_low, ci_high and grade, with decimal points (as on the pages:
    Estimate.public_tenths(); a suppressed unit keeps its n only)."""
    value, low, high, grade_slug = estimate.public_tenths()
    return [
        _tenths_or_empty(value),
        str(estimate.n),
        _tenths_or_empty(low),
        _tenths_or_empty(high),
        grade_slug or "",
    ]


def _area_keys(areas: list[AuthorityArea]) -> dict[str, tuple[str, int, int]]:
    """Key of an area in the stored text (its id; empty for the total) -> (slug, order, position).

    Rows of one year and unit are sorted by area order, total first; ties by position.
    """
    keys = {"": (TOTAL, -1, 0)}
    for position, area in enumerate(areas, start=1):
        keys[str(area.pk)] = (area.slug, area.order, position)
    return keys


def stored_text(units: Iterable[UnitResult], areas: list[AuthorityArea]) -> str:
    """The units of one round and unit as `NkiStoredUnits.export` keeps them.

    One line per unit in the export's order: the area's key (its id, empty for the
    total), a tab, and the cells of `unit_cells` joined by commas, which is how
    csv.writer writes them: plain numbers and grade slugs are never quoted or
    neutralised (tested). `areas`: every authority area, in their order.
    """
    slug_keys = {slug: (order, position, key) for key, (slug, order, position) in _area_keys(areas).items()}
    lines = []
    for unit in units:
        order, position, key = slug_keys[unit.area_slug]
        lines.append(((order, position), f"{key}\t{','.join(unit_cells(unit.estimate))}"))
    lines.sort(key=itemgetter(0))
    return "\n".join(line for _order, line in lines)


class _Echo:
    """A file-like object whose write() hands the text back, so csv.writer returns each line."""

    def write(self, value: str) -> str:
        return value


def _quoting(delimiter: str) -> Callable[[str], str]:
    """One text cell as the portal's CSV writer writes it: neutralised, then quoted if need be.

    Kept per distinct text: an export repeats the same few hundred codes and names.
    """
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator=_LINE_END)
    # A second, empty cell, so that an empty text is not the line's only cell (which
    # csv.writer would quote); what follows the first cell is then the delimiter and the line end.
    end = len(delimiter) + len(_LINE_END)
    seen: dict[str, str] = {}

    def quoted(text: str) -> str:
        found = seen.get(text)
        if found is None:
            found = seen[text] = writer.writerow([cell(text), ""])[:-end]
        return found

    return quoted


def export_text(
    year: int | None = None,
    area_codes: Iterable[str] = (),
    authority_area: str = "",
    names: bool = False,
    decimal_comma: bool = False,
) -> str:
    """The rows of the CSV as text (without the header), sorted by year, area code and area (total first).

    `area_codes`: the units wanted (municipality codes, "region", "0000", …); all when
    empty. `decimal_comma`: the Excel variant (semicolons and decimal commas).
    Suppressed units keep their n and lose value, interval and grade, as on the pages.
    A fixed number of queries: the stored units (with the data version and the
    snapshot's stamp), the authority areas, the official figures and, with names,
    the municipalities.
    """
    delimiter = ";" if decimal_comma else ","
    quoted = _quoting(delimiter)
    wanted = set(area_codes)
    stored = nki.stored_export(years=[year] if year else None, codes=sorted(wanted) if wanted else None)
    # Read after the stored units, so every area they name is here: an area that has
    # units has responses, which must be deleted (and the units stored again) first.
    areas = list(AuthorityArea.objects.all())
    area_keys = _area_keys(areas)
    order = {slug: area_order for slug, area_order, _position in area_keys.values()}

    unit_names: dict[str, str] = {}
    area_names: dict[str, str] = {}
    if names:
        unit_names = dict(Municipality.objects.values_list("code", "name"))
        unit_names.update(
            {
                REGION: _("Business Region Örebro"),
                PublishedResult.SWEDEN: _("Sweden"),
                PublishedResult.COUNTY: _("Örebro County"),
            }
        )
        area_names = {a.slug: a.name for a in areas}
        area_names[TOTAL] = _("Total")

    # Per area key: the area's cell with the delimiter after it, and what ends its line.
    slug_cells = {key: quoted(slug) + delimiter for key, (slug, _o, _p) in area_keys.items()}
    line_ends = {
        key: (delimiter + quoted(area_names.get(slug, slug)) if names else "") + _LINE_END
        for key, (slug, _o, _p) in area_keys.items()
    }
    # The unit rows of one area only (its key), or of every area (None).
    slug_to_key = {slug: key for key, (slug, _o, _p) in area_keys.items()}
    only = slug_to_key.get(authority_area) if authority_area else None
    if authority_area and only is None:  # no such area: no unit rows (the view allows none)
        stored = []

    # Official figures: few, so written cell by cell like any CSV row.
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator=_LINE_END)
    official: dict[tuple[int, str], list[tuple[tuple, str]]] = {}
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
        if names:
            cells += [unit_names.get(result.area_code, result.area_code), area_names.get(slug, slug)]
        # Among the rows of the same year and unit: by area (total first), then source;
        # a survey unit before an official figure with the same, figures in query order.
        official.setdefault((result.year, result.area_code), []).append(
            ((order.get(slug, -1), result.source, 1, i), writer.writerow([cell(v) for v in cells]))
        )

    survey = delimiter + quoted(SURVEY_SOURCE)

    def unit_lines(unit_year: int, code: str, text: str) -> Iterator[tuple[str, str]]:
        """(area key, CSV line) of the stored units of one year and unit, in the export's order."""
        if decimal_comma:
            text = text.translate(_EXCEL)
        head = quoted(str(unit_year)) + delimiter + quoted(code) + delimiter
        middle = survey + (delimiter + quoted(unit_names.get(code, code)) if names else "")
        for line in text.split("\n"):
            area_key, _tab, cells_text = line.partition("\t")
            if only is None or area_key == only:
                yield area_key, head + slug_cells[area_key] + cells_text + middle + line_ends[area_key]

    units = {(unit_year, code): text for unit_year, code, text in stored if text}
    out: list[str] = []
    for key in sorted(units.keys() | official.keys()):
        lines = official.get(key)
        if lines is None:  # the usual case: survey units only, stored in order
            out.extend(line for _area_key, line in unit_lines(*key, units[key]))
            continue
        if key in units:
            for area_key, line in unit_lines(*key, units[key]):
                _slug, area_order, position = area_keys[area_key]
                lines.append(((area_order, SURVEY_SOURCE, 0, position), line))
        lines.sort(key=itemgetter(0))
        out.extend(line for _order, line in lines)
    return "".join(out)
