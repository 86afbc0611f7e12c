"""Saving a search: the FilterSet checks it, the address is confirmed by a signed link that
expires, the answer never tells whether an address already has alerts, and creation is limited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from alerts.models import SavedSearch
from brorebro.models import RateLimitHit
from tests.alerts.conftest import link_to
from tests.smtp import html_part, run_worker, text_part

pytestmark = pytest.mark.django_db


def save(
    client,
    lang="sv",
    section="premises",
    query="kind=office&area_min=200",
    email="kund@example.se",
    frequency="daily",
    **extra,
):
    return client.post(
        f"/{lang}/{section}/alert/", {"query": query, "email": email, "frequency": frequency}, **extra
    )


def test_the_search_page_links_to_alerts_and_announces_its_feed(client, orebro):
    html = client.get("/sv/premises/?kind=office&page=2").content.decode()
    assert 'href="/sv/premises/alert/?kind=office"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/sv/premises/feed.atom?kind=office"' in html
    assert "Bevaka sökningen" in html
    html = client.get("/en/land/?purpose=logistics").content.decode()
    assert 'href="/en/land/alert/?purpose=logistics"' in html and "Get alerts for this search" in html
    assert 'href="/en/land/feed.atom?purpose=logistics"' in html


def test_the_alert_page_describes_the_search(client, orebro):
    html = client.get("/en/premises/alert/?kind=office&area_min=200&page=3").content.decode()
    assert "Type of premises" in html and "Office" in html and "200" in html
    assert 'name="query" value="area_min=200&amp;kind=office"' in html  # page dropped, order fixed


def test_saving_stores_an_unconfirmed_alert_and_emails_a_confirmation(client, orebro, smtp_server):
    response = save(client)
    assert response.status_code == 302 and response["Location"] == "/sv/alerts/requested/"
    alert = SavedSearch.objects.get()
    assert (alert.email, alert.section, alert.query, alert.frequency, alert.language) == (
        "kund@example.se",
        "premises",
        "area_min=200&kind=office",
        "daily",
        "sv",
    )
    assert alert.confirmed_at is None
    run_worker()
    [message] = smtp_server.messages
    assert message["To"] == "kund@example.se"
    assert "Bekräfta" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Kontor" in text_part(message)  # the search, described in Swedish
    assert "/sv/alerts/confirm/" in html_part(message)


def test_the_confirmation_link_confirms_on_post_only(client, orebro, smtp_server):
    save(client, lang="en", email="Kund@Example.se")
    run_worker()
    confirm = link_to(smtp_server.messages[0], "confirm")
    assert confirm.startswith("/en/alerts/confirm/")
    page = client.get(confirm)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "Confirm the alert" in page.content.decode()
    assert SavedSearch.objects.get().confirmed_at is None
    done = client.post(confirm)
    assert done.status_code == 200 and "Your alert is on" in done.content.decode()
    alert = SavedSearch.objects.get()
    assert alert.email == "kund@example.se" and alert.confirmed_at is not None


def test_a_confirmation_link_expires_after_seven_days(client, orebro, smtp_server):
    save(client)
    run_worker()
    confirm = link_to(smtp_server.messages[0], "confirm")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=7, minutes=1)):
        response = client.post(confirm)
    assert response.status_code == 404 and "Länken fungerar inte" in response.content.decode()
    assert SavedSearch.objects.get().confirmed_at is None


def test_a_tampered_link_does_nothing(client, orebro, smtp_server):
    save(client)
    run_worker()
    confirm = link_to(smtp_server.messages[0], "confirm")
    response = client.post(confirm[:-3] + "xx/")
    assert response.status_code == 404
    assert SavedSearch.objects.get().confirmed_at is None


def test_the_answer_is_the_same_whether_or_not_the_address_has_alerts(client, orebro, smtp_server):
    first = save(client)
    SavedSearch.objects.update(confirmed_at="2026-01-01T00:00:00Z")
    again = save(client)  # the same search again, already confirmed
    other = save(client, query="kind=retail")
    assert first.status_code == again.status_code == other.status_code == 302
    assert first["Location"] == again["Location"] == other["Location"]
    assert SavedSearch.objects.count() == 2  # no duplicate of the confirmed one
    run_worker()
    subjects = [m["Subject"] for m in smtp_server.messages]
    # Only the owner of the address learns that the first search already existed.
    assert any("Dina bevakningar" in s for s in subjects) and sum("Bekräfta" in s for s in subjects) == 2


def test_at_most_ten_alerts_per_address(client, orebro, smtp_server, settings):
    settings.ALERT_EMAIL_RATE_LIMIT = 100
    for area in range(11):
        assert save(client, query=f"area_min={area + 1}").status_code == 302
    assert SavedSearch.objects.count() == 10
    run_worker()
    last = smtp_server.messages[-1]
    assert "10" in text_part(last) and "/sv/alerts/manage/" in text_part(last)


def test_creation_is_rate_limited_per_client_and_per_address(client, orebro, settings):
    settings.ALERT_EMAIL_RATE_LIMIT = 2
    assert save(client, query="area_min=1").status_code == 302
    assert save(client, query="area_min=2").status_code == 302
    refused = save(client, query="area_min=3")
    assert (
        refused.status_code == 200 and "Du har sparat många sökningar på kort tid" in refused.content.decode()
    )
    assert SavedSearch.objects.count() == 2
    settings.ALERT_RATE_LIMIT = 3
    assert save(client, query="area_min=4", email="annan@example.se").status_code == 302
    assert save(client, query="area_min=5", email="tredje@example.se").status_code == 200
    assert RateLimitHit.objects.filter(key__contains="kund@example.se").count() == 0  # keys are hashes


def test_an_invalid_search_cannot_be_saved(client, orebro):
    response = client.get("/en/premises/alert/?area_min=-5")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Area from (m²): The area cannot be negative." in html
    assert "<form" not in html.split("<main", 1)[1]  # nothing to save
    response = client.post(
        "/en/premises/alert/", {"query": "area_min=abc", "email": "kund@example.se", "frequency": "daily"}
    )
    assert response.status_code == 400
    assert not SavedSearch.objects.exists() and not mail.outbox


def test_a_bad_address_shows_the_problem_and_saves_nothing(client, orebro):
    response = save(client, lang="en", email="not-an-address", frequency="hourly")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'class="error-summary"' in html
        and "Enter an e-mail address" in html
        and "Choose daily or weekly" in html
    )
    assert not SavedSearch.objects.exists()


def test_land_searches_can_be_saved_too(client, orebro, smtp_server):
    assert (
        client.post(
            "/en/land/alert/", {"query": "purpose=logistics", "email": "k@example.se", "frequency": "weekly"}
        ).status_code
        == 302
    )
    alert = SavedSearch.objects.get()
    assert (alert.section, alert.query, alert.language) == ("land", "purpose=logistics", "en")


def test_the_admin_lists_alerts_and_changes_only_the_frequency(admin_client, orebro):
    alert = SavedSearch.objects.create(
        email="kund@example.se", section="premises", query="kind=office", language="sv"
    )
    page = admin_client.get("/admin/alerts/savedsearch/?q=kund")
    assert page.status_code == 200 and "kund@example.se" in page.content.decode()
    change = admin_client.get(f"/admin/alerts/savedsearch/{alert.pk}/change/")
    assert change.status_code == 200
    response = admin_client.post(
        f"/admin/alerts/savedsearch/{alert.pk}/change/", {"frequency": "daily", "email": "other@example.se"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.frequency, alert.email) == ("daily", "kund@example.se")


def test_a_management_link_can_be_asked_for_without_telling_who_has_alerts(client, orebro, smtp_server):
    SavedSearch.objects.create(
        email="kund@example.se", section="premises", query="kind=office", language="sv"
    )
    has = client.post("/sv/alerts/", {"email": "Kund@example.se"})
    has_not = client.post("/sv/alerts/", {"email": "okand@example.se"})
    assert has.status_code == has_not.status_code == 302
    assert has["Location"] == has_not["Location"] == "/sv/alerts/requested/"
    run_worker()
    [message] = smtp_server.messages  # only the address with alerts gets mail
    assert message["To"] == "kund@example.se" and "Här är länken du bad om" in text_part(message)
    page = client.get(link_to(message, "manage"))
    assert page.status_code == 200 and page.content.decode().count('class="alert-item"') == 1


def test_asking_for_a_management_link_is_rate_limited_and_checks_the_address(client, orebro, settings):
    settings.ALERT_EMAIL_RATE_LIMIT = 1
    assert client.post("/en/alerts/", {"email": "kund@example.se"}).status_code == 302
    refused = client.post("/en/alerts/", {"email": "kund@example.se"})
    assert refused.status_code == 200 and "try again in an hour" in refused.content.decode()
    invalid = client.post("/en/alerts/", {"email": "nope"})
    assert invalid.status_code == 200 and "Enter an e-mail address" in invalid.content.decode()
