"""The inquiry form's validation messages read as sentences, in the summary as beside the
fields: no label glued in front ("…my inquiry.: You must agree…")."""

from __future__ import annotations

import re

import pytest

from brorebro.models import Inquiry
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db


def summary_items(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def beside_fields(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', html, re.S)]


@pytest.fixture
def office(orebro):
    return PremisesFactory(municipality=orebro, title="Kontor vid Järntorget")


def test_empty_inquiry_lists_one_sentence_per_problem(client, office):
    html = client.post(
        f"/sv/premises/{office.pk}/", {"name": "", "email": "", "message": ""}
    ).content.decode()

    assert summary_items(html) == [
        "Skriv ditt namn.",
        "Skriv din e-postadress.",
        "Skriv ditt meddelande.",
        "Du måste godkänna hanteringen av dina personuppgifter för att skicka förfrågan.",
    ]
    assert beside_fields(html) == summary_items(html)
    assert ".:" not in html
    assert not Inquiry.objects.exists()


def test_messages_in_english_name_the_field(client, office):
    data = {"name": "Greta\nEtablerare", "email": "not-an-email", "message": "Hej", "consent": "on"}
    html = client.post(f"/en/premises/{office.pk}/", data).content.decode()

    assert summary_items(html) == [
        "Write your name on one line.",
        "Enter an e-mail address such as name@company.se.",
    ]
    assert 'href="#id_name"' in html and 'href="#id_email"' in html


def test_a_too_long_message_says_how_long_it_may_be(client, office):
    data = {"name": "Greta", "email": "greta@example.se", "message": "x" * 5001, "consent": "on"}
    html = client.post(f"/en/premises/{office.pk}/", data).content.decode()
    assert summary_items(html) == ["Your message can be at most 5000 characters long (it has 5001)."]
