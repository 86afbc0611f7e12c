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


def _require_demo(command: str) -> None:
    from django.core.management import get_commands

    if command not in get_commands():
        pytest.skip(f"{command} does not exist yet: the app has not landed")


def _first_link(page, list_url: str, pattern: str) -> str:
    """The href of the first link on `list_url` whose path matches `pattern`."""
    page.goto(list_url)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        if re.search(pattern, href.split("?")[0]):
            return href
    raise AssertionError(f"no link matching {pattern} on {list_url} (demo data missing?)")


# name -> (demo command that must exist or None, function(page, lang) -> url)
PAGES = {
    "home": (None, lambda page, lang: f"/{lang}/"),
    "privacy": (None, lambda page, lang: f"/{lang}/privacy/"),
    "accessibility-statement": (None, lambda page, lang: f"/{lang}/accessibility/"),
    "premises-search": ("demo_premises", lambda page, lang: f"/{lang}/premises/"),
    "premises-detail": (
        "demo_premises",
        lambda page, lang: _first_link(page, f"/{lang}/premises/", rf"^/{lang}/premises/\d+/$"),
    ),
    "land-search": ("demo_land", lambda page, lang: f"/{lang}/land/"),
    "land-detail": (
        "demo_land",
        lambda page, lang: _first_link(page, f"/{lang}/land/", rf"^/{lang}/land/\d+/$"),
    ),
    "nki-overview": ("demo_surveys", lambda page, lang: f"/{lang}/nki/"),
    "nki-municipality": ("demo_surveys", lambda page, lang: f"/{lang}/nki/1880/"),
    "skills-list": ("demo_skills", lambda page, lang: f"/{lang}/skills/"),
    "skills-programme": (
        "demo_skills",
        lambda page, lang: _first_link(page, f"/{lang}/skills/", rf"^/{lang}/skills/programmes/\d+/$"),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_violations(page, demo, name, lang):
    command, url_for = PAGES[name]
    if command:
        _require_demo(command)
    url = url_for(page, lang)
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.get_attribute("html", "lang") == lang
    # Let map scripts finish drawing: markers and controls are part of the page too.
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    assert not violations, format_violations(url, violations)
    assert_no_js_errors(page)
