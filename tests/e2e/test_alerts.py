"""Saved searches in a real browser, with a real SMTP server (issue 14).

A company saves a search and confirms it through the link in the e-mail it receives; an
officer publishes a matching premises in the admin; `send_search_alerts` then sends exactly
one digest with that listing, a second run sends nothing, and the one-click unsubscribe of
the digest (a POST as a mail client makes it, RFC 8058) ends the alert. The new pages have
no axe violations in Swedish or English.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.e2e.helpers import assert_no_js_errors, axe_violations, format_violations, login_admin
from tests.factories import make_officer
from tests.smtp import html_part, run_worker, text_part

pytestmark = pytest.mark.e2e


@pytest.fixture
def mail_to_live_server(smtp_server, settings, live_server):
    """The e-mail queue on a real SMTP server, with links in the e-mails to the live server."""
    settings.SITE_URL = live_server.url
    return smtp_server


def link_in(message, kind: str, base: str) -> str:
    match = re.search(rf"{re.escape(base)}/(?:sv|en)/alerts/{kind}/[^\s\"<>]+", text_part(message))
    assert match, f"no {kind} link in:\n{text_part(message)}"
    return match.group(0)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def save_search(page, lang: str, query: str, email: str) -> None:
    page.goto(f"/{lang}/premises/?{query}")
    label = "Bevaka sökningen" if lang == "sv" else "Get alerts for this search"
    with page.expect_navigation():
        page.get_by_role("link", name=label).click()
    page.fill("input[name=email]", email)
    page.check("input[name=frequency][value=daily]")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/alerts/requested/$"))


def test_save_confirm_publish_digest_once_and_unsubscribe(page, demo, mail_to_live_server, live_server):
    demo("premises")
    smtp = mail_to_live_server
    Municipality = apps.get_model("brorebro", "Municipality")
    Premises = apps.get_model("premises", "Premises")
    SavedSearch = apps.get_model("alerts", "SavedSearch")
    orebro = Municipality.objects.get(code="1880")

    # A company saves "offices in Örebro, at least 300 m²" and confirms from the e-mail.
    save_search(page, "sv", "municipality=1880&kind=office&area_min=300", "foretag@example.se")
    assert SavedSearch.objects.get().confirmed_at is None
    run_worker()
    [confirmation] = smtp.messages
    assert confirmation["To"] == "foretag@example.se"
    page.goto(link_in(confirmation, "confirm", live_server.url))
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta bevakningen").click()
    assert page.locator("h1").inner_text() == "Din bevakning är igång"
    assert SavedSearch.objects.get().confirmed_at is not None

    # An officer publishes a matching premises (and a non-matching one) in the admin.
    from tests.premises.factories import PremisesFactory

    matching = PremisesFactory(
        municipality=orebro,
        title="Kontor vid Svartån E2E",
        kind="office",
        area_min_m2=400,
        status="draft",
        published_at=None,
        confirmed_at=None,
    )
    too_small = PremisesFactory(
        municipality=orebro,
        title="Litet kontor E2E",
        kind="office",
        area_min_m2=50,
        status="draft",
        published_at=None,
        confirmed_at=None,
    )
    make_officer(orebro, username="orebro_alerts")
    login_admin(page, "orebro_alerts")
    page.goto("/admin/premises/premises/")
    for listing in (matching, too_small):
        page.check(f"input[name=_selected_action][value='{listing.pk}']")
    page.select_option("select[name=action]", "publish_listings")
    with page.expect_navigation():
        page.locator("button[name=index]").first.click()
    assert Premises.objects.visible().filter(pk__in=[matching.pk, too_small.pk]).count() == 2

    # The scheduled command: exactly one digest, with the matching listing only.
    call_command("send_search_alerts")
    run_worker()
    assert len(smtp.messages) == 2
    digest = smtp.messages[1]
    assert digest["To"] == "foretag@example.se"
    assert "Kontor vid Svartån E2E" in text_part(digest) and "Litet kontor E2E" not in text_part(digest)
    assert f'href="{live_server.url}/sv/premises/{matching.pk}/"' in html_part(digest)

    # Run again: nothing new, nothing sent.
    call_command("send_search_alerts")
    run_worker()
    assert len(smtp.messages) == 2

    # The one-click unsubscribe, as a mail client does it: a POST with no cookies or token.
    assert str(digest["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    url = str(digest["List-Unsubscribe"]).strip().strip("<>")
    response = page.request.post(url, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert not SavedSearch.objects.exists()
    assert_no_js_errors(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_alert_pages_have_no_axe_violations(page, demo, mail_to_live_server, live_server, lang):
    demo("premises")
    smtp = mail_to_live_server
    SavedSearch = apps.get_model("alerts", "SavedSearch")

    page.goto(f"/{lang}/premises/alert/?kind=office&area_min=200")
    assert_accessible(page)
    with page.expect_navigation():  # sent empty: the error summary and the field errors
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    page.goto(f"/{lang}/premises/alert/?area_min=-1")  # an invalid search cannot be saved
    assert_accessible(page)

    save_search(page, lang, "kind=office&area_min=200", "a11y@example.se")
    assert_accessible(page)  # "check your e-mail"
    run_worker()
    page.goto(link_in(smtp.messages[0], "confirm", live_server.url))
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)  # "your alert is on"
    page.locator("main a[href*='/alerts/manage/']").click()
    page.wait_for_url(re.compile(r"/alerts/manage/"))
    assert page.locator(".alert-item").count() == 1
    assert_accessible(page)

    page.goto(str(smtp.messages[0]["List-Unsubscribe"]).strip().strip("<>"))
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)  # "the alert is stopped"
    assert not SavedSearch.objects.exists()

    page.goto(f"/{lang}/alerts/confirm/not-a-token/")
    assert_accessible(page)  # the expired or broken link page
    page.goto(f"/{lang}/alerts/")
    assert_accessible(page)  # asking for a new link to one's alerts
    with page.expect_navigation():  # sent empty
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    assert_no_js_errors(page)
