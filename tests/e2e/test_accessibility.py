"""axe-core with the WCAG 2.1 A and AA rules on every public page type, in Swedish and English.

The goal is zero violations: a failure prints each rule id, its impact and the CSS
selectors of the offending elements. Detail pages are reached the way a visitor
reaches them, through the first result link of the search page, so the test needs
no knowledge of the apps' models.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations

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


# One test per area (the demo data is loaded once per test), every page in both languages.
# area -> (apps whose demo data it needs, [(page name, function(page, lang) -> url)])
AREAS = {
    "core": (
        (),  # every app: the home page shows figures from all of them
        [
            ("home", lambda page, lang: f"/{lang}/"),
            ("privacy", lambda page, lang: f"/{lang}/privacy/"),
            ("accessibility statement", lambda page, lang: f"/{lang}/accessibility/"),
        ],
    ),
    "premises": (
        ("premises",),
        [
            ("search", lambda page, lang: f"/{lang}/premises/"),
            (
                "detail",
                lambda page, lang: _first_link(page, f"/{lang}/premises/", rf"^/{lang}/premises/\d+/$"),
            ),
        ],
    ),
    "land": (
        ("land",),
        [
            ("search", lambda page, lang: f"/{lang}/land/"),
            ("detail", lambda page, lang: _first_link(page, f"/{lang}/land/", rf"^/{lang}/land/\d+/$")),
        ],
    ),
    "nki": (
        ("surveys",),
        [
            ("overview", lambda page, lang: f"/{lang}/nki/"),
            ("municipality", lambda page, lang: f"/{lang}/nki/1880/"),
        ],
    ),
    "skills": (
        ("skills",),
        [
            ("list", lambda page, lang: f"/{lang}/skills/"),
            (
                "programme",
                lambda page, lang: _first_link(
                    page, f"/{lang}/skills/", rf"^/{lang}/skills/programmes/\d+/$"
                ),
            ),
        ],
    ),
}


@pytest.mark.parametrize("area", list(AREAS))
def test_pages_have_no_wcag_violations(page, demo, area):
    app_names, pages = AREAS[area]
    demo(*app_names)
    reports = []
    for lang in LANGS:
        for name, url_for in pages:
            url = url_for(page, lang)
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            assert page.get_attribute("html", "lang") == lang
            # Let map scripts finish drawing: markers and controls are part of the page too.
            page.wait_for_load_state("networkidle")
            violations = axe_violations(page)
            if violations:
                reports.append(format_violations(url, violations))
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
    page.wait_for_function(
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
    assert_no_js_errors(page)
