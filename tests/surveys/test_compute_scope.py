"""compute(codes=…): the pages ask for the region and a few municipalities only; the numbers stay the same."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from brorebro.models import Municipality
from surveys.nki import REGION, TOTAL, compute
from tests.factories import MunicipalityFactory
from tests.surveys.factories import respond, same


@pytest.fixture
def spread(orebro, laxa, hallsberg, round2023, round2025):
    """Three members and one outsider, two rounds, areas counted and not counted in 2025."""
    outsider = MunicipalityFactory(code="1780", name="Karlstad", slug="karlstad", member=False)
    respond(round2023, orebro, "bygglov", *same(5, 9), (6, 6, 5), information=5)
    respond(round2023, laxa, "bygglov", *same(3, 4), (4, 4, None))
    respond(round2023, hallsberg, "miljo_halsoskydd", *same(4, 8), information=2)
    respond(round2023, outsider, "bygglov", *same(1, 20), information=1)
    respond(round2025, orebro, "brandskydd", *same(2, 7))  # not counted toward the 2025 total
    respond(round2025, laxa, "serveringstillstand", *same(6, 11), (5, 6, 6))
    respond(round2025, outsider, "serveringstillstand", *same(1, 30))
    return outsider


def _estimate_figures(e):
    return (e.n, e.responses, e.mean, e.variance, e.ci, e.grade, e.suppressed, e.public_tenths())


def _figures(unit):
    return _estimate_figures(unit.estimate)


def test_region_is_the_same_whatever_municipalities_are_asked_for(spread):
    full = compute()
    for codes in ([], ["1880"], ["1780"], ["1861", "1780"]):
        scoped = compute(codes=codes)
        region = {(u.year, u.area_slug): _figures(u) for u in scoped if u.area_code == REGION}
        assert region == {(u.year, u.area_slug): _figures(u) for u in full if u.area_code == REGION}
        assert region  # the region is there even when no municipality is asked for


def test_only_the_asked_municipalities_have_units_and_they_are_unchanged(spread):
    full = compute(factors=True)
    scoped = compute(codes=["1860", "1780"], factors=True)
    assert {u.area_code for u in scoped} == {REGION, "1860", "1780"}
    for unit in scoped:
        assert _figures(unit) == _figures(full.get(unit.year, unit.area_code, unit.area_slug))
    assert scoped.factor(2023, "1780", "information", "bygglov").n == 20
    factor = scoped.factor(2023, REGION, "information")
    assert _estimate_figures(factor) == _estimate_figures(full.factor(2023, REGION, "information"))
    assert scoped.factor(2023, "1880", "information") is None


def test_region_sums_are_the_sums_of_member_units_only(spread):
    results = compute()
    regions = [u for u in results if u.area_code == REGION]
    assert len(regions) == 6  # 2023: bygglov, miljö and total; 2025: brandskydd, servering and total
    for region in regions:
        members = [results.get(region.year, code, region.area_slug) for code in ("1880", "1860", "1861")]
        members = [u for u in members if u is not None]
        assert region.estimate.n == sum(u.estimate.n for u in members)
        assert region.estimate.responses == sum(u.estimate.responses for u in members)
        # respondent-weighted: the n-weighted mean of the member units' means
        weighted = sum(u.estimate.mean * u.estimate.n for u in members) / region.estimate.n
        assert region.estimate.mean == weighted
    # the outsider answered 1 everywhere; it would pull the region down if it counted
    assert results.get(2025, REGION, "serveringstillstand").estimate.n == 12
    assert results.get(2025, "1780", "serveringstillstand").estimate.n == 30
    assert results.get(2025, REGION, TOTAL).estimate.n == 12  # brandskydd not counted in 2025


def test_a_non_member_asked_for_stays_out_of_the_region(spread):
    scoped = compute(codes=["1780"])
    assert scoped.get(2023, "1780", "bygglov").estimate.n == 20
    region = scoped.get(2023, REGION, "bygglov").estimate
    # Örebro 10 and Laxå 5 responses, one of Laxå's incomplete; not Karlstad's 20
    assert (region.n, region.responses, region.incomplete) == (14, 15, 1)


def _csv(client, query=""):
    response = client.get(reverse("surveys:export") + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("area_code", ["1880", "1860", "1780", "region", "0000"])
def test_filtered_export_equals_the_matching_rows_of_the_full_export(client, spread, area_code):
    header, *everything = _csv(client)
    _header, *filtered = _csv(client, f"?area_code={area_code}")
    assert filtered == [row for row in everything if row[1] == area_code]


def test_pages_show_the_region_without_the_outsider(client, spread):
    # 2025 alcohol licences: Laxå 11 × 100 and one 93.3 → 99.4, and so the region; with
    # Karlstad's 30 answers at 0 the region would be 28.4.
    html = client.get("/en/nki/1860/").content.decode()
    assert "99.4" in html and "28.4" not in html
    html = client.get("/en/nki/?area=serveringstillstand&municipality=1860").content.decode()
    assert "Business Region Örebro: 99.4 in 2025." in html
    assert "28.4" not in re.sub(r' d="[^"]*"', "", html)  # not as a number (SVG path coordinates aside)


def test_no_members_and_no_codes_is_an_empty_result_not_an_error(db, round2023):
    outsider = MunicipalityFactory(code="1780", name="Karlstad", slug="karlstad", member=False)
    respond(round2023, outsider, "bygglov", *same(4, 9))
    assert not Municipality.objects.filter(member=True).exists()  # nothing to read at all
    assert list(compute(codes=[])) == []
    assert compute(codes=["1780"]).get(2023, "1780", "bygglov").estimate.n == 9
    assert compute().get(2023, REGION, TOTAL) is None
