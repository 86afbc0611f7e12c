"""The establishment loop in the browser, and axe on its public pages in Swedish and English.

A company asks for 2 000–5 000 m² of warehouse near the E20 with a loading dock and sees
matches; a Laxå officer sees the case and adds a listing to the proposal; the regional
coordinator publishes it; the company's page shows it, and the PDF names the listing.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations, login_admin
from tests.factories import make_officer

pytestmark = pytest.mark.e2e

TITLE = "Logistiklager vid E20 i Laxå"


def laxa_warehouse():
    from brorebro.models import Municipality
    from brorebro.spatial import wgs84_point
    from premises.models import Kind, Premises, PremisesStatus

    return Premises.objects.create(
        municipality=Municipality.objects.get(code="1860"),
        external_ref="LAX-E2E-1",
        title=TITLE,
        kind=Kind.WAREHOUSE,
        locality="Laxå",
        location=wgs84_point(14.615, 58.995),  # about 1 km from the E20 junction at Laxå
        area_min_m2=3200,
        area_max_m2=3200,
        has_loading_dock=True,
        rent_sek_per_m2_year=650,
        contact_name="Mats Karlsson",
        contact_email="mats.karlsson@laxa.example",
        status=PremisesStatus.PUBLISHED,
    )


def submit_request(page, lang: str = "sv") -> str:
    page.goto(f"/{lang}/establish/")
    page.fill("#id_company_name", "Nordlager AB")
    page.fill("#id_contact_name", "Eva Ek")
    page.fill("#id_contact_email", "eva@nordlager.example")
    page.check("input[name=wants][value=premises]")
    page.check("input[name=premises_kinds][value=warehouse]")
    page.fill("#id_area_min_m2", "2000")
    page.fill("#id_area_max_m2", "5000")
    page.check("input[name=amenities][value=loading_dock]")
    page.fill("#id_max_km_motorway", "10")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("form.request-form button[type=submit]")
    assert re.search(rf"/{lang}/establish/r/[\w-]{{40,}}/$", page.url), page.url
    return page.url


def test_the_whole_loop_from_request_to_published_proposal(page, demo, browser, live_server):
    demo("premises", "land")
    laxa_warehouse()
    from brorebro.models import Municipality

    laxa = Municipality.objects.get(code="1860")
    officer = make_officer(laxa, username="laxa_e2e")
    make_officer(username="coordinator_e2e", regional=True)

    # The company asks and sees its matches, the Laxå warehouse among them, with the E20 distance.
    case_url = submit_request(page)
    matches = page.locator("section[aria-labelledby=matches-heading]")
    assert matches.locator(f"h3 a:has-text('{TITLE}')").count() == 1
    assert "E20 trafikplats Laxå" in matches.inner_text()
    assert page.locator("#establishment-map .leaflet-marker-icon").count() >= 1
    assert_no_js_errors(page)

    # The Laxå officer sees the case and proposes the listing.
    officer_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    officer_context.set_default_timeout(15_000)
    officer_page = officer_context.new_page()
    login_admin(officer_page, officer.username)
    officer_page.goto("/admin/establishment/establishmentrequest/")
    with officer_page.expect_navigation():
        officer_page.click("#result_list a:has-text('Nordlager AB')")
    officer_page.select_option("select[name='proposal_items-0-premises']", label=TITLE)
    officer_page.fill("textarea[name='proposal_items-0-note']", "Ledigt nu, visning nästa vecka.")
    with officer_page.expect_navigation():
        officer_page.click("input[name=_save]")
    assert officer_page.locator(".errornote").count() == 0
    officer_context.close()

    # The coordinator publishes the proposal.
    coordinator_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    coordinator_context.set_default_timeout(15_000)
    coordinator_page = coordinator_context.new_page()
    login_admin(coordinator_page, "coordinator_e2e")
    coordinator_page.goto("/admin/establishment/establishmentrequest/")
    with coordinator_page.expect_navigation():
        coordinator_page.click("#result_list a:has-text('Nordlager AB')")
    with coordinator_page.expect_navigation():
        coordinator_page.click("button[name=_publish]")
    assert coordinator_page.locator(".messagelist .success").count() == 1
    coordinator_context.close()

    # The company's page shows the proposal with the officer's note, and the PDF names the listing.
    page.goto(case_url)
    proposal = page.locator("section.proposal")
    assert TITLE in proposal.inner_text() and "Ledigt nu, visning nästa vecka." in proposal.inner_text()
    pdf_url = page.get_attribute("a[href$='report.pdf']", "href")
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert TITLE in text
    assert_no_js_errors(page)


def test_establishment_pages_have_no_wcag_violations(page, demo):
    demo("premises", "land", "skills", "establishment")
    laxa_warehouse()
    reports = []
    for lang in ("sv", "en"):
        for name, path in (("form", "establish/"), ("figures", "establish/figures/")):
            page.goto(f"/{lang}/{path}")
            reports += _audit(page, lang, name)
        # The form with errors, then a real request's private page with its map and compare table.
        page.goto(f"/{lang}/establish/")
        with page.expect_navigation():
            page.click("form.request-form button[type=submit]")
        assert page.locator(".error-summary").count() >= 1
        reports += _audit(page, lang, "form with errors")
        submit_request(page, lang)
        reports += _audit(page, lang, "request page")
    assert not reports, "\n\n".join(reports)
    assert_no_js_errors(page)


def _audit(page, lang: str, name: str) -> list[str]:
    assert page.get_attribute("html", "lang") == lang
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    return (
        [f"[establishment: {name}, {lang}] " + format_violations(page.url, violations)] if violations else []
    )
