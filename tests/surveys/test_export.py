"""The NKI CSV export: columns, rounding, suppression, filters, official figures."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.models import AuthorityArea, PublishedResult
from tests.surveys.factories import make_round, respond, same

COLUMNS = ["year", "area_code", "authority_area", "nki", "n", "ci_low", "ci_high", "grade", "source"]


@pytest.fixture
def data(orebro, laxa, hallsberg):
    survey_round = make_round(2023)
    # Örebro bygglov: 7 × (5,5,5) = 80 and 1 × (6,6,5) = 93.33 → mean 81.67
    respond(survey_round, orebro, "bygglov", *same(5, 7), (6, 6, 5))
    respond(survey_round, laxa, "bygglov", *same(2, 2))  # 20, n = 2: suppressed
    # 40, n = 7: withheld, or the region minus Örebro would give Laxå back (the cheapest
    # complement: Hallsberg's 7 + 7 responses against Örebro's 8 + 8)
    respond(survey_round, hallsberg, "bygglov", *same(3, 7))
    PublishedResult.objects.create(
        year=2023, area_code="0000", value=Decimal("68.25"), source="Kolada U07402"
    )
    PublishedResult.objects.create(
        year=2023,
        area_code="0000",
        value=Decimal("61.50"),
        source="Kolada U07451",
        authority_area=AuthorityArea.objects.get(slug="bygglov"),
    )
    return survey_round


def export(client, query=""):
    response = client.get(reverse("surveys:export") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def find(rows, area_code, area):
    return next(r for r in rows if r["area_code"] == area_code and r["authority_area"] == area)


def test_columns_and_one_decimal(client, data):
    header, rows = export(client)
    assert header == COLUMNS
    orebro = find(rows, "1880", "bygglov")
    assert orebro["nki"] == "81.7" and orebro["n"] == "8" and orebro["grade"] == "mycket_hogt"
    assert orebro["source"] == "survey"
    assert re.fullmatch(r"\d+\.\d", orebro["ci_low"]) and re.fullmatch(r"\d+\.\d", orebro["ci_high"])
    assert float(orebro["ci_low"]) < 81.7 < float(orebro["ci_high"])


def test_suppressed_units_have_n_only(client, data):
    _header, rows = export(client)
    laxa = find(rows, "1860", "bygglov")
    assert (laxa["nki"], laxa["ci_low"], laxa["ci_high"], laxa["grade"], laxa["n"]) == ("", "", "", "", "2")
    for area in ("bygglov", "total"):
        hallsberg = find(rows, "1861", area)
        assert (hallsberg["nki"], hallsberg["ci_low"], hallsberg["grade"], hallsberg["n"]) == (
            "",
            "",
            "",
            "7",
        )


def test_region_and_totals_are_included(client, data):
    _header, rows = export(client)
    region = find(rows, "region", "total")
    # 7 × 80 + 93.33 + 2 × 20 + 7 × 40 = 973.33 over 17 respondents
    assert region["nki"] == "57.3" and region["n"] == "17" and region["grade"] == "lagt"
    assert find(rows, "1880", "total")["nki"] == "81.7"


def test_official_figures_keep_their_source(client, data):
    _header, rows = export(client)
    national = find(rows, "0000", "total")
    assert national["nki"] == "68.3"  # 68.25 rounded half-up
    assert national["source"] == "Kolada U07402" and national["grade"] == "godkant"
    assert find(rows, "0000", "bygglov")["grade"] == "godkant"  # 61.5 → 62


def test_filters(client, data):
    _h, rows = export(client, "?area_code=1880")
    assert {r["area_code"] for r in rows} == {"1880"}
    _h, rows = export(client, "?authority_area=total")
    assert {r["authority_area"] for r in rows} == {"total"}
    assert {r["area_code"] for r in rows} == {"0000", "1880", "1860", "1861", "region"}
    _h, rows = export(client, "?year=2021")
    assert rows == []
    _h, rows = export(client, "?year=2023&area_code=region&authority_area=bygglov")
    assert [(r["area_code"], r["authority_area"]) for r in rows] == [("region", "bygglov")]


@pytest.mark.parametrize("query", ["?year=abc", "?area_code=xyz", "?authority_area=nonsense", "?year=99999"])
def test_bad_filters_are_400_with_a_message(client, data, query):
    response = client.get(reverse("surveys:export") + query)
    assert response.status_code == 400
    assert response.content


def test_the_file_is_utf8_with_a_bom_and_keeps_the_open_data_columns(client, data):
    content = client.get(reverse("surveys:export")).content
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)


def _variant(client, query):
    response = client.get(reverse("surveys:export") + query)
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


def test_excel_variant_has_semicolons_decimal_commas_and_names(client, data):
    text = _variant(client, "?format=excel")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [*COLUMNS, "area_name", "authority_area_name"]
    orebro = next(r for r in rows if r[1] == "1880" and r[2] == "bygglov")
    assert orebro[3] == "81,7" and orebro[9:] == ["Örebro", "Bygglov"]  # Swedish names under /sv/ by default
    assert re.fullmatch(r"\d+,\d", orebro[5])
    national = next(r for r in rows if r[1] == "0000" and r[2] == "total")
    assert national[3] == "68,3" and national[9] == "Riket"


def test_names_follow_the_language(client, data):
    with translation.override("en"):
        url = reverse("surveys:export")
    rows = list(csv.DictReader(io.StringIO(client.get(url + "?format=names").content.decode("utf-8-sig"))))
    region = next(r for r in rows if r["area_code"] == "region" and r["authority_area"] == "bygglov")
    assert (region["area_name"], region["authority_area_name"]) == (
        "Business Region Örebro",
        "Building permits",
    )
    assert region["nki"].count(".") == 1  # decimal point in this variant


def test_the_export_takes_the_selection_of_the_page(client, data):
    _h, rows = export(client, "?authority_area=bygglov&area_code=region&area_code=0000&area_code=1880")
    assert {(r["area_code"], r["authority_area"]) for r in rows} == {
        ("region", "bygglov"),
        ("0000", "bygglov"),
        ("1880", "bygglov"),
    }


def test_the_page_links_to_its_own_selection(client, data):
    html = client.get("/en/nki/?area=bygglov&municipality=1880&municipality=1860").content.decode()
    link = re.search(r'href="(/en/nki/export\.csv\?[^"]*format=excel)"', html).group(1).replace("&amp;", "&")
    text = client.get(link).content.decode("utf-8-sig")
    units = {row[1] for row in csv.reader(io.StringIO(text), delimiter=";")}
    assert units == {"area_code", "region", "0000", "1880", "1860"}  # not Hallsberg, not other areas
    assert all(
        row[2] in ("authority_area", "bygglov") for row in csv.reader(io.StringIO(text), delimiter=";")
    )


@pytest.mark.parametrize("query", ["?format=xlsx", "?area_code=region&area_code=12"])
def test_bad_variants_are_400(client, data, query):
    assert client.get(reverse("surveys:export") + query).status_code == 400
