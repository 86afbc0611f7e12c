"""The public NKI pages: chart and table, filters, the municipality page, query counts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import Truncator

from surveys import nki
from surveys.models import AuthorityArea, PublishedResult
from tests.surveys.factories import make_round, respond, same


@pytest.fixture
def survey(orebro, laxa, hallsberg):
    """Two rounds: Örebro at 80 then 60; Laxå too small to show in 2025, Hallsberg withheld."""
    first, second = make_round(2023), make_round(2025)
    respond(first, orebro, "bygglov", *same(5, 10))  # 80
    respond(second, orebro, "bygglov", *same(4, 8))  # 60
    respond(second, laxa, "bygglov", *same(6, 3))  # 100, but only 3 responses
    # 60 on 7 responses: withheld so that the region minus Örebro does not give Laxå
    respond(second, hallsberg, "bygglov", *same(4, 7))
    PublishedResult.objects.create(
        year=2025, area_code="0000", value=Decimal("70.04"), source="Kolada U07402"
    )
    return first, second


def en(path_name, *args):
    with translation.override("en"):
        return reverse(path_name, args=args)


def test_trends_page_has_an_accessible_chart_and_a_table(client, survey):
    response = client.get(en("surveys:index") + "?municipality=1880")
    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Survey year" in svg and "NKI (0–100)" in svg
    assert "stroke-dasharray" in svg  # lines differ by more than colour
    assert "<caption" in html and 'scope="col"' in html
    assert "How the numbers are computed" in html


def test_table_and_chart_show_the_same_numbers(client, survey):
    html = client.get(en("surveys:index") + "?municipality=1880").content.decode()
    table = html[html.index("<table") :]
    svg = html[html.index("<svg") : html.index("</svg>")]
    # Örebro 80 then 60; the region 80 then (8 × 60 + 3 × 100 + 7 × 60) / 18 = 66.7; Sweden 70.0
    for value in ("80.0", "60.0", "66.7", "70.0"):
        assert value in table
        assert value in svg  # the tooltip of each plotted point
    assert "Business Region Örebro: from 80.0 in 2023 to 66.7 in 2025" in svg


def test_suppressed_units_show_n_but_no_value(client, survey):
    html = client.get(en("surveys:index") + "?municipality=1860").content.decode()
    row = re.search(r"<tr>\s*<td>2025</td>\s*<th scope=\"row\">Laxå</th>.*?</tr>", html, re.S).group(0)
    assert "too few responses" in row
    assert ">3<" in row
    assert "100.0" not in row and "100.0" not in html


def test_suppression_reads_in_swedish(client, survey):
    html = client.get("/sv/nki/?municipality=1860").content.decode()
    assert "för få svar" in html


def test_area_filter_changes_the_lines(client, survey):
    html = client.get(en("surveys:index") + "?area=brandskydd").content.decode()
    assert "Fire protection" in html
    assert "80.0" not in html  # nobody answered about fire protection


def test_bad_filters_get_a_message_not_an_error(client, survey):
    response = client.get(en("surveys:index") + "?area=nonsense&municipality=9999")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_municipality_page_shows_areas_factors_and_trend(client, survey, orebro):
    first, second = survey
    respond(second, orebro, "miljo_halsoskydd", *same(6, 7), information=6)
    response = client.get(en("surveys:municipality", "1880"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Authority areas in 2025" in html
    assert "Building permits" in html and "Environmental and health protection" in html
    assert "Service factors in 2025" in html and "Information" in html
    assert "not in the total" in html  # fire protection is not counted from 2024
    assert "<svg" in html


def test_unknown_municipality_is_404(client, survey):
    assert client.get(en("surveys:municipality", "9999")).status_code == 404


def test_pages_work_with_no_data(client, db):
    assert client.get(en("surveys:index")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def _bulk(survey_round, municipality, times):
    respond(survey_round, municipality, "miljo_halsoskydd", *same(5, times), kompetens=4)


@pytest.mark.parametrize(
    "url_args", [("surveys:index",), ("surveys:municipality", "1880"), ("surveys:export",)]
)
def test_query_count_does_not_grow_with_responses(client, survey, orebro, laxa, url_args):
    url = en(*url_args) + ("?municipality=1880&municipality=1860" if url_args[0] == "surveys:index" else "")
    first, second = survey
    # As after an import: the NKI units are stored, and the page reads them.
    nki.store()
    # Both cold: nothing in the cache (responses, and fragments such as the form's choices).
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for survey_round in (first, second):
        for municipality in (orebro, laxa):
            _bulk(survey_round, municipality, 300)
    nki.store()
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    # The municipality page reads its trend from the stored units and computes the latest round's factors.
    assert len(large) <= {"surveys:index": 9, "surveys:municipality": 15, "surveys:export": 5}[url_args[0]]
    # With the fragments every query shares in the cache (an unseen query of a busy site), fewer.
    with CaptureQueriesContext(connection) as shared_fragments:
        assert client.get(url + ("&" if "?" in url else "?") + "unseen=1").status_code == 200
    assert len(shared_fragments) <= len(large)


def test_query_count_of_storing_the_results_does_not_grow_with_responses(survey, orebro, laxa):
    first, second = survey
    with CaptureQueriesContext(connection) as small:
        assert nki.store()
    for survey_round in (first, second):
        for municipality in (orebro, laxa):
            _bulk(survey_round, municipality, 300)
    with CaptureQueriesContext(connection) as large:
        assert nki.store()
    assert len(large) <= len(small)


def test_home_page_section_shows_the_latest_regional_nki(client, survey):
    html = client.get(en("home")).content.decode()
    assert "regional NKI 2025" in html
    assert "66.7" in html
    assert "−13.3" in html  # 80 → 66.7 since 2023


def test_area_names_follow_the_language(db):
    area = AuthorityArea.objects.get(slug="bygglov")
    with translation.override("en"):
        assert area.name == "Building permits"
    with translation.override("sv"):
        assert area.name == "Bygglov"


def test_side_by_side_table_has_years_as_columns(client, survey):
    html = client.get(en("surveys:index") + "?municipality=1880&municipality=1860").content.decode()
    table = re.search(r'<table class="data-table nki-matrix">.*?</table>', html, re.S).group(0)
    assert re.findall(r'<th scope="col" class="num">(\d{4})</th>', table) == ["2023", "2025"]
    laxa = re.search(r'<th scope="row">Laxå</th>(.*?)</tr>', table, re.S).group(1)
    cells = re.findall(r'<td class="num">(.*?)</td>', laxa, re.S)
    assert cells[0] == "–" and "too few" in cells[1]  # no answers in 2023; 3 in 2025
    orebro = re.search(r'<th scope="row">Örebro</th>(.*?)</tr>', table, re.S).group(1)
    assert [c.split("<")[0] for c in re.findall(r'<td class="num">(.*?)</td>', orebro, re.S)] == [
        "80.0",
        "60.0",
    ]


def test_plain_summary_comes_before_the_chart(client, survey):
    html = client.get(en("surveys:index")).content.decode()
    assert html.index("How to read the figures") < html.index("<svg")
    assert html.index("<svg") < html.index('id="method-heading"')
    html = client.get(en("surveys:municipality", "1880")).content.decode()
    assert html.index("How to read the figures") < html.index("Authority areas in 2025")


def test_compared_municipalities_have_intervals_and_small_n_is_marked(client, survey, orebro):
    first, _second = survey
    respond(first, orebro, "bygglov", (3, 3, 3), (6, 6, 6))  # a spread, so an interval; n = 12
    html = client.get(en("surveys:index") + "?municipality=1880").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    orebro_line = svg[svg.index('fill="#b0141a"') - 2000 :]  # the first compared municipality's colour
    assert 'stroke="#b0141a" stroke-opacity="0.55"' in orebro_line  # its interval bars
    assert 'class="nki-few"' in svg  # Örebro's 12 and 8 responses are few
    assert "A hollow marker means fewer than 20 responses" in html
    assert '<span class="nki-few-mark"' in html


def test_the_chart_has_a_phone_layout(client, survey):
    html = client.get(en("surveys:index") + "?municipality=1880").content.decode()
    assert 'class="nki-chart-wide" viewBox="0 0 760 380"' in html
    assert 'class="nki-chart-narrow" viewBox="0 0 360 300"' in html


def test_the_chart_escapes_its_text_once(client, survey, orebro):
    """The SVG is written in Python (surveys.charts): names are escaped, translated titles not twice."""
    orebro.name = 'Örebro & <Co> "x"'
    orebro.save()
    html = client.get(en("surveys:municipality", "1880")).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<Co>" not in html
    assert "Örebro &amp; &lt;Co&gt; &quot;x&quot;" in svg  # in the title, the tooltips and the description
    assert "&amp;amp;" not in svg and "&amp;lt;" not in svg
    assert '<title id="nki-municipality-trend-title">NKI per survey year: Örebro &amp; &lt;Co&gt;' in svg
    # The line's label at its end: whole in the wide chart, shortened (as truncatechars does) in the narrow one.
    labels = re.findall(r'font-weight="600">([^<]*)</text>', html)
    assert "Örebro &amp; &lt;Co&gt; &quot;x&quot;" in labels
    assert escape(Truncator(orebro.name).chars(9)) in labels and "Örebro &amp;…" in labels


def test_the_compare_boxes_keep_what_was_sent(client, survey):
    html = client.get(en("surveys:index") + "?municipality=1880&municipality=1860").content.decode()
    boxes = re.findall(
        r'<input type="checkbox" name="municipality" value="(\d+)" id="(id_municipality_\d+)"( checked)?>',
        html,
    )
    assert {value for value, _id, checked in boxes if checked} == {"1880", "1860"}
    assert len({box_id for _value, box_id, _checked in boxes}) == len(boxes) >= 3
    for _value, box_id, _checked in boxes:
        assert f'<label for="{box_id}">' in html
    # A value that is no choice makes the form invalid: the page shows the region only, and the
    # boxes that were sent stay checked, as Django's widget keeps them.
    html = client.get(en("surveys:index") + "?municipality=1880&municipality=9999").content.decode()
    assert re.search(r'value="1880" id="id_municipality_\d+" checked>', html)
