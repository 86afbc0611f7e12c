"""The admin index is the officer's start page: their listings to confirm (soon hidden, or
flagged) and their new inquiries, each with a one-click action, and nothing of others'."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from brorebro.models import Inquiry
from premises.models import Premises
from tests.factories import make_officer
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def listing(municipality, title: str, confirmed_days_ago: int, factory=PremisesFactory, **kwargs):
    when = days_ago(confirmed_days_ago)
    name = "title" if factory is PremisesFactory else "name"
    return factory(municipality=municipality, published_at=when, confirmed_at=when, **{name: title}, **kwargs)


def inquiry(municipality, name: str, status=Inquiry.Status.NEW, title="Kontor i centrum", **kwargs):
    return Inquiry.objects.create(
        municipality=municipality,
        content_type=ContentType.objects.get_for_model(Premises),
        object_id=1,
        listing_title=title,
        name=name,
        email="kund@example.se",
        message="Vi behöver 300 m².",
        consent=True,
        status=status,
        **kwargs,
    )


def panel(html: str, key: str) -> str:
    """The HTML of one panel of the start page."""
    match = re.search(rf'<div class="module start-panel[^"]*" id="start-{key}">(.*?)</div>', html, re.S)
    assert match, f"no panel {key}"
    return match.group(1)


@pytest.fixture
def start(client):
    def get(user) -> str:
        client.force_login(user)
        with time_machine.travel(NOW, tick=False):
            response = client.get("/admin/")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_officer_sees_listings_about_to_be_hidden_and_to_confirm(start, laxa, laxa_officer):
    listing(laxa, "Nästan dold lokal", 170)  # hidden after 180 days: in 10 days
    listing(laxa, "Redan dold lokal", 200)
    listing(laxa, "Flaggad lokal", 100)  # flagged after 90 days, hidden in 80
    listing(laxa, "Färsk lokal", 10)
    listing(laxa, "Gammal mark", 175, factory=LandPlotFactory)

    html = start(laxa_officer)

    hiding, stale = panel(html, "hiding"), panel(html, "stale")
    assert "Nästan dold lokal" in hiding and "Redan dold lokal" in hiding and "Gammal mark" in hiding
    assert "Flaggad lokal" not in hiding
    assert "Flaggad lokal" in stale and "Nästan dold lokal" not in stale
    assert "Färsk lokal" not in html
    # The dates the officer acts on: when each leaves (or left) the public search.
    assert days_ago(170).date() + dt.timedelta(days=180) == dt.date(2026, 9, 11)
    assert "2026-09-11" in hiding
    assert "2026-02-13" in hiding  # 200 days ago + 180: already hidden since then


def test_officer_sees_nothing_of_another_municipality(start, laxa, orebro, laxa_officer):
    listing(orebro, "Örebros gamla lokal", 170)
    listing(orebro, "Örebros flaggade mark", 100, factory=LandPlotFactory)
    inquiry(orebro, "Örebro-kund")
    listing(laxa, "Laxås gamla lokal", 170)
    inquiry(laxa, "Laxå-kund")

    html = start(laxa_officer)

    assert "Laxås gamla lokal" in html and "Laxå-kund" in html
    assert "Örebro" not in html.split('id="start-heading"')[1].split("app-")[0]
    assert "Örebros gamla lokal" not in html and "Örebros flaggade mark" not in html
    assert "Örebro-kund" not in html


def test_regional_administrator_sees_every_municipality(start, laxa, orebro):
    regional = make_officer(regional=True, username="region")
    listing(orebro, "Örebros gamla lokal", 170)
    listing(laxa, "Laxås gamla lokal", 170)

    html = start(regional)

    hiding = panel(html, "hiding")
    assert "Örebros gamla lokal" in hiding and "Laxås gamla lokal" in hiding
    assert "<td>Laxå</td>" in hiding  # with several municipalities, each row names its own


def test_confirm_from_the_start_page_confirms_and_returns_there(client, laxa, laxa_officer, start):
    stale = listing(laxa, "Nästan dold lokal", 170)
    html = start(laxa_officer)
    url = f"/admin/premises/premises/{stale.pk}/confirm/"
    assert f'action="{url}"' in panel(html, "hiding")

    with time_machine.travel(NOW, tick=False):
        response = client.post(url, HTTP_REFERER="http://testserver/admin/")

    assert response.status_code == 302 and response.url == "http://testserver/admin/"
    stale.refresh_from_db()
    assert stale.confirmed_at == NOW
    html = start(laxa_officer)
    assert "”Nästan dold lokal” är bekräftad som fortfarande ledig." in html  # the message
    assert "Nästan dold lokal" not in panel(html, "hiding") + panel(html, "stale")


def test_officer_cannot_confirm_another_municipality_listing(client, orebro, laxa_officer):
    theirs = listing(orebro, "Örebros gamla lokal", 170)
    client.force_login(laxa_officer)
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"/admin/premises/premises/{theirs.pk}/confirm/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.confirmed_at == days_ago(170)


def test_new_inquiries_with_answer_mark_answered_and_open(start, laxa, laxa_officer):
    new = inquiry(laxa, "Ny kund", title="Lager & kontor?")
    inquiry(laxa, "Besvarad kund", status=Inquiry.Status.ANSWERED)
    inquiry(laxa, "Stängd kund", status=Inquiry.Status.CLOSED)

    inquiries = panel(start(laxa_officer), "inquiries")

    assert "Ny kund" in inquiries
    assert "Besvarad kund" not in inquiries and "Stängd kund" not in inquiries
    assert 'href="mailto:kund@example.se?subject=Re%3A%20Lager%20%26%20kontor%3F"' in inquiries
    assert f'action="/admin/brorebro/inquiry/{new.pk}/answered/"' in inquiries
    assert f'href="/admin/brorebro/inquiry/{new.pk}/change/"' in inquiries


def test_mark_answered_in_one_click(client, laxa, laxa_officer, start):
    new = inquiry(laxa, "Ny kund")
    start(laxa_officer)

    response = client.post(
        f"/admin/brorebro/inquiry/{new.pk}/answered/", HTTP_REFERER="http://testserver/admin/"
    )

    assert response.status_code == 302 and response.url == "http://testserver/admin/"
    new.refresh_from_db()
    assert new.status == Inquiry.Status.ANSWERED
    assert "Ny kund" not in panel(start(laxa_officer), "inquiries")


def test_mark_answered_needs_post_and_the_officers_own_inquiry(client, laxa, orebro, laxa_officer):
    mine, theirs = inquiry(laxa, "Laxå-kund"), inquiry(orebro, "Örebro-kund")
    client.force_login(laxa_officer)

    assert client.get(f"/admin/brorebro/inquiry/{mine.pk}/answered/").status_code == 405
    assert client.post(f"/admin/brorebro/inquiry/{theirs.pk}/answered/").status_code == 404
    # An address elsewhere in Referer is not followed.
    response = client.post(
        f"/admin/brorebro/inquiry/{mine.pk}/answered/", HTTP_REFERER="https://evil.example/"
    )
    assert response.url == "/admin/brorebro/inquiry/"
    theirs.refresh_from_db()
    assert theirs.status == Inquiry.Status.NEW


def test_long_lists_link_to_the_filtered_lists(start, laxa, laxa_officer):
    for n in range(12):
        listing(laxa, f"Flaggad lokal {n}", 100 + n)
    for n in range(11):
        inquiry(laxa, f"Kund {n}")

    html = start(laxa_officer)

    stale = panel(html, "stale")
    assert stale.count("/confirm/") == 10
    assert 'href="/admin/premises/premises/?freshness=stale"' in stale and "(12)" in stale
    assert 'href="/admin/brorebro/inquiry/?status__exact=new"' in panel(html, "inquiries")


def test_the_hiding_filter_of_the_list_matches_the_start_page(client, laxa, laxa_officer):
    listing(laxa, "Nästan dold lokal", 170)
    listing(laxa, "Flaggad lokal", 100)
    client.force_login(laxa_officer)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/admin/premises/premises/?freshness=hiding").content.decode()
    assert "Nästan dold lokal" in html and "Flaggad lokal" not in html


def test_nothing_to_do_says_so(start, laxa, laxa_officer):
    listing(laxa, "Färsk lokal", 10)
    html = start(laxa_officer)
    assert "Ingen annons är på väg att försvinna ur sökningen." in panel(html, "hiding")
    assert "Alla annonser har bekräftats nyligen." in panel(html, "stale")
    assert "Inga nya förfrågningar." in panel(html, "inquiries")


def test_new_establishment_requests_of_the_officers_municipalities(start, laxa, orebro, laxa_officer):
    """The establishment app adds its panel through its admin's `start_page_panel`."""
    from establishment.models import CaseStatus
    from tests.establishment.factories import RequestFactory

    mine = RequestFactory(company_name="Laxå Lager AB", concerned=[laxa])
    RequestFactory(company_name="Delad Logistik AB", concerned=[laxa, orebro])
    RequestFactory(company_name="Örebro Verkstad AB", concerned=[orebro])
    RequestFactory(company_name="Pågående AB", concerned=[laxa], status=CaseStatus.IN_PROGRESS)

    cases = panel(start(laxa_officer), "cases")

    assert "Laxå Lager AB" in cases and "Delad Logistik AB" in cases
    assert "Örebro Verkstad AB" not in cases and "Pågående AB" not in cases
    assert f'href="/admin/establishment/establishmentrequest/{mine.pk}/change/"' in cases
    assert "Nya etableringsförfrågningar (2)" in cases


def test_staff_without_municipalities_or_permissions_gets_an_empty_start_page(start, laxa):
    from tests.factories import UserFactory

    listing(laxa, "Nästan dold lokal", 170)
    inquiry(laxa, "Laxå-kund")

    html = start(UserFactory(username="staff_only", is_staff=True))

    assert '<h2 id="start-heading">' in html and "Att göra" in html
    assert 'id="start-hiding"' not in html and 'id="start-inquiries"' not in html
    assert "Nästan dold lokal" not in html and "Laxå-kund" not in html
