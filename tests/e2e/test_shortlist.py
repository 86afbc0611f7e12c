"""The shortlist kept in the browser and the comparison page, as a visitor uses them."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations, wait_until_true

pytestmark = pytest.mark.e2e


def _column_titles(page) -> list[str]:
    return page.eval_on_selector_all("#compare-table thead th a", "els => els.map(e => e.textContent.trim())")


def test_a_visitor_keeps_premises_and_land_and_compares_them(page, demo):
    demo("premises", "land")
    page.goto("/sv/premises/")
    cards = page.locator(".premises-card")
    first_title = cards.nth(0).locator("h3 a").inner_text()
    second_title = cards.nth(1).locator("h3 a").inner_text()
    assert not page.locator("#shortlist-bar").is_visible(), "an empty shortlist shows no bar"

    cards.nth(0).locator("button.shortlist-toggle").click()
    cards.nth(1).locator("button.shortlist-toggle").click()
    assert cards.nth(0).locator("button.shortlist-toggle").inner_text().startswith("Ta bort från min lista")
    wait_until_true(
        page, "() => document.querySelector('#shortlist-status').textContent.includes('(2 av 5)')"
    )

    page.goto("/sv/land/")
    plot_title = page.locator(".land-card h3 a").first.inner_text()
    page.locator(".land-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/sv/land/\d+/$"))
    page.locator("main button.shortlist-toggle").click()
    assert page.locator(".shortlist-count").inner_text() == "Din lista: 3 av 5"

    page.locator("a.shortlist-compare").click()
    page.wait_for_url(re.compile(r"/sv/compare/\?premises=\d+,\d+&land=\d+$"))
    assert _column_titles(page) == [first_title, second_title, plot_title]
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)

    # Removing on the comparison page removes from the kept list too.
    page.locator("a.compare-remove").first.click()
    page.wait_for_url(re.compile(r"/sv/compare/\?premises=\d+&land=\d+$"))
    assert _column_titles(page) == [second_title, plot_title]
    assert page.locator(".shortlist-count").inner_text() == "Din lista: 2 av 5"

    kept = page.eval_on_selector_all("#compare-table thead th", "els => els.map(e => e.dataset.id)")
    # Opened without ids (a bookmark), the page shows the kept list.
    page.goto("/en/compare/")
    page.wait_for_url(re.compile(r"/en/compare/\?premises=\d+&land=\d+$"))
    assert page.eval_on_selector_all("#compare-table thead th", "els => els.map(e => e.dataset.id)") == kept
    assert_no_js_errors(page)


def test_the_shortlist_holds_five_and_says_when_it_is_full(page, demo):
    demo("premises")
    page.goto("/en/premises/")
    buttons = page.locator(".premises-card button.shortlist-toggle")
    assert buttons.count() >= 6, "the demo data has fewer than six premises on the first page"
    for i in range(5):
        buttons.nth(i).click()
    buttons.nth(5).click()
    wait_until_true(
        page,
        "() => document.querySelector('#shortlist-status').textContent.startsWith('Your shortlist is full')",
    )
    assert buttons.nth(5).inner_text().startswith("Add to shortlist")
    kept = page.evaluate("JSON.parse(localStorage.getItem('brorebro.shortlist'))")
    assert len(kept) == 5
    assert page.locator(".shortlist-count").inner_text() == "Your shortlist: 5 of 5"


def test_the_comparison_works_without_javascript(browser, live_server, demo):
    demo("premises", "land")
    from django.apps import apps

    premises = apps.get_model("premises", "Premises").objects.visible().order_by("pk")[:2]
    plot = apps.get_model("land", "LandPlot").objects.visible().order_by("pk").first()
    ids = ",".join(str(p.pk) for p in premises)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/en/compare/?premises={ids}&land={plot.pk}")
        # English titles where the officer gave them (title_en), the Swedish ones otherwise.
        assert _column_titles(page) == [p.title_en or p.title for p in premises] + [plot.name]
        assert page.locator("#compare-table th[scope=row]").count() >= 6
        assert not page.locator("#shortlist-bar").is_visible(), "the bar needs JavaScript"
        href = page.locator("a.button-primary", has_text="Ask the region").get_attribute("href")
        assert href == f"/en/establish/?from=shortlist&premises={ids}&land={plot.pk}"
    finally:
        context.close()
