"""The detail page: only public listings, all facts, and the shared inquiry form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from brorebro.models import Inquiry
from premises.models import PremisesStatus
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

INQUIRY = {
    "name": "Greta Etablerare",
    "company": "Etablering AB",
    "email": "greta@example.se",
    "phone": "",
    "message": "Vi söker 2 000 m² från årsskiftet.",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def office(orebro):
    orebro.office_phone = "019-21 10 00"
    orebro.office_url = "https://www.orebro.se/naringsliv"
    orebro.save()
    return PremisesFactory(
        municipality=orebro,
        title="Kontor vid Järntorget",
        street="Järntorgsgatan 3",
        locality="Örebro",
        area_min_m2=85,
        area_max_m2=340,
        rent_sek_per_m2_year=1850,
        has_lift=True,
        has_fibre=True,
        contact_name="Sara Lindqvist",
        contact_email="sara@fastighet.example.se",
        contact_phone="070-174 06 05",
        description_sv="Ljust kontor.",
        description_en="Bright office.",
        confirmed_at=timezone.make_aware(dt.datetime(2026, 11, 19, 10, 0)),
    )


def test_detail_shows_facts_contacts_and_the_business_office(client, office):
    response = client.get(f"/sv/premises/{office.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Kontor vid Järntorget",
        "85–340&nbsp;m²",
        "1\xa0850 kr/m²/år",
        "Järntorgsgatan 3, 702 10 Örebro",
        "Hiss",
        "Fiber",
        "Sara Lindqvist",
        "mailto:sara@fastighet.example.se",
        "070-174 06 05",
        "Näringslivskontoret i Örebro",
        "naringsliv@1880.example.se",
        "019-21 10 00",
        "https://www.orebro.se/naringsliv",
        "Senast bekräftad som ledig 19 november 2026",
        "Ljust kontor.",
        'id="premises-map"',
        'data-lat="59.274100"',
        'data-lon="15.206600"',
        'name="consent"',
    ):
        assert text in html, text


def test_detail_in_english_uses_the_english_description(client, office):
    html = client.get(f"/en/premises/{office.pk}/").content.decode()
    assert "Bright office." in html and "Ljust kontor." not in html
    assert "Last confirmed as available on" in html


def test_detail_in_english_falls_back_to_swedish_marked_as_such(client, office):
    office.description_en = ""
    office.save()
    html = client.get(f"/en/premises/{office.pk}/").content.decode()
    assert '<div class="prose" lang="sv"><p>Ljust kontor.</p></div>' in html


@pytest.mark.parametrize(
    "changes",
    [
        {"status": PremisesStatus.DRAFT},
        {"status": PremisesStatus.LET},
        {"status": PremisesStatus.ARCHIVED},
        {
            "confirmed_at": timezone.now() - dt.timedelta(days=181),
            "published_at": timezone.now() - dt.timedelta(days=300),
        },
    ],
)
def test_listings_the_public_may_not_see_are_404(client, office, changes):
    for name, value in changes.items():
        setattr(office, name, value)
    office.save()
    assert client.get(f"/sv/premises/{office.pk}/").status_code == 404
    assert client.post(f"/sv/premises/{office.pk}/", INQUIRY).status_code == 404
    assert client.get("/sv/premises/99999/").status_code == 404


def test_inquiry_is_stored_and_emailed_then_redirected(client, office):
    response = client.post(f"/sv/premises/{office.pk}/", INQUIRY)
    assert response.status_code == 302
    assert response["Location"] == f"/sv/premises/{office.pk}/"

    inquiry = Inquiry.objects.get()
    assert inquiry.listing == office
    assert inquiry.municipality == office.municipality
    assert inquiry.listing_title == "Kontor vid Järntorget"
    assert (inquiry.name, inquiry.company, inquiry.consent) == ("Greta Etablerare", "Etablering AB", True)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert set(email.to) == {"sara@fastighet.example.se", "naringsliv@1880.example.se"}
    assert "Kontor vid Järntorget" in email.subject
    assert f"http://testserver/sv/premises/{office.pk}/" in email.body
    assert "Vi söker 2 000 m² från årsskiftet." in email.body

    page = client.get(response["Location"])
    assert "Tack!" in page.content.decode()


def test_inquiry_without_consent_shows_errors_and_stores_nothing(client, office):
    response = client.post(f"/sv/premises/{office.pk}/", {**INQUIRY, "consent": "", "email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_consent"' in html and 'href="#id_email"' in html
    assert not Inquiry.objects.exists() and not mail.outbox


def test_honeypot_pretends_success_and_stores_nothing(client, office):
    response = client.post(f"/sv/premises/{office.pk}/", {**INQUIRY, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Inquiry.objects.exists() and not mail.outbox


def test_inquiries_are_rate_limited_per_address(client, office, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(f"/sv/premises/{office.pk}/", INQUIRY).status_code == 302
    response = client.post(f"/sv/premises/{office.pk}/", INQUIRY)
    assert response.status_code == 200
    assert "försök igen" in response.content.decode().lower()
    assert Inquiry.objects.count() == 2
    # Another address is not affected.
    assert client.post(f"/sv/premises/{office.pk}/", INQUIRY, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_inquiry_needs_a_csrf_token(office):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/sv/premises/{office.pk}/", INQUIRY).status_code == 403
    assert not Inquiry.objects.exists()


def test_home_page_counts_the_premises_on_offer(client, office, orebro):
    PremisesFactory(municipality=orebro, area_min_m2=1000, area_max_m2=1160)
    PremisesFactory(municipality=orebro, status=PremisesStatus.DRAFT, published_at=None, area_max_m2=99999)
    html = client.get("/sv/").content.decode()
    assert "Lediga lokaler" in html
    assert "<dd>2</dd>" in html
    assert "<dd>1\xa0500 m²</dd>" in html  # 340 + 1 160, the largest areas of the public ones
