"""The journeys of issue 7 in a real browser: a company, land, an officer, NKI, languages.

Each journey runs against the live server with the demo data. What the browser shows
is compared with what the database says (hit counts from the same FilterSet the views
use), so a map that silently drops points, or a count that lies, fails here.
"""

from __future__ import annotations

import re
import time

import pytest
from django.apps import apps

from tests.e2e.helpers import assert_no_js_errors, login_admin, wait_until_true
from tests.factories import make_officer

pytestmark = pytest.mark.e2e


def number_in(text: str) -> int:
    """The first number in a text, with Swedish (1 234) or English (1,234) grouping."""
    match = re.search(r"\d[\d\s\u00a0\u202f,]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group(0)))


def poll(fn, expected, seconds: float = 10.0):
    """fn() until it returns `expected` (maps draw asynchronously); the last value otherwise."""
    deadline = time.monotonic() + seconds
    value = fn()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        value = fn()
    return value


# Markers on the premises map: single premises are Leaflet icons, groups are numbered
# circles (BrMap.clusterIcon); the sum over both must equal the number of hits.
MARKER_SUM_JS = """() => {
  const icons = [...document.querySelectorAll('#premises-map .leaflet-marker-pane .leaflet-marker-icon')];
  return icons.reduce((sum, icon) => sum +
    (icon.classList.contains('cluster-marker') ? parseInt(icon.textContent.replace(/\\D/g, ''), 10) : 1), 0);
}"""


def premises_filter_choice():
    """A municipality and kind with several visible premises, and a minimum area that excludes some."""
    from premises.filters import PremisesFilterSet

    Premises = apps.get_model("premises", "Premises")
    visible = Premises.objects.visible()
    best = None
    for row in visible.values("municipality__code", "kind").distinct():
        params = {"municipality": [row["municipality__code"]], "kind": [row["kind"]]}
        count = PremisesFilterSet(params, queryset=visible).qs.count()
        if best is None or count > best[1]:
            best = (row, count)
    assert best and best[1] >= 2, "the demo data needs a municipality with two premises of one kind"
    row = best[0]
    areas = sorted(
        visible.filter(municipality__code=row["municipality__code"], kind=row["kind"]).values_list(
            "area_max_m2", flat=True
        )
    )
    area_min = areas[0] + 1 if areas[0] < areas[-1] else 0  # leaves out the smallest one
    params = {"municipality": [row["municipality__code"]], "kind": [row["kind"]], "area_min": str(area_min)}
    expected = PremisesFilterSet(params, queryset=visible).qs.count()
    return row["municipality__code"], row["kind"], area_min, expected


def test_company_finds_premises_on_the_map_and_sends_an_inquiry(page, demo, context):
    demo("premises")
    Inquiry = apps.get_model("brorebro", "Inquiry")
    Premises = apps.get_model("premises", "Premises")
    code, kind, area_min, expected = premises_filter_choice()
    assert expected >= 1

    page.goto("/sv/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Lediga lokaler").click()
    page.wait_for_url(re.compile(r"/sv/premises/$"))
    # Unfiltered, the whole county: numbered clusters that must add up to every hit.
    everything = number_in(page.locator("#result-count").inner_text())
    assert everything == Premises.objects.visible().count()
    on_map = poll(lambda: page.evaluate(MARKER_SUM_JS), everything)
    assert on_map == everything, (
        f"{everything} premises but the map's markers and clusters add up to {on_map}"
    )

    page.check(f"input[name=municipality][value='{code}']")
    page.check(f"input[name=kind][value='{kind}']")
    page.fill("input[name=area_min]", str(area_min))
    with page.expect_response(lambda r: "/api/premises.geojson" in r.url and f"municipality={code}" in r.url):
        page.locator("#premises-filters button[type=submit]").click()

    hits = number_in(page.locator("#result-count").inner_text())
    assert hits == expected, f"the page says {hits} hits, the database {expected}"
    assert hits < everything
    assert f"municipality={code}" in page.url and f"area_min={area_min}" in page.url
    on_map = poll(lambda: page.evaluate(MARKER_SUM_JS), hits)
    assert on_map == hits, f"{hits} hits but the markers and clusters on the map add up to {on_map}"

    first = page.locator(".result-list a").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_url(re.compile(r"/sv/premises/\d+/$"))
    assert page.locator("h1").inner_text().strip() == title

    page.fill("#id_name", "Greta Etablerare")
    page.fill("#id_company", "Etablering AB")
    page.fill("#id_email", "greta@etablering.example.se")
    page.fill("#id_message", "Vi söker lokal från årsskiftet. <b>Går det?</b>")
    page.check("#id_consent")
    # Wait for the new page itself: the old one is already 'loaded'.
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka förfrågan").click()
    assert page.get_by_text("Tack!").first.is_visible()
    assert_no_js_errors(page)

    inquiry = Inquiry.objects.get(email="greta@etablering.example.se")
    assert inquiry.listing_title == title

    # The officer of that municipality sees it in the admin.
    municipality = apps.get_model("brorebro", "Municipality").objects.get(code=code)
    make_officer(municipality, username="greta_officer")
    officer_page = context.new_page()
    login_admin(officer_page, "greta_officer")
    officer_page.goto("/admin/brorebro/inquiry/")
    rows = officer_page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Greta Etablerare" in rows.first.inner_text()
    assert title in rows.first.inner_text()


def test_land_search_draws_one_shape_per_filtered_plot(page, demo):
    demo("land")
    from land.filters import LandPlotFilterSet
    from land.views import visible_plots

    counts = {}
    for code in visible_plots().values_list("municipality__code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    code = max(counts, key=counts.get)
    expected = LandPlotFilterSet({"municipality": [code]}, queryset=visible_plots()).qs.count()
    total = visible_plots().count()
    assert 2 <= expected < total

    page.goto("/sv/land/")
    page.check(f"input[name=municipality][value='{code}']")
    page.locator("form.search-filters button[type=submit]").click()
    page.wait_for_url(re.compile(rf"municipality={code}"))

    hits = number_in(page.locator(".result-count").inner_text())
    assert hits == expected
    shapes = poll(lambda: page.locator("#land-map .leaflet-overlay-pane path").count(), hits)
    assert shapes == hits, f"{hits} plots found but {shapes} shapes drawn on the map"
    # Once the map has zoomed to the plots, they are polygons, not dots (closed SVG paths).
    page.wait_for_load_state("networkidle")
    paths = page.locator("#land-map .leaflet-overlay-pane path")
    closed = [
        d for d in paths.evaluate_all("els => els.map(e => e.getAttribute('d'))") if d and "z" in d.lower()
    ]
    assert len(closed) == hits, "the plots are not drawn as polygons"
    assert_no_js_errors(page)


def click_on_map(page, map_selector: str, lat: float, lon: float) -> None:
    """A real mouse click on the Leaflet map at (lat, lon), via the map django-leaflet created."""
    wait_until_true(page, "() => window.__e2eMaps && window.__e2eMaps.length > 0")
    point = page.evaluate(
        "([lat, lon]) => { const m = window.__e2eMaps[window.__e2eMaps.length - 1];"
        " m.setView([lat, lon], 14, {animate: false});"
        " const p = m.latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }",
        [lat, lon],
    )
    box = page.locator(map_selector).bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_officer_creates_publishes_and_finds_premises_and_is_refused_elsewhere(page, demo):
    demo("premises")
    Municipality = apps.get_model("brorebro", "Municipality")
    Premises = apps.get_model("premises", "Premises")
    orebro = Municipality.objects.get(code="1880")
    make_officer(orebro, username="orebro_e2e")
    # django-leaflet announces each map it creates; keep them so the test can aim its click.
    page.add_init_script(
        "window.__e2eMaps = []; window.addEventListener('map:init', e => window.__e2eMaps.push(e.detail.map));"
    )

    login_admin(page, "orebro_e2e")
    page.goto("/admin/premises/premises/add/")
    page.fill("#id_title", "Kontor vid Svartån E2E")
    page.select_option("#id_kind", "office")
    page.fill("#id_locality", "Örebro")
    page.fill("#id_street", "Storgatan 1")
    # Place the premises: the marker tool of the map widget, then a click in central Örebro.
    page.locator(".leaflet-draw-draw-marker").first.click()
    click_on_map(page, "#id_location-map", 59.2741, 15.2066)
    assert page.input_value("#id_location"), "the map click did not set the location"
    page.fill("#id_area_min_m2", "240")
    page.fill("#id_area_max_m2", "240")
    page.fill("#id_rent_sek_per_m2_year", "1450")
    page.fill("#id_contact_name", "Olle Officer")
    page.fill("#id_contact_email", "olle@orebro.example.se")
    # Wait for the new page itself: the old one is already 'loaded'.
    with page.expect_navigation():
        page.locator("input[name=_save]").first.click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, f"the admin refused the premises: {errors}"

    created = Premises.objects.get(title="Kontor vid Svartån E2E")
    assert created.municipality_id == orebro.pk
    assert orebro.contains(created.location), "the clicked point is not in Örebro"
    assert created.created_by.username == "orebro_e2e"
    assert not Premises.objects.visible().filter(pk=created.pk).exists()

    # Publish it with the changelist action.
    page.goto("/admin/premises/premises/")
    page.check(f"input[name=_selected_action][value='{created.pk}']")
    page.select_option("select[name=action]", "publish_listings")
    # Wait for the new page itself: the old one is already 'loaded'.
    with page.expect_navigation():
        page.locator("button[name=index]").first.click()
    assert Premises.objects.visible().filter(pk=created.pk).exists()

    # Visitors find it in the public search.
    page.goto("/sv/premises/?municipality=1880&kind=office&sort=newest")
    link = page.get_by_role("link", name="Kontor vid Svartån E2E")
    assert link.count() == 1
    link.click()
    page.wait_for_url(re.compile(rf"/sv/premises/{created.pk}/$"))

    # Another municipality's listing is out of reach, even by typing its URL.
    other = Premises.objects.exclude(municipality=orebro).first()
    assert other is not None
    response = page.goto(f"/admin/premises/premises/{other.pk}/change/")
    assert response.status == 404  # as for a listing that does not exist
    page.goto("/admin/premises/premises/")
    assert other.title not in page.locator("#result_list").inner_text()


def test_nki_chart_and_table_show_the_same_numbers(page, demo):
    demo("surveys")
    page.goto("/sv/nki/?municipality=1880&municipality=1860")
    # SVG elements have no innerText; their <title> text is the tooltip screen readers get.
    titles = page.locator("svg[role=img] .nki-line path title").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert len(titles) >= 4, "the chart has (almost) no points"
    chart = set()
    for title in titles:
        match = re.fullmatch(r"(.+) (\d{4}): ([\d,\.]+)", title.strip())
        assert match, f"unexpected point title {title!r}"
        chart.add((match.group(1), match.group(2), match.group(3)))

    table = set()
    for row in page.locator("table.nki-table tbody tr").all():
        cells = row.locator("td, th").all_inner_texts()
        year, unit, value = cells[0].strip(), cells[1].strip(), cells[2].strip()
        if re.fullmatch(r"[\d,\.]+", value):  # "too few responses" is listed, not drawn
            table.add((unit, year, value))
    assert chart == table, f"only in the chart: {chart - table}; only in the table: {table - chart}"
    # Swedish formatting in sv: a decimal comma.
    assert any("," in value for _u, _y, value in table)
    assert_no_js_errors(page)


@pytest.mark.parametrize(
    "app,path,query,checked",
    [
        (
            "premises",
            "premises",
            "municipality=1880&kind=office&area_min=100",
            ["municipality=1880", "kind=office"],
        ),
        ("land", "land", "municipality=1880&area_min_ha=1&rail=on", ["municipality=1880", "rail=on"]),
        (
            "surveys",
            "nki",
            "area=total&municipality=1880&municipality=1860",
            ["municipality=1880", "municipality=1860"],
        ),
    ],
)
def test_language_switch_keeps_the_filters(page, demo, app, path, query, checked):
    demo(app)
    page.goto(f"/sv/{path}/?{query}")
    values = {
        name: page.input_value(f"[name={name}]")
        for name in ("area_min", "area_min_ha", "area")
        if page.locator(f"[name={name}]").count()
    }
    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(rf"/en/{path}/\?"))
    assert page.get_attribute("html", "lang") == "en"
    assert sorted(page.url.split("?", 1)[1].split("&")) == sorted(query.split("&"))
    # The form on the English page shows the same choices.
    for name, value in values.items():
        assert page.input_value(f"[name={name}]") == value, f"{name} lost in the language switch"
    for pair in checked:
        name, value = pair.split("=")
        # A single checkbox (Django's CheckboxInput) has no value attribute.
        selector = f"input[name={name}]" if value == "on" else f"input[name={name}][value='{value}']"
        assert page.is_checked(selector), f"{pair} lost in the language switch"
