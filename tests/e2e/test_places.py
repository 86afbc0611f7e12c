"""Browser: a place name in "Near" (issue 16). Type a name, pick it from the suggestions,
and the results are the premises (or plots) near it, by distance; the premises detail page
shows the specs and the distances to transport. axe finds nothing on these pages."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations

pytestmark = pytest.mark.e2e


def _kilometres(page) -> list[float]:
    """The distances the result cards show ("2,3 km bort"), in order."""
    texts = page.locator(".result-list").inner_text()
    return [float(n.replace(",", ".")) for n in re.findall(r"(\d+(?:,\d+)?) km bort", texts)]


def _assert_no_axe(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def test_pick_a_place_name_and_see_premises_by_distance(page, demo):
    demo("premises", "land")
    page.goto("/sv/premises/")
    page.get_by_text("Nära en plats").click()
    near = page.locator("#id_near")
    near.click()
    near.press_sequentially("kombiterm", delay=40)
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option", name="Örebro Kombiterminal, Törsjö (Kombiterminal)")
    option.wait_for()
    assert near.get_attribute("aria-expanded") == "true"
    _assert_no_axe(page)  # with the suggestions open
    option.click()
    assert near.input_value() == "Örebro Kombiterminal, Törsjö (Kombiterminal)"
    assert near.get_attribute("aria-expanded") == "false"
    page.fill("#id_radius_km", "5")
    page.locator("#premises-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"near=.*Kombiterminal"))

    # The same answer as the server's own search within 5 km of that terminal.
    Landmark = apps.get_model("land", "Landmark")
    Premises = apps.get_model("premises", "Premises")
    terminal = Landmark.objects.get(name="Örebro Kombiterminal, Törsjö").location
    expected = sorted(p.location.distance(terminal) / 1000 for p in Premises.objects.visible())
    expected = [km for km in expected if km <= 5]
    assert expected, "the demo data needs premises near Örebro Kombiterminal"
    page.locator(".result-list").wait_for()
    shown = _kilometres(page)
    assert len(shown) == len(expected) and all(km <= 5.05 for km in shown)

    # Nearest first: the same search sorted by distance.
    page.goto(page.url.replace("partial=1", "") + "&sort=distance")
    shown = _kilometres(page)
    assert shown == sorted(shown) and shown[0] == pytest.approx(expected[0], abs=0.06)
    assert_no_js_errors(page)


def test_keyboard_pick_on_the_land_search(page, demo):
    demo("land")
    page.goto("/en/land/")
    page.get_by_text("Near a place").click()
    near = page.locator("#id_near")
    near.click()
    near.press_sequentially("hallsberg kombi", delay=40)
    page.get_by_role("option", name="Hallsberg Kombiterminal (Intermodal rail terminal)").wait_for()
    near.press("ArrowDown")
    assert near.get_attribute("aria-activedescendant")
    near.press("Enter")  # picks; does not send the form
    assert near.input_value() == "Hallsberg Kombiterminal (Intermodal rail terminal)"
    page.fill("#id_radius_km", "3")
    page.locator("#land-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"near=Hallsberg"))
    names = page.locator(".result-list h3, .result-list h2").all_inner_texts()
    LandPlot = apps.get_model("land", "LandPlot")
    Landmark = apps.get_model("land", "Landmark")
    terminal = Landmark.objects.get(name="Hallsberg Kombiterminal").location
    expected = [p for p in LandPlot.objects.visible() if p.geom.distance(terminal) <= 3000]
    assert expected and len(names) == len(expected)
    _assert_no_axe(page)
    assert_no_js_errors(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unknown_place_is_explained_and_passes_axe(page, demo, lang):
    demo("premises")
    # The plain GET form, as a browser without JavaScript sends it.
    page.goto(f"/{lang}/premises/?near=Hallsbreg&radius_km=5")
    summary = page.locator(".error-summary")
    assert "Hallsberg (" in summary.inner_text()  # the close match, as the suggestions write it
    _assert_no_axe(page)
    assert_no_js_errors(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_premises_detail_with_specs_and_distances_passes_axe(page, demo, lang):
    demo("premises", "land")
    Premises = apps.get_model("premises", "Premises")
    hall = Premises.objects.get(external_ref="ORE-103")
    page.goto(f"/{lang}/premises/{hall.pk}/")
    specs = page.locator("dl.spec-list")
    assert "14" in specs.inner_text()
    assert page.locator("table.data-table").count() == 1
    _assert_no_axe(page)
    assert_no_js_errors(page)
