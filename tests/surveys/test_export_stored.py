"""The export writes stored text (issue 15): byte for byte what a fresh computation written cell by cell gives.

The reference below is the export as it was before its cells were stored: every unit
of `nki.compute()` (not the stored units) made into cells, sorted, and written by the
portal's CSV writer (`brorebro.csvexport.csv_lines`, which neutralises and quotes
each cell). The data have what could go wrong: official figures among the units of
the same year and code, texts that look like formulas or hold delimiters and quotes,
negative interval ends, suppressed and withheld units, an area whose slug starts
with a minus.
"""

from __future__ import annotations

import random
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from brorebro.csvexport import csv_lines
from surveys import nki
from surveys.export import COLUMNS, NAME_COLUMNS, _text
from surveys.models import AuthorityArea, PublishedResult, Response, SurveyRound
from surveys.nki import REGION, SURVEY_SOURCE, TOTAL, grade
from surveys.trends import decimal1
from tests.surveys.factories import make_round, respond, same

pytestmark = pytest.mark.django_db

AREAS = ["bygglov", "miljo_halsoskydd", "livsmedelskontroll", "brandskydd", "-odd"]


def reference_rows(year, area_codes, authority_area, names, decimal_comma):
    """The export's rows from a fresh computation, cell by cell (the former implementation)."""
    wanted = set(area_codes)
    codes = None if not wanted else sorted(wanted - {REGION})
    results = nki.compute(years=[year] if year else None, codes=codes)
    order = {a.slug: a.order for a in results.areas}
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

    def number(count):
        text = _text(decimal1(Decimal(count) / 10))
        return text.replace(".", ",") if decimal_comma else text

    def with_names(cells, code, slug):
        return cells + [unit_names.get(code, code), area_names.get(slug, slug)] if names else cells

    rows = []
    for unit in results:
        slug = unit.area_slug
        if (wanted and unit.area_code not in wanted) or (authority_area and slug != authority_area):
            continue
        value, low, high, grade_slug = unit.estimate.public_tenths()
        cells = [
            str(unit.year),
            unit.area_code,
            slug,
            "" if value is None else number(value),
            str(unit.estimate.n),
            "" if low is None else number(low),
            "" if high is None else number(high),
            grade_slug or "",
            SURVEY_SOURCE,
        ]
        key = (unit.year, unit.area_code, order.get(slug, -1), SURVEY_SOURCE, 0, position.get(slug, 0))
        rows.append((key, with_names(cells, unit.area_code, slug)))
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
            value.replace(".", ",") if decimal_comma else value,
            "" if result.n is None else str(result.n),
            "",
            "",
            grade(result.value) or "",
            result.source,
        ]
        key = (result.year, result.area_code, order.get(slug, -1), result.source, 1, i)
        rows.append((key, with_names(cells, result.area_code, slug)))
    rows.sort(key=lambda item: item[0])
    return [cells for _key, cells in rows]


def reference_bytes(query: dict, language: str) -> bytes:
    variant = query.get("format", "")
    codes = query.get("area_code", [])
    with translation.override(language):
        rows = reference_rows(
            query.get("year"), codes, query.get("authority_area", ""), bool(variant), variant == "excel"
        )
    header = COLUMNS + (NAME_COLUMNS if variant else [])
    return "".join(csv_lines(header, rows, ";" if variant == "excel" else ",")).encode()


@pytest.fixture
def awkward(county):
    """Three rounds over the county, with every kind of cell the export must write exactly."""
    rng = random.Random(1515)
    AuthorityArea.objects.create(slug="-odd", name_sv='=Udda; "område"', name_en="-Odd, area", order=3)
    AuthorityArea.objects.filter(slug="bygglov").update(name_sv='Bygglov, "plan"; lov')
    county["1880"].name = '=HYPERLINK("x"), Örebro; "stad"'
    county["1880"].save()
    county["1860"].name = "-Laxå"
    county["1860"].save()
    areas = {a.slug: a for a in AuthorityArea.objects.all()}
    rows = []
    for year, scale, min_n in ((2021, 6, 7), (2023, 10, 7), (2025, 6, 2)):
        survey_round = make_round(year, scale_max=scale, min_n_display=min_n)
        for municipality in county.values():
            for slug in AREAS:
                if rng.random() < 0.25 or (year, municipality.code, slug) == (2025, "1880", "brandskydd"):
                    continue
                size = rng.randint(1, 6) if rng.random() < 0.4 else rng.randint(7, 25)
                for _response in range(size):
                    answer = rng.randint(1, scale)
                    rows.append(
                        Response(
                            round=survey_round,
                            municipality=municipality,
                            area=areas[slug],
                            q_total=answer,
                            q_expectations=min(scale, answer + rng.choice([0, 1])),
                            q_ideal=None if rng.random() < 0.05 else answer,
                        )
                    )
        if year == 2025:
            # Two answers far apart: the interval reaches far below 0 and above 100.
            respond(survey_round, county["1880"], "brandskydd", *same(1, 1), *same(6, 1))
    Response.objects.bulk_create(rows)
    bygglov = areas["bygglov"]
    for year, code, area, value, n, source in [
        (2023, "0000", None, "68.25", 1200, "Kolada U07402"),
        (2023, "0000", bygglov, "61.50", None, "Kolada U07451"),
        (2023, "1880", None, "70.05", 55, '=HYPERLINK("http://x"), "Kolada"; U'),
        (2023, "1880", bygglov, "49.95", None, "-1+1"),
        (2023, "1880", areas["livsmedelskontroll"], "80", 3, "@SUM(A1)"),
        (2025, PublishedResult.COUNTY, None, "66.6", None, "SCB\tlän"),
        (2019, "0000", None, "71", 900, "Kolada U07402"),
        (2019, "1860", areas["-odd"], "12.35", 4, "'=already"),
    ]:
        PublishedResult.objects.create(
            year=year, area_code=code, authority_area=area, value=Decimal(value), n=n, source=source
        )
    return county


QUERIES = [
    {},
    {"year": 2023},
    {"year": 2019},
    {"year": 2025, "authority_area": "brandskydd"},
    {"area_code": ["1880", "region"]},
    {"area_code": ["0000", "1880", PublishedResult.COUNTY]},
    {"area_code": ["region"], "authority_area": "bygglov"},
    {"authority_area": "total"},
    {"authority_area": "bygglov"},
    {"authority_area": "-odd"},
    {"area_code": ["1860"], "authority_area": "-odd", "year": 2019},
    {"area_code": ["9999"]},
]


@pytest.mark.parametrize("variant", ["", "names", "excel"])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_export_is_byte_for_byte_a_fresh_computation_written_cell_by_cell(
    client, awkward, variant, language
):
    nki.store()
    covered: dict[str, bool] = {}
    for query in QUERIES:
        query = {**query, **({"format": variant} if variant else {})}
        with translation.override(language):
            url = reverse("surveys:export") + "?" + urlencode(query, doseq=True)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == reference_bytes(query, language), url
        text = response.content.decode("utf-8-sig")
        for name, found in {
            "negative interval end": ",-" in text or ";-" in text,
            "neutralised formula": "'=HYPERLINK" in text,
            "quoted cell": '""' in text,
            "suppressed unit": ",,," in text or ";;;" in text,
            "official figure": "Kolada" in text,
        }.items():
            covered[name] = covered.get(name, False) or found
    # The data really have what the comparison is about.
    assert all(covered.values()), covered


def test_the_stored_text_is_current_after_a_change(client, awkward):
    url = reverse("surveys:export") + "?area_code=1880&year=2025"
    before = client.get(url).content
    respond(SurveyRound.objects.get(year=2025), awkward["1880"], "bygglov", *same(6, 30))
    after = client.get(url + "&again=1").content
    assert after != before
    assert after == reference_bytes({"area_code": ["1880"], "year": 2025}, "sv")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?format=names",
        "?format=excel",
        "?year=2023&format=excel",
        "?authority_area=bygglov&area_code=region&area_code=1880&format=names",
    ],
)
def test_query_count_of_every_variant_does_not_grow_with_the_data(client, county, query):
    survey_round = make_round(2023)
    respond(survey_round, county["1880"], "bygglov", *same(5, 8))
    nki.store()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("surveys:export") + query).status_code == 200
    for year in (2021, 2025):
        other = make_round(year)
        for municipality in county.values():
            respond(other, municipality, "miljo_halsoskydd", *same(4, 9))
            respond(other, municipality, "bygglov", *same(5, 3))
    PublishedResult.objects.create(year=2023, area_code="0000", value=Decimal("70"), source="Kolada")
    nki.store()
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("surveys:export") + query + ("&" if query else "?") + "large=1")
    assert response.status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 8
