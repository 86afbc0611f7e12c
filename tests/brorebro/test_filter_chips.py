"""Active filters shown as removable chips above the results, and the sort order beside them."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory


def _chips(html: str) -> dict[str, dict[str, list[str]]]:
    """Chip text -> the query its link leads to."""
    block = html.split('class="filter-chips"')[1].split("</ul>")[0]
    chips = {}
    for href, inner in re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', block, re.S):
        text = re.sub(r"<[^>]+>", "", inner.split("</span>", 1)[1]).replace("×", "").strip()
        chips[unescape(text)] = parse_qs(urlsplit(unescape(href)).query)
    return chips


def test_each_active_filter_is_a_chip_that_removes_only_itself(client, orebro, laxa):
    PremisesFactory(municipality=orebro)

    html = client.get(
        "/en/premises/?kind=office&kind=retail&municipality=1880&area_min=100&bbox=15,59,16,60&sort=area_asc&page=1"
    ).content.decode()

    chips = _chips(html)
    assert set(chips) == {
        "Type of premises: Office",
        "Type of premises: Retail",
        "Municipality: Örebro",
        "Area from (m²): 100",
        "Map area: the part of the map you chose",
    }
    assert chips["Type of premises: Office"] == {
        "kind": ["retail"],
        "municipality": ["1880"],
        "area_min": ["100"],
        "bbox": ["15,59,16,60"],
        "sort": ["area_asc"],
    }
    assert "bbox" not in chips["Map area: the part of the map you chose"]
    assert all("page" not in query for query in chips.values()), "a chip link must start from page 1"
    assert 'class="chip-clear" href="?sort=area_asc"' in html


def test_chips_are_in_swedish_on_the_swedish_page_and_absent_without_filters(client, orebro):
    PremisesFactory(municipality=orebro)

    assert 'class="filter-chips"' not in client.get("/sv/premises/").content.decode()
    chips = _chips(client.get("/sv/premises/?kind=office").content.decode())
    assert list(chips) == ["Typ av lokal: Kontor"]


def test_an_invalid_search_shows_no_chips(client, orebro):
    html = client.get("/en/premises/?area_min=many").content.decode()

    assert 'class="filter-chips"' not in html


def test_land_search_has_chips_too(client, orebro):
    LandPlotFactory(municipality=orebro)

    chips = _chips(client.get("/en/land/?purpose=industry&rail=on").content.decode())

    assert "A rail siding is possible" in chips, chips
    assert chips["A rail siding is possible"] == {"purpose": ["industry"]}
    assert any(text.endswith(": Industry") for text in chips), chips


def test_the_sort_control_stands_beside_the_results_and_belongs_to_the_filter_form(client, orebro):
    PremisesFactory(municipality=orebro)

    html = client.get("/en/premises/?sort=area_desc").content.decode()

    results = html.split('id="results"')[1]
    select = re.search(r'<select name="sort"[^>]*>', results).group(0)
    assert 'form="premises-filters"' in select
    assert '<option value="area_desc" selected>' in results
    assert html.count('name="sort"') == 1, "one sort control, beside the results"
    land = client.get("/en/land/").content.decode()
    assert 'form="land-filters"' in re.search(r'<select name="sort"[^>]*>', land).group(0)
