"""Listing and landmark names that look like HTML stay text on every map (issue 10, Medium 3).

Leaflet treats a string given to a popup, a tooltip or a div icon as HTML. A name such as
`<img src=x onerror=…>` must show as those characters: no element is created from it, and
its script never runs. (The site's CSP would stop the script on its own; the missing
element is what proves that the map scripts build from text.)
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from tests.e2e.helpers import assert_no_js_errors
from tests.factories import MunicipalityFactory
from tests.land.factories import OREBRO_E, OREBRO_N, LandmarkFactory, LandPlotFactory, rectangle
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=window.__pwned=1>"


@pytest.fixture
def hostile_listings(transactional_db):
    orebro = MunicipalityFactory(code="1880", name="Örebro", slug="orebro")
    plot = LandPlotFactory(municipality=orebro, name=HOSTILE, geom=rectangle(OREBRO_E, OREBRO_N, 300, 300))
    # Close to the plot, so that its label is shown without hovering.
    LandmarkFactory(
        name=HOSTILE + " trafikplats", location=Point(OREBRO_E + 400, OREBRO_N, srid=settings.SRID)
    )
    premises = PremisesFactory(municipality=orebro, title=HOSTILE, locality=HOSTILE)
    return {"plot": plot, "premises": premises}


def assert_shown_as_text(page, selector: str, text: str) -> None:
    overlay = page.locator(selector).first
    overlay.wait_for(state="visible")
    assert text in overlay.inner_text()
    assert page.locator(f"{selector} img").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_plot_name_is_text_in_the_tooltip_and_popup(page, hostile_listings):
    with page.expect_response(lambda r: "/api/land.geojson" in r.url and "zoom=1" in r.url):
        page.goto("/sv/land/")  # the map fits the plot and loads it again as a polygon close up
    shape = page.locator("#land-map path.leaflet-interactive").first
    shape.wait_for()
    shape.hover()
    assert_shown_as_text(page, "#land-map .leaflet-tooltip", HOSTILE)
    shape.click()
    assert_shown_as_text(page, "#land-map .leaflet-popup-content", HOSTILE)
    assert_no_js_errors(page)


def test_landmark_name_is_text_in_its_label(page, hostile_listings):
    page.goto(f"/sv/land/{hostile_listings['plot'].pk}/")
    assert_shown_as_text(page, "#plot-map .leaflet-tooltip", HOSTILE + " trafikplats")
    assert_no_js_errors(page)


def test_premises_title_is_text_in_the_popup(page, hostile_listings):
    page.goto("/sv/premises/")
    marker = page.locator("#premises-map .leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("title") == HOSTILE
    marker.click()
    popup = "#premises-map .leaflet-popup-content"
    assert_shown_as_text(page, popup, HOSTILE)
    assert page.locator(popup).inner_text().count(HOSTILE) == 2  # the title and the locality
    assert_no_js_errors(page)


def test_premises_detail_map_marker_is_named_in_text(page, hostile_listings):
    page.goto(f"/sv/premises/{hostile_listings['premises'].pk}/")
    marker = page.locator("#premises-map .leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("title") == HOSTILE
    assert (
        page.locator(
            "#premises-map img:not(.leaflet-marker-icon):not(.leaflet-marker-shadow):not(.leaflet-tile)"
        ).count()
        == 0
    )
    assert page.evaluate("() => window.__pwned") is None
    assert_no_js_errors(page)
