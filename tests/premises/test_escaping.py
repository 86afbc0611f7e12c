"""Script and HTML typed into any text field of a listing come out as text on the public pages."""

from __future__ import annotations

import pytest

from premises.models import Premises, PremisesImage
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

PAYLOAD = """<script>alert("x")</script><img src=x onerror=alert(1)>"'&"""
TEXT_FIELDS = [
    "title",
    "external_ref",
    "street",
    "postal_code",
    "locality",
    "description_sv",
    "description_en",
    "contact_name",
    "contact_organisation",
    "contact_email",
    "contact_phone",
]


@pytest.fixture
def hostile(orebro):
    # Saved directly, past the forms' validation, as a careless import or a future bug might.
    # Each field gets as much of the payload as it can hold (a postal code holds "<scrip").
    values = {name: PAYLOAD[: Premises._meta.get_field(name).max_length] for name in TEXT_FIELDS}
    premises = PremisesFactory(municipality=orebro, **values)
    PremisesImage.objects.create(
        premises=premises,
        image="premises/photos/x.jpg",
        width=10,
        height=10,
        alt_text_sv=PAYLOAD,
        alt_text_en=PAYLOAD,
    )
    return premises


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_search_page_escapes_listing_text(client, hostile, lang):
    assert_escaped(client.get(f"/{lang}/premises/").content.decode())
    assert_escaped(client.get(f"/{lang}/premises/?partial=1").content.decode())


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_detail_page_escapes_listing_text(client, hostile, lang):
    html = client.get(f"/{lang}/premises/{hostile.pk}/").content.decode()
    assert_escaped(html)
    assert f'alt="{PAYLOAD}"' not in html


def test_search_words_are_escaped_when_shown_back(client, hostile):
    html = client.get("/sv/premises/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html


def test_geojson_carries_text_as_data(client, hostile):
    response = client.get("/api/premises.geojson")
    assert response["Content-Type"] == "application/json"
    assert response.json()["features"][0]["properties"]["title"] == PAYLOAD
