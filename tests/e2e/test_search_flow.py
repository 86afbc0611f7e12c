"""After a search the results are in view and focused; chips remove filters; the way back keeps them."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_js_errors, wait_until_true

pytestmark = pytest.mark.e2e

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def _results_in_view(page) -> None:
    wait_until_true(page, "() => document.activeElement && document.activeElement.id === 'results-heading'")
    # Smooth scrolling takes a moment; the results must end up at the top of the window.
    wait_until_true(
        page, "() => Math.abs(document.getElementById('results').getBoundingClientRect().top) < 40"
    )


def test_premises_results_come_into_view_and_the_breadcrumb_keeps_the_filters(page, demo):
    demo("premises")
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto("/sv/premises/")
    page.check("input[name=kind][value=office]")
    page.fill("input[name=area_min]", "50")
    page.click("#premises-filters button[type=submit]")
    page.wait_for_url(re.compile(r"kind=office"))
    _results_in_view(page)

    # The sort order beside the results belongs to the same search.
    page.select_option("#results select[name=sort]", "area_desc")
    page.click("#results .sort-submit")
    page.wait_for_url(re.compile(r"sort=area_desc"))
    assert "kind=office" in page.url and "area_min=50" in page.url

    search_url = page.url
    page.locator(".premises-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/sv/premises/\d+/$"))
    crumb = page.locator(".breadcrumb a")
    assert crumb.get_attribute("href").endswith("?" + search_url.split("?", 1)[1])
    crumb.click()
    page.wait_for_url(search_url)
    assert page.is_checked("input[name=kind][value=office]")

    # A chip removes its own filter and keeps the others.
    page.locator("a.chip", has_text="Kontor").click()
    page.wait_for_url(re.compile(r"area_min=50"))
    assert "kind=office" not in page.url
    assert page.locator("a.chip", has_text="Kontor").count() == 0
    assert_no_js_errors(page)


def test_land_results_come_into_view_after_the_page_reloads(page, demo):
    demo("land")
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto("/en/land/")
    page.check("input[name=purpose][value=industry]")
    page.click("#land-filters button[type=submit]")
    page.wait_for_url(re.compile(r"purpose=industry"))
    _results_in_view(page)
    assert page.locator("a.chip").count() == 1

    search = "?" + page.url.split("?", 1)[1]
    href = page.locator(".land-card h3 a").first.get_attribute("href")
    page.goto(href)
    assert page.locator(".breadcrumb a").get_attribute("href") == "/en/land/" + search
    # Opening a search page by its address (not by sending the form) leaves focus alone.
    page.goto("/en/land/?purpose=industry")
    assert page.evaluate(FOCUSED_ID) != "results-heading"
    assert_no_js_errors(page)
