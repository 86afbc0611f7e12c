"""Hostile content: script and HTML in every text field of a listing or inquiry comes out escaped.

The payload is written straight into the database (as a careless import or a
compromised account could), bypassing form validation, and then every page that
shows the listing is read: public detail pages in both languages, the search list,
and the officers' admin. No page may contain the payload as markup; web addresses get
a payload that Django's URLValidator accepts but that tries to break out of href="".
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from tests.e2e.helpers import load_demo
from tests.factories import make_officer

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>\"'&"
SHORT_PAYLOAD = "<s>x"  # for fields too short for the whole payload
# Passes Django's URLValidator (anything but whitespace after the host), so an import or
# the admin would accept it; it must not break out of the href attribute.
URL_PAYLOAD = "https://example.se/plan\"><script>alert('xss')</script>"

# (app, model, search URL); the search is narrowed to the listing's municipality, newest first.
LISTINGS = [("premises", "Premises"), ("land", "LandPlot")]


def text_fields(model) -> list[models.Field]:
    plain = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices or field.primary_key:
            continue
        if isinstance(field, models.EmailField | models.SlugField | models.URLField):
            continue
        plain.append(field)
    return plain


def assert_escaped(html: str, where: str) -> None:
    assert "<script>alert('xss')" not in html, f"raw <script> payload on {where}"
    assert "<img src=x onerror" not in html, f"raw <img onerror> payload on {where}"
    assert SHORT_PAYLOAD not in html, f"raw {SHORT_PAYLOAD} payload on {where}"


@pytest.mark.parametrize("app,model_name", LISTINGS)
def test_payloads_in_every_listing_text_field_come_out_escaped(client, db, app, model_name):
    load_demo(app)
    model = apps.get_model(app, model_name)
    listing = model.objects.visible().select_related("municipality").first()
    assert listing is not None
    changes = {}
    for field in text_fields(model):
        payload = PAYLOAD if (field.max_length or 10_000) >= len(PAYLOAD) else SHORT_PAYLOAD
        changes[field.name] = payload[: field.max_length] if field.max_length else payload
    for field in model._meta.concrete_fields:
        if isinstance(field, models.URLField):
            changes[field.name] = URL_PAYLOAD
    assert len(changes) >= 5, f"only {sorted(changes)} are text fields?"
    # Newest, so it is on the first page of the search list.
    now = timezone.now()
    model.objects.filter(pk=listing.pk).update(**changes, published_at=now, confirmed_at=now)
    listing.refresh_from_db()
    assert model.objects.visible().filter(pk=listing.pk).exists()

    code = listing.municipality.code
    pages = [
        listing.get_absolute_url(),
        listing.get_absolute_url().replace("/sv/", "/en/", 1),
        f"/sv/{app}/?municipality={code}&sort=newest",
        f"/en/{app}/?municipality={code}&sort=newest",
    ]
    shown_escaped = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        html = response.content.decode()
        assert_escaped(html, url)
        shown_escaped += "&lt;script&gt;alert(" in html
    assert shown_escaped == len(pages), "the payload was not shown (escaped) on every page"

    # The officers' side: the changelist and the change form.
    officer = make_officer(listing.municipality, username="hostile_officer")
    client.force_login(officer)
    opts = model._meta
    for url in (
        f"/admin/{opts.app_label}/{opts.model_name}/",
        f"/admin/{opts.app_label}/{opts.model_name}/{listing.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        assert_escaped(response.content.decode(), url)


def test_inquiry_payloads_come_out_escaped_for_the_officer(client, db):
    load_demo("premises")
    Premises = apps.get_model("premises", "Premises")
    Inquiry = apps.get_model("brorebro", "Inquiry")
    listing = Premises.objects.visible().select_related("municipality").first()
    response = client.post(
        listing.get_absolute_url(),
        {
            "name": PAYLOAD[:120],
            "company": PAYLOAD,
            "email": "evil@example.se",
            "phone": SHORT_PAYLOAD,
            "message": PAYLOAD * 3,
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302, "the inquiry was not accepted"
    inquiry = Inquiry.objects.get(email="evil@example.se")

    officer = make_officer(listing.municipality, username="inquiry_officer")
    client.force_login(officer)
    for url in ("/admin/brorebro/inquiry/", f"/admin/brorebro/inquiry/{inquiry.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert_escaped(html, url)
        assert "&lt;script&gt;alert(" in html
