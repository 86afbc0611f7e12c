"""Phone numbers are linked in international format (tel:+46…), so they dial from abroad too."""

from __future__ import annotations

import pytest

from brorebro.templatetags.portal import tel_href
from tests.premises.factories import PremisesFactory


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("019-21 10 00", "tel:+4619211000"),
        ("019 - 21 10 00", "tel:+4619211000"),
        ("0590-60 80 00", "tel:+46590608000"),
        ("070-123 45 67", "tel:+46701234567"),
        ("+46 19 21 10 00", "tel:+4619211000"),
        ("+46 (0)19 21 10 00", "tel:+4619211000"),
        ("0046 19 21 10 00", "tel:+4619211000"),
        ("+45 33 12 34 56", "tel:+4533123456"),
    ],
)
def test_a_written_number_becomes_an_international_link(written, href):
    assert tel_href(written) == href


@pytest.mark.parametrize(
    "written", ["", None, "ring växeln", "019-21 10 00 ankn. 12", "21 10 00", "0", "+46 19+1"]
)
def test_a_number_that_cannot_be_dialled_as_written_is_not_linked(written):
    assert tel_href(written) == ""


def test_the_detail_page_links_contact_and_office_in_international_format(client, orebro):
    orebro.office_phone = "019-21 00 00"
    orebro.save()
    premises = PremisesFactory(municipality=orebro, contact_phone="019-21 10 00")

    html = client.get(f"/en/premises/{premises.pk}/").content.decode()

    assert 'href="tel:+4619211000">019-21 10 00</a>' in html
    assert 'href="tel:+4619210000">019-21 00 00</a>' in html
    assert 'href="tel:019' not in html


def test_a_number_that_cannot_be_linked_is_still_shown(client, orebro):
    premises = PremisesFactory(municipality=orebro, contact_phone="ring växeln")

    html = client.get(f"/sv/premises/{premises.pk}/").content.decode()

    assert "ring växeln" in html
    assert 'href="tel:' not in html.split('id="contact-heading"')[1].split("</section>")[0]
