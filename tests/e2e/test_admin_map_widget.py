"""The officer's map in the admin: the marker icon loads from the static files, a click places
the point and a drag moves it (no "Edit layers" first), the toolbar speaks Swedish, and the
premises and land edit pages fit a 1400 px window."""

from __future__ import annotations

import json
import re

import pytest

from brorebro.models import Municipality
from brorebro.spatial import WGS84, transformed
from premises.models import Premises
from tests.e2e.helpers import assert_no_js_errors, login_admin, wait_until_true
from tests.factories import make_officer

pytestmark = pytest.mark.e2e

# Two spots inside Laxå municipality (the town, and a few kilometres to the south-west).
LAXA_TOWN = (58.9866, 14.6187)
LAXA_SOUTH_WEST = (58.955, 14.56)

# Every map made on the page, kept for the test (django-leaflet announces each with map:init).
REMEMBER_MAPS = (
    "window.__maps = []; window.addEventListener('map:init', e => window.__maps.push(e.detail.map));"
)


@pytest.fixture
def laxa_officer_page(page, demo):
    demo("premises", "land")
    make_officer(Municipality.objects.get(code="1860"), username="laxa_map")
    page.add_init_script(REMEMBER_MAPS)
    login_admin(page, "laxa_map")
    return page


def screen_point(page, lat: float, lon: float) -> dict:
    """Where (lat, lon) is in the window, through the map's own projection."""
    wait_until_true(page, "window.__maps && window.__maps.length > 0")
    page.evaluate("window.__maps[0].getContainer().scrollIntoView({block: 'center'})")
    return page.evaluate(
        """([lat, lon]) => {
            const map = window.__maps[0];
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [lat, lon],
    )


def stored_lat_lon(page) -> tuple[float, float]:
    lon, lat = json.loads(page.input_value("textarea[name=location]"))["coordinates"]
    return lat, lon


def test_officer_places_and_moves_the_point_of_new_premises(laxa_officer_page, live_server):
    page = laxa_officer_page
    page.goto("/admin/premises/premises/add/")
    # The hint says what works: a click on the map, or dragging the marker.
    assert page.get_by_text("Klicka på kartan för att placera lokalen, eller dra markören.").is_visible()
    # The toolbar speaks Swedish (django-leaflet's admin widget left it in English).
    assert page.locator(".leaflet-draw-draw-marker").get_attribute("title") == "Placera en punkt"
    assert page.locator(".leaflet-draw-edit-edit").get_attribute("title") == "Inget att redigera."

    # Place: one click on the map, no toolbar button first (after panning to Laxå, as the
    # officer would).
    wait_until_true(page, "window.__maps && window.__maps.length > 0")
    page.evaluate(
        "([lat, lon]) => window.__maps[0].setView([lat, lon], 11, {animate: false})", list(LAXA_TOWN)
    )
    town = screen_point(page, *LAXA_TOWN)
    page.mouse.click(town["x"], town["y"])
    marker = page.locator(".leaflet-marker-icon")
    marker.wait_for()
    assert page.evaluate("L.Icon.Default.imagePath") == "/static/leaflet/images/"
    src = marker.get_attribute("src")
    assert src.startswith("/static/leaflet/images/marker-icon"), src
    wait_until_true(page, "document.querySelector('.leaflet-marker-icon').naturalWidth > 0")
    lat, lon = stored_lat_lon(page)
    assert lat == pytest.approx(LAXA_TOWN[0], abs=0.01) and lon == pytest.approx(LAXA_TOWN[1], abs=0.01)

    # Move: drag the marker itself.
    target = screen_point(page, *LAXA_SOUTH_WEST)
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(target["x"], target["y"] - 2, steps=12)
    page.mouse.up()
    moved_lat, moved_lon = stored_lat_lon(page)
    assert moved_lat == pytest.approx(LAXA_SOUTH_WEST[0], abs=0.01)
    assert moved_lon == pytest.approx(LAXA_SOUTH_WEST[1], abs=0.01)
    assert page.locator(".leaflet-marker-icon").count() == 1

    page.fill("#id_title", "Lokal placerad på kartan")
    page.select_option("#id_kind", index=1)
    page.fill("#id_locality", "Laxå")
    page.fill("#id_area_min_m2", "120")
    page.fill("#id_area_max_m2", "120")
    with page.expect_navigation():
        page.locator("input[name=_save]").first.click()
    assert page.locator(".errorlist").all_inner_texts() == []
    page.wait_for_url(re.compile(r".*/admin/premises/premises/$"))

    saved = transformed(Premises.objects.get(title="Lokal placerad på kartan").location, WGS84)
    assert saved.y == pytest.approx(moved_lat, abs=1e-5) and saved.x == pytest.approx(moved_lon, abs=1e-5)
    assert_no_js_errors(page)


def test_a_click_moves_the_point_of_existing_premises(laxa_officer_page):
    page = laxa_officer_page
    premises = Premises.objects.filter(municipality__code="1860").order_by("pk").first()
    page.goto(f"/admin/premises/premises/{premises.pk}/change/")
    page.locator(".leaflet-marker-icon").wait_for()
    wait_until_true(page, "document.querySelector('.leaflet-marker-icon').naturalWidth > 0")

    before = stored_lat_lon(page)
    page.evaluate("window.__maps[0].getContainer().scrollIntoView({block: 'center'})")
    spot = page.evaluate(
        "() => { const m = window.__maps[0], s = m.getSize(); const b = m.getContainer().getBoundingClientRect();"
        " return {x: b.left + s.x / 2 + 60, y: b.top + s.y / 2 + 40}; }"
    )
    page.mouse.click(spot["x"], spot["y"])
    after = stored_lat_lon(page)
    assert after != before
    assert page.locator(".leaflet-marker-icon").count() == 1

    page.locator("input[name=_save]").first.click()
    page.wait_for_url(re.compile(r".*/admin/premises/premises/$"))
    premises.refresh_from_db()
    saved = transformed(premises.location, WGS84)
    assert (saved.y, saved.x) == (pytest.approx(after[0], abs=1e-5), pytest.approx(after[1], abs=1e-5))
    assert_no_js_errors(page)


@pytest.mark.parametrize("model", ["premises/premises", "land/landplot"])
def test_edit_pages_fit_1400_px(laxa_officer_page, model):
    page = laxa_officer_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    app, name = model.split("/")
    listing_model = Premises if app == "premises" else __import__("land.models").models.LandPlot
    listing = listing_model.objects.filter(municipality__code="1860").order_by("pk").first()
    for path in (f"/admin/{model}/{listing.pk}/change/", f"/admin/{model}/add/"):
        page.goto(path)
        page.locator(".leaflet-container").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1400, f"{path} is {width} px wide at a 1400 px window"
