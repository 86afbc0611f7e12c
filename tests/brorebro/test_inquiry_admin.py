"""Inquiries in the admin: answered by e-mail with the subject filled in, a status of new,
answered or closed, and a search that finds them by what an officer remembers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from brorebro.models import Inquiry
from premises.models import Premises

pytestmark = pytest.mark.django_db


def inquiry(municipality, **kwargs) -> Inquiry:
    values = {
        "municipality": municipality,
        "content_type": ContentType.objects.get_for_model(Premises),
        "object_id": 1,
        "listing_title": "Kontor i centrum",
        "name": "Anna Andersson",
        "company": "Andersson Logistik AB",
        "email": "anna@andersson.example",
        "phone": "019-12 34 56",
        "message": "Vi söker ett lager med lastbrygga.",
        "consent": True,
    }
    values.update(kwargs)
    return Inquiry.objects.create(**values)


def test_reply_link_carries_the_subject_even_for_odd_titles(laxa):
    odd = inquiry(laxa, listing_title="Lager & kontor? 100% #2\nBcc: spy@evil.example", email="a+b@x.example")

    link = odd.reply_mailto()

    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "a%2Bb@x.example"
    assert parse_qs(parts.query) == {"subject": ["Re: Lager & kontor? 100% #2 Bcc: spy@evil.example"]}
    assert parts.fragment == ""  # the # of the title did not end the link
    assert "\n" not in link and " " not in link


def test_changelist_and_change_page_offer_the_reply_link(client, laxa, laxa_officer):
    one = inquiry(laxa, listing_title="Industrihall i Laxå")
    client.force_login(laxa_officer)
    expected = 'href="mailto:anna@andersson.example?subject=Re%3A%20Industrihall%20i%20Lax%C3%A5"'
    assert expected in client.get("/admin/brorebro/inquiry/").content.decode()
    assert expected in client.get(f"/admin/brorebro/inquiry/{one.pk}/change/").content.decode()


def test_anonymised_inquiry_has_no_reply_link(client, laxa, laxa_officer):
    gone = inquiry(laxa, email="anonymised@invalid", name="–", anonymised_at=timezone.now())
    client.force_login(laxa_officer)
    html = client.get(f"/admin/brorebro/inquiry/{gone.pk}/change/").content.decode()
    assert "mailto:" not in html


def test_statuses_are_new_answered_closed_and_new_by_default(laxa):
    assert [value for value, _label in Inquiry.Status.choices] == ["new", "answered", "closed"]
    assert inquiry(laxa).status == Inquiry.Status.NEW


def test_officer_changes_the_status_on_the_inquiry(client, laxa, laxa_officer):
    one = inquiry(laxa)
    client.force_login(laxa_officer)
    response = client.post(
        f"/admin/brorebro/inquiry/{one.pk}/change/", {"status": "closed", "officer_notes": "Ringde upp."}
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert (one.status, one.officer_notes) == ("closed", "Ringde upp.")


@pytest.mark.parametrize(
    ("action", "status"), [("mark_inquiries_answered", "answered"), ("close_inquiries", "closed")]
)
def test_bulk_actions_set_the_status(client, laxa, laxa_officer, action, status):
    first, second = inquiry(laxa), inquiry(laxa, name="Bo Berg")
    client.force_login(laxa_officer)
    client.post("/admin/brorebro/inquiry/", {"action": action, "_selected_action": [first.pk, second.pk]})
    assert set(Inquiry.objects.values_list("status", flat=True)) == {status}


@pytest.mark.parametrize(
    "term",
    ["Andersson", "andersson logistik", "anna@andersson", "12 34 56", "lastbrygga", "Kontor i centrum"],
)
def test_search_finds_an_inquiry_by_what_the_officer_remembers(client, laxa, laxa_officer, term):
    inquiry(laxa)
    inquiry(
        laxa,
        name="Bo Berg",
        company="Berg AB",
        email="bo@berg.example",
        phone="",
        message="Mark.",
        listing_title="Tomt vid E20",
    )
    client.force_login(laxa_officer)
    changelist = client.get("/admin/brorebro/inquiry/", {"q": term}).context["cl"]
    assert [i.name for i in changelist.result_list] == ["Anna Andersson"]


def test_search_stays_within_the_officers_municipalities(client, laxa, orebro, laxa_officer):
    inquiry(orebro, name="Örebro-kund", message="Hemligt lager")
    client.force_login(laxa_officer)
    changelist = client.get("/admin/brorebro/inquiry/", {"q": "Hemligt"}).context["cl"]
    assert list(changelist.result_list) == []


def test_status_filter_lists_only_that_status(client, laxa, laxa_officer):
    inquiry(laxa, name="Ny")
    inquiry(laxa, name="Besvarad", status=Inquiry.Status.ANSWERED)
    client.force_login(laxa_officer)
    changelist = client.get("/admin/brorebro/inquiry/", {"status__exact": "answered"}).context["cl"]
    assert [i.name for i in changelist.result_list] == ["Besvarad"]
