"""One-line fields refuse control characters at every entry point, and an e-mail subject
is one line whatever the stored data holds (issue 10, Medium 5)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from brorebro.models import Inquiry
from brorebro.validators import one_line, validate_single_line
from land.models import Landmark, LandPlot
from premises.models import Premises, PremisesImage
from tests.land.factories import LandmarkFactory, LandPlotFactory
from tests.land.test_admin import form_data as land_form_data
from tests.premises.factories import PremisesFactory
from tests.premises.test_admin import ADMIN, change_data

pytestmark = pytest.mark.django_db

BREAKS = [
    "Kontor\nBcc: spam@example.com",
    "Kontor\r\nvid torget",
    "Kontor\tA",
    "Kontor\x00",
    "Kontor\u2028B",
    "Kontor\x85",
]
# PostgreSQL cannot store a NUL in text at all, so no stored title can hold one.
STORED_BREAKS = [value for value in BREAKS if "\x00" not in value]

ONE_LINE_FIELDS = {
    Premises: [
        "title",
        "street",
        "postal_code",
        "locality",
        "external_ref",
        "contact_name",
        "contact_organisation",
        "contact_phone",
    ],
    PremisesImage: ["alt_text_sv", "alt_text_en"],
    LandPlot: [
        "name",
        "area_name",
        "plan_id",
        "plan_purpose_codes",
        "external_ref",
        "contact_name",
        "contact_organisation",
        "contact_phone",
    ],
    Landmark: ["name"],
}
INQUIRY = {
    "name": "Greta Etablerare",
    "company": "Etablering AB",
    "email": "greta@example.se",
    "phone": "",
    "message": "Vi söker lokaler.\nGärna med lastkaj.",  # the message may have lines
    "consent": "on",
    "website": "",
}


@pytest.mark.parametrize("value", BREAKS)
def test_the_validator_refuses_control_characters(value):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(value)
    assert caught.value.code == "control_characters"


@pytest.mark.parametrize(
    "value", ["Kontor vid Järntorget", "Törsjö 6:12, etapp 3", "Café «Ö» – 2 000 m²", ""]
)
def test_the_validator_accepts_ordinary_text(value):
    validate_single_line(value)


def test_one_line_turns_any_text_into_one_line():
    assert one_line("Kontor\r\n\tvid\x00 torget\u2028 ") == "Kontor vid torget"
    assert one_line(None) == ""
    assert one_line("x" * 300, max_length=10) == "x" * 9 + "…"


@pytest.mark.parametrize(
    "model,field", [(model, field) for model, fields in ONE_LINE_FIELDS.items() for field in fields]
)
def test_full_clean_refuses_a_line_break_in_every_one_line_field(orebro, model, field):
    if model is Premises:
        instance = PremisesFactory.build(municipality=orebro)
    elif model is PremisesImage:
        instance = PremisesImage(premises=PremisesFactory(municipality=orebro), alt_text_sv="Hall")
    elif model is LandPlot:
        instance = LandPlotFactory.build(municipality=orebro)
    else:
        instance = LandmarkFactory.build()
    setattr(instance, field, "A\nB")
    with pytest.raises(ValidationError) as caught:
        instance.full_clean(exclude=["image"])
    assert "control_characters" in [e.code for e in caught.value.error_dict[field]]


@pytest.mark.parametrize(
    "field", ["title", "locality", "street", "contact_name", "contact_phone", "external_ref"]
)
def test_premises_admin_form_refuses_a_line_break(client, orebro, orebro_officer, field):
    premises = PremisesFactory(municipality=orebro, title="Kontor vid torget")
    client.force_login(orebro_officer)
    response = client.post(
        f"{ADMIN}{premises.pk}/change/", change_data(premises, **{field: "Rad ett\nRad två"})
    )
    assert response.status_code == 200
    assert "Skriv detta på en rad" in response.content.decode()
    premises.refresh_from_db()
    assert premises.title == "Kontor vid torget"
    assert "\n" not in getattr(premises, field)


def test_land_admin_form_refuses_a_line_break(client, laxa, laxa_officer):
    plot = LandPlotFactory(municipality=laxa, name="Ramundeboda 1:58")
    client.force_login(laxa_officer)
    response = client.post(
        f"/admin/land/landplot/{plot.pk}/change/", land_form_data(plot, name="Ramundeboda\r\n1:58")
    )
    assert response.status_code == 200
    assert "Skriv detta på en rad" in response.content.decode()
    plot.refresh_from_db()
    assert plot.name == "Ramundeboda 1:58"


@pytest.mark.parametrize("title", STORED_BREAKS)
def test_an_inquiry_on_a_stored_title_with_a_line_break_is_emailed(client, orebro, title):
    # Stored before the rule existed, or by a path that skipped validation.
    premises = PremisesFactory(municipality=orebro)
    Premises.objects.filter(pk=premises.pk).update(title=title)

    response = client.post(premises.get_absolute_url(), INQUIRY)

    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert "\n" not in inquiry.listing_title and "\r" not in inquiry.listing_title
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject.startswith("Förfrågan / Inquiry: Kontor")
    assert not any(char in email.subject for char in "\r\n\t\x00\x85\u2028")
    message = email.message()  # what SMTP would get: raises BadHeaderError on a broken header
    assert message["Bcc"] is None and email.bcc == []
    assert set(email.to) == {"anna@example.se", orebro.office_email}


def test_an_inquiry_on_a_land_plot_with_a_line_break_in_its_name_is_emailed(client, orebro):
    plot = LandPlotFactory(municipality=orebro)
    LandPlot.objects.filter(pk=plot.pk).update(name="Törsjö\n6:12", area_name="Etapp\r\n3")
    response = client.post(plot.get_absolute_url(), INQUIRY)
    assert response.status_code == 302
    assert Inquiry.objects.get().listing_title == "Törsjö 6:12, Etapp 3"
    assert mail.outbox[0].subject == "Förfrågan / Inquiry: Törsjö 6:12, Etapp 3"


def test_a_broken_stored_contact_address_does_not_stop_the_office_copy(client, orebro):
    premises = PremisesFactory(municipality=orebro)
    Premises.objects.filter(pk=premises.pk).update(contact_email="anna@example.se\nBcc: spam@example.com")
    assert client.post(premises.get_absolute_url(), INQUIRY).status_code == 302
    assert mail.outbox[0].to == [orebro.office_email]


@pytest.mark.parametrize("field", ["name", "company", "phone"])
def test_the_inquiry_form_refuses_a_line_break_in_one_line_fields(client, orebro, field):
    premises = PremisesFactory(municipality=orebro)
    response = client.post(premises.get_absolute_url(), {**INQUIRY, field: "Greta\nBcc: x@example.com"})
    assert response.status_code == 200
    assert "på en rad." in response.content.decode()  # "Skriv ditt namn på en rad." etc.
    assert not Inquiry.objects.exists() and not mail.outbox
