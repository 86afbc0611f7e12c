"""axe-core with the WCAG 2.1 A and AA rules on every public page type, in Swedish and English.

The goal is zero violations: a failure prints each rule id, its impact and the CSS
selectors of the offending elements. Detail pages are reached the way a visitor
reaches them, through the first result link of the search page, so the test needs
no knowledge of the apps' models.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    assert_no_js_errors,
    axe_violations,
    block_foreign,
    format_violations,
    wait_until_true,
)

pytestmark = pytest.mark.e2e

LANGS = ["sv", "en"]


def _first_link(page, list_url: str, pattern: str) -> str:
    """The href of the first link on `list_url` whose path matches `pattern`."""
    page.goto(list_url)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        if re.search(pattern, href.split("?")[0]):
            return href
    raise AssertionError(f"no link matching {pattern} on {list_url} (demo data missing?)")


def _go(url: str, status: int = 200):
    """A page visit: open `url` and expect `status`."""

    def visit(page, lang):
        target = url.format(lang=lang)
        response = page.goto(target)
        assert response.status == status, f"{target} answered {response.status}, expected {status}"

    return visit


def _go_first(list_url: str, pattern: str):
    """Open the first result linked from a list page, as a visitor would."""

    def visit(page, lang):
        href = _first_link(page, list_url.format(lang=lang), pattern.format(lang=lang))
        response = page.goto(href)
        assert response.status == 200, f"{href} answered {response.status}"

    return visit


def _inquiry_errors(list_url: str, pattern: str):
    """A detail page after sending its inquiry form empty: error summary and field errors."""

    def visit(page, lang):
        _go_first(list_url, pattern)(page, lang)
        # Wait for the new page itself: the old one is already 'loaded'.
        with page.expect_navigation():
            page.locator("section.inquiry button[type=submit]").click()
        assert page.locator(".error-summary").count() == 1, "no error summary after an empty inquiry"

    return visit


def _compare_first_listings(page, lang):
    """The comparison page with the first two premises and the first land plot."""
    from django.apps import apps

    premises = apps.get_model("premises", "Premises").objects.visible().order_by("pk")[:2]
    plot = apps.get_model("land", "LandPlot").objects.visible().order_by("pk").first()
    ids = ",".join(str(p.pk) for p in premises)
    response = page.goto(f"/{lang}/compare/?premises={ids}&land={plot.pk}")
    assert response.status == 200, f"the comparison answered {response.status}"
    assert page.locator("#compare-table").count() == 1


# One test per area (the demo data is loaded once per test), every page in both languages.
# area -> (apps whose demo data it needs, [(page name, visit(page, lang))])
AREAS = {
    "core": (
        (),  # every app: the home page shows figures from all of them
        [
            ("home", _go("/{lang}/")),
            ("privacy", _go("/{lang}/privacy/")),
            ("accessibility statement", _go("/{lang}/accessibility/")),
            ("page not found", _go("/{lang}/no-such-page/", 404)),
            ("comparison, empty", _go("/{lang}/compare/")),
            ("comparison", _compare_first_listings),
        ],
    ),
    "premises": (
        ("premises",),
        [
            ("search", _go("/{lang}/premises/")),
            (
                "search with filter chips",
                _go(
                    "/{lang}/premises/?kind=office&kind=warehouse&municipality=1880&bbox=14.5,58.8,15.8,59.6&sort=area_desc"
                ),
            ),
            ("search with invalid input", _go("/{lang}/premises/?area_min=-5&area_max=many&near=north")),
            ("detail", _go_first("/{lang}/premises/", r"^/{lang}/premises/\d+/$")),
            ("inquiry with errors", _inquiry_errors("/{lang}/premises/", r"^/{lang}/premises/\d+/$")),
        ],
    ),
    "land": (
        ("land",),
        [
            ("search", _go("/{lang}/land/")),
            ("search with filter chips", _go("/{lang}/land/?purpose=industry&rail=on&municipality=1880")),
            ("search with invalid input", _go("/{lang}/land/?area_min_ha=-1&within_km=far&bbox=1,2")),
            ("detail", _go_first("/{lang}/land/", r"^/{lang}/land/\d+/$")),
            ("inquiry with errors", _inquiry_errors("/{lang}/land/", r"^/{lang}/land/\d+/$")),
        ],
    ),
    "nki": (
        ("surveys",),
        [
            ("overview", _go("/{lang}/nki/")),
            ("overview compared", _go("/{lang}/nki/?municipality=1880&municipality=1860")),
            ("municipality", _go("/{lang}/nki/1880/")),
        ],
    ),
    "skills": (
        ("skills",),
        [
            ("list", _go("/{lang}/skills/")),
            ("programme", _go_first("/{lang}/skills/", r"^/{lang}/skills/programmes/\d+/$")),
            ("outcomes", _go("/{lang}/skills/outcomes/")),
        ],
    ),
}


@pytest.mark.parametrize("area", list(AREAS))
def test_pages_have_no_wcag_violations(page, demo, area):
    app_names, pages = AREAS[area]
    demo(*app_names)
    reports = []
    for lang in LANGS:
        for name, visit in pages:
            visit(page, lang)
            assert page.get_attribute("html", "lang") == lang, f"{name}: wrong lang on {page.url}"
            # Let map scripts finish drawing: markers and controls are part of the page too.
            page.wait_for_load_state("networkidle")
            violations = axe_violations(page)
            if violations:
                reports.append(f"[{area}: {name}, {lang}] " + format_violations(page.url, violations))
    # Every page is audited before failing, so one run lists everything there is to fix.
    assert not reports, "\n\n".join(reports)
    assert_no_js_errors(page)


FOCUSED_JS = """() => {
  const e = document.activeElement;
  return e ? {tag: e.tagName.toLowerCase(), name: e.name || '', value: e.value || '', type: e.type || '',
              href: e.getAttribute('href') || '', inResults: !!e.closest('.result-list')} : null;
}"""


def _tab_to(page, matches, what: str, limit: int = 150) -> dict:
    """Press Tab until the focused element satisfies `matches`; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused and matches(focused):
            return focused
    raise AssertionError(f"{what} cannot be reached with the Tab key")


def test_premises_search_works_with_the_keyboard_alone(page, demo):
    demo("premises")
    from django.apps import apps

    from premises.filters import PremisesFilterSet

    Premises = apps.get_model("premises", "Premises")
    row = (
        Premises.objects.visible().values("municipality__code", "kind").order_by("municipality__code").first()
    )
    assert row, "no visible premises in the demo data"
    code, kind = row["municipality__code"], row["kind"]
    params = {"municipality": [code], "kind": [kind], "area_min": "1"}
    expected = PremisesFilterSet(params, queryset=Premises.objects.visible()).qs.count()

    page.goto("/sv/premises/")
    # No mouse from here on: Tab moves, Space ticks a box, typing fills a field, Enter submits.
    _tab_to(page, lambda f: f["name"] == "kind" and f["value"] == kind, f"the kind checkbox {kind}")
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["name"] == "area_min", "the area field")
    page.keyboard.type("1")
    _tab_to(page, lambda f: f["name"] == "municipality" and f["value"] == code, f"the municipality {code}")
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit", "the search button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"municipality={code}"))
    wait_until_true(
        page,
        "(n) => { const c = document.querySelector('#result-count');"
        " return c && c.textContent.replace(/\\D/g, '') === String(n); }",
        arg=expected,
    )
    assert page.is_checked(f"input[name=kind][value='{kind}']")

    focused = _tab_to(page, lambda f: f["tag"] == "a" and f["inResults"], "the first result")
    assert re.fullmatch(r"/sv/premises/\d+/", focused["href"]), focused
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(focused["href"]) + "$"))
    assert page.locator("h1").is_visible()

    # And the inquiry, still without a mouse: the honeypot field must not be in the way.
    for name, text in [("name", "Kim Tangentbord"), ("email", "kim@example.se"), ("message", "Visning?")]:
        _tab_to(page, lambda f, name=name: f["name"] == name, f"the inquiry field {name}")
        page.keyboard.type(text)
    _tab_to(page, lambda f: f["name"] == "consent", "the consent checkbox")
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit", "the send button")
    # Wait for the new page itself: the old one is already 'loaded'.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice-success").count() == 1, "the inquiry sent by keyboard was not confirmed"
    assert_no_js_errors(page)


def test_premises_search_on_a_small_screen(browser, live_server, demo):
    """A phone: the list comes first, the map opens with a button that says what it does."""
    demo("premises")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.route("**/*", block_foreign)
    try:
        page = context.new_page()
        page.goto("/sv/premises/")
        page.wait_for_load_state("networkidle")
        toggle = page.locator("button.map-toggle")
        assert toggle.count() == 1, "no button to show the map on a small screen"
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#premises-map").is_visible()
        # No horizontal scrolling at 390 px (WCAG 1.4.10 reflow).
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
        violations = axe_violations(page)
        assert not violations, format_violations(page.url + " (390 px wide)", violations)

        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#premises-map").is_visible()
        page.wait_for_selector("#premises-map .leaflet-marker-icon")
    finally:
        context.close()
