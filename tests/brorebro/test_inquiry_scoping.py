"""Inquiries hold personal data: officers see only their own municipality's."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from brorebro.models import Inquiry, Municipality


def make_inquiry(municipality, name="Anna Andersson", **kwargs):
    return Inquiry.objects.create(
        municipality=municipality,
        content_type=ContentType.objects.get_for_model(Municipality),
        object_id=municipality.pk,
        listing_title=f"Lager i {municipality.name}",
        name=name,
        email="anna@example.se",
        message="Vi behöver 2 000 m² lager.",
        consent=True,
        **kwargs,
    )


@pytest.fixture
def two_inquiries(orebro, laxa):
    return make_inquiry(orebro, name="Örebro-kund"), make_inquiry(laxa, name="Laxå-kund")


def test_officer_sees_only_own_inquiries_in_changelist(client, laxa_officer, two_inquiries):
    client.force_login(laxa_officer)
    response = client.get("/admin/brorebro/inquiry/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laxå-kund" in html
    assert "Örebro-kund" not in html


def test_officer_cannot_open_other_municipality_inquiry(client, laxa_officer, two_inquiries):
    orebro_inquiry, laxa_inquiry = two_inquiries
    client.force_login(laxa_officer)
    assert client.get(f"/admin/brorebro/inquiry/{laxa_inquiry.pk}/change/").status_code == 200
    response = client.get(f"/admin/brorebro/inquiry/{orebro_inquiry.pk}/change/")
    assert response.status_code == 404
    assert "anna@example.se" not in response.content.decode()


def test_officer_cannot_delete_other_municipality_inquiry(client, laxa_officer, two_inquiries):
    orebro_inquiry, _ = two_inquiries
    client.force_login(laxa_officer)
    response = client.post(f"/admin/brorebro/inquiry/{orebro_inquiry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 404
    assert Inquiry.objects.filter(pk=orebro_inquiry.pk).exists()


def test_bulk_action_ignores_forged_ids_of_other_municipality(client, laxa_officer, two_inquiries):
    orebro_inquiry, laxa_inquiry = two_inquiries
    client.force_login(laxa_officer)
    client.post(
        "/admin/brorebro/inquiry/",
        {"action": "delete_selected", "_selected_action": [orebro_inquiry.pk], "post": "yes"},
    )
    assert Inquiry.objects.filter(pk=orebro_inquiry.pk).exists()


def test_regional_admin_sees_all_inquiries(client, regional_admin, two_inquiries):
    client.force_login(regional_admin)
    html = client.get("/admin/brorebro/inquiry/").content.decode()
    assert "Laxå-kund" in html and "Örebro-kund" in html


def test_officer_can_edit_own_municipality_contact_but_not_others(client, laxa_officer, orebro, laxa):
    client.force_login(laxa_officer)
    response = client.post(
        f"/admin/brorebro/municipality/{laxa.pk}/change/",
        {
            "office_email": "foretag@laxa.se",
            "office_phone": "0584-473 00",
            "office_url": "https://www.laxa.se",
        },
    )
    assert response.status_code == 302
    laxa.refresh_from_db()
    assert laxa.office_email == "foretag@laxa.se"
    assert laxa.code == "1860"  # read-only for officers
    response = client.post(f"/admin/brorebro/municipality/{orebro.pk}/change/", {"office_email": "x@evil.se"})
    assert response.status_code in (302, 403, 404)
    orebro.refresh_from_db()
    assert orebro.office_email != "x@evil.se"


def test_officer_cannot_manage_user_accounts(client, laxa_officer):
    client.force_login(laxa_officer)
    assert client.get("/admin/auth/user/").status_code == 403


def test_purge_anonymises_old_inquiries_only(orebro):
    old = make_inquiry(orebro, name="Gammal")
    Inquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=800))
    recent = make_inquiry(orebro, name="Ny")
    call_command("purge_inquiries")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.name == "–" and old.email == "anonymised@invalid" and old.anonymised_at is not None
    assert recent.name == "Ny"


def test_create_officer_command_scopes_the_new_account(laxa, orebro):
    from django.contrib.auth import get_user_model

    call_command("create_officer", "kim", "--municipality", "1860", "--email", "kim@laxa.se")
    user = get_user_model().objects.get(username="kim")
    assert user.is_staff and not user.is_superuser
    assert list(Municipality.objects.for_user(user)) == [laxa]
    assert user.has_perm("brorebro.view_inquiry")


def test_create_officer_rejects_unknown_codes(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Unknown municipality"):
        call_command("create_officer", "kim", "--municipality", "9999")


def test_municipality_filter_offers_only_the_officers_municipalities(client, two_inquiries, laxa, hallsberg):
    from tests.factories import make_officer

    client.force_login(make_officer(laxa, hallsberg, username="south"))
    html = client.get("/admin/brorebro/inquiry/").content.decode()
    filter_html = html[html.index('id="changelist-filter"') :]
    assert "Laxå" in filter_html and "Hallsberg" in filter_html
    assert "Örebro" not in filter_html


# --- personal data: every way into the inquiries, for the concerned officers and the region only ---------
INQUIRIES = "/admin/brorebro/inquiry/"


def test_search_finds_only_the_officers_own_inquiries(client, laxa_officer, regional_admin, two_inquiries):
    client.force_login(laxa_officer)
    # Both inquiries share the e-mail address; the search must not reach past the scope.
    found = client.get(INQUIRIES, {"q": "anna@example.se"}).context["cl"].result_list
    assert [i.name for i in found] == ["Laxå-kund"]
    assert list(client.get(INQUIRIES, {"q": "Örebro-kund"}).context["cl"].result_list) == []
    client.force_login(regional_admin)
    found = client.get(INQUIRIES, {"q": "anna@example.se"}).context["cl"].result_list
    assert {i.name for i in found} == {"Laxå-kund", "Örebro-kund"}


def test_history_of_an_inquiry_is_the_concerned_officers_only(
    client, laxa_officer, regional_admin, two_inquiries
):
    orebro_inquiry, laxa_inquiry = two_inquiries
    client.force_login(laxa_officer)
    assert client.get(f"{INQUIRIES}{laxa_inquiry.pk}/history/").status_code == 200
    response = client.get(f"{INQUIRIES}{orebro_inquiry.pk}/history/")
    assert response.status_code == 404
    assert "Örebro-kund" not in response.content.decode()
    client.force_login(regional_admin)
    assert client.get(f"{INQUIRIES}{orebro_inquiry.pk}/history/").status_code == 200


def test_no_inquiry_action_reaches_another_municipality(client, rf, laxa_officer, two_inquiries):
    """Every action on the inquiry list, including any export, as a forged POST with the other
    municipality's id: it shows none of its personal data and changes nothing."""
    from django.contrib import admin

    from tests.factories import UserFactory

    orebro_inquiry, _ = two_inquiries
    before = list(Inquiry.objects.order_by("pk").values())
    # Every action there is (a superuser is offered them all), posted by the officer.
    request = rf.get(INQUIRIES)
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    actions = admin.site._registry[Inquiry].get_actions(request)
    assert actions  # at least Django's delete
    client.force_login(laxa_officer)
    for name in actions:
        response = client.post(
            INQUIRIES, {"action": name, "_selected_action": [orebro_inquiry.pk], "post": "yes"}, follow=True
        )
        body = response.content if not response.streaming else b"".join(response.streaming_content)
        assert "Örebro-kund" not in body.decode(errors="replace"), name
        assert list(Inquiry.objects.order_by("pk").values()) == before, name


def test_a_staff_account_that_is_no_officer_sees_no_inquiries(client, two_inquiries):
    from brorebro.management.commands.create_officer import officer_group
    from tests.factories import UserFactory

    user = UserFactory(username="staff_only", is_staff=True)
    user.groups.add(officer_group())
    client.force_login(user)
    response = client.get(INQUIRIES)
    assert list(response.context["cl"].result_list) == []
    assert client.get(f"{INQUIRIES}{two_inquiries[0].pk}/change/").status_code == 404
