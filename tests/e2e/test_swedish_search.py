"""Search words as people type them, in a real browser (issue 16).

A visitor types a Swedish word form ("butiken") or a place without its ring and dots
("Orebro") in the search field and submits; the page script puts the results in place.
A search with no hits offers the search without one of its words, and following that
link shows the listings.
"""

from __future__ import annotations

import pytest

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations
from tests.factories import MunicipalityFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def listings(transactional_db):
    orebro = MunicipalityFactory(code="1880", name="Örebro", slug="orebro")
    nora = MunicipalityFactory(code="1884", name="Nora", slug="nora")
    PremisesFactory(
        municipality=orebro, title="Butik vid Stortorget", locality="Örebro", description_sv="Ljus butik."
    )
    PremisesFactory(
        municipality=nora,
        title="Kontor i trästaden",
        locality="Nora",
        street="Rådstugugatan 1",
        description_sv="Kontor nära sjön.",
        lon_lat=(15.039, 59.5195),
    )


def search(page, words: str) -> list[str]:
    """Type `words` into the search field, submit, and return the titles of the results shown."""
    page.fill("#id_q", words)
    with page.expect_response(lambda response: "partial=1" in response.url):
        page.click("#premises-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page.locator("#results .result-card h3").all_inner_texts()


def test_word_forms_and_missing_accents_find_the_listings(page, listings):
    page.goto("/sv/premises/")
    assert search(page, "butiken") == ["Butik vid Stortorget"]
    assert search(page, "Orebro") == ["Butik vid Stortorget"]
    assert search(page, "kontoret NORA") == ["Kontor i trästaden"]
    assert_no_js_errors(page)


def test_zero_hits_lead_to_the_search_without_a_word(page, listings):
    page.goto("/sv/premises/")
    assert search(page, "nora butiken") == []
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
    way_out = page.get_by_role("link", name="1 träff utan ordet ‘butiken’")
    way_out.click()
    # The same search (its sort order too) without the word.
    page.wait_for_url(lambda url: "/sv/premises/?q=nora&" in url)
    assert page.locator("#results .result-card h3").all_inner_texts() == ["Kontor i trästaden"]
    assert page.locator("#id_q").input_value() == "nora"
    assert_no_js_errors(page)
