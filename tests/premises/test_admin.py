"""The officers' premises admin: scoping for two municipalities, the map, typed coordinates, actions, history."""

from __future__ import annotations

import json

import pytest

from premises.models import Premises, PremisesStatus, Tenure
from tests.factories import make_officer
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/premises/premises/"


@pytest.fixture
def two(orebro, laxa):
    ore = PremisesFactory(municipality=orebro, external_ref="ORE", title="Kontor i Örebro")
    lax = PremisesFactory(
        municipality=laxa, external_ref="LAX", title="Kontor i Laxå", lon_lat=(14.6210, 58.9855)
    )
    return ore, lax


def form_data(municipality, **overrides) -> dict:
    data = {
        "municipality": getattr(municipality, "pk", municipality),
        "title": "Nytt kontor",
        "kind": "office",
        "status": "draft",
        "external_ref": "NEW-1",
        "street": "Storgatan 1",
        "postal_code": "702 10",
        "locality": "Örebro",
        "location": json.dumps({"type": "Point", "coordinates": [15.2066, 59.2741]}),
        "lat": "",
        "lon": "",
        "sweref_n": "",
        "sweref_e": "",
        "area_min_m2": "100",
        "area_max_m2": "200",
        "tenure": "rent",
        "rent_sek_per_m2_year": "1200",
        "price_sek": "",
        "available_from": "",
        "description_sv": "Ljust.",
        "description_en": "",
        "contact_name": "Anna",
        "contact_organisation": "",
        "contact_email": "anna@example.se",
        "contact_phone": "",
        "has_parking": "on",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def change_data(premises, **overrides) -> dict:
    """What the change form posts for `premises`, typed coordinates as the form shows them."""
    wgs = premises.location.transform(4326, clone=True)
    shown = {
        "title": premises.title,
        "external_ref": premises.external_ref,
        "status": premises.status,
        "location": json.dumps({"type": "Point", "coordinates": [wgs.x, wgs.y]}),
        "lat": f"{wgs.y:.6f}",
        "lon": f"{wgs.x:.6f}",
        "sweref_n": f"{premises.location.y:.2f}",
        "sweref_e": f"{premises.location.x:.2f}",
    }
    data = {**shown, **overrides}
    return form_data(data.pop("municipality", premises.municipality), **data)


# --- scoping, both ways --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "officer_fixture,own,other", [("laxa_officer", "LAX", "ORE"), ("orebro_officer", "ORE", "LAX")]
)
def test_officer_sees_only_own_premises_in_changelist(request, client, two, officer_fixture, own, other):
    client.force_login(request.getfixturevalue(officer_fixture))
    response = client.get(ADMIN)
    assert response.status_code == 200
    shown = {p.external_ref for p in response.context["cl"].result_list}
    assert shown == {own}


@pytest.mark.parametrize("officer_fixture,other_index", [("laxa_officer", 0), ("orebro_officer", 1)])
def test_officer_cannot_open_change_delete_or_history_of_other_municipality(
    request, client, two, officer_fixture, other_index
):
    client.force_login(request.getfixturevalue(officer_fixture))
    other = two[other_index]
    own = two[1 - other_index]
    for suffix in ("change/", "delete/", "history/"):
        assert client.get(f"{ADMIN}{own.pk}/{suffix}").status_code == 200, suffix
        response = client.get(f"{ADMIN}{other.pk}/{suffix}")
        assert response.status_code == 404, suffix
        assert other.title not in response.content.decode()
    # simple_history's page for one past version, and its revert POST
    version = other.history.first()
    url = f"{ADMIN}{other.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 404
    assert client.post(url, change_data(other, title="Hijacked")).status_code == 404
    other.refresh_from_db()
    assert other.title != "Hijacked"


def test_officer_cannot_delete_other_municipality_premises_by_post(client, two, laxa_officer):
    ore, _ = two
    client.force_login(laxa_officer)
    response = client.post(f"{ADMIN}{ore.pk}/delete/", {"post": "yes"})
    assert response.status_code == 404
    assert Premises.objects.filter(pk=ore.pk).exists()


def test_history_of_a_deleted_premises_stays_scoped(client, two, laxa_officer):
    ore, _ = two
    ore_pk = ore.pk
    ore.delete()
    client.force_login(laxa_officer)
    assert client.get(f"{ADMIN}{ore_pk}/history/").status_code == 404


def test_forged_municipality_on_add_is_refused(client, two, orebro, laxa_officer):
    client.force_login(laxa_officer)
    response = client.post(f"{ADMIN}add/", form_data(orebro))
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not Premises.objects.filter(external_ref="NEW-1").exists()


def test_forged_municipality_on_change_is_refused(client, two, orebro, laxa_officer):
    _, lax = two
    client.force_login(laxa_officer)
    data = change_data(lax, municipality=orebro)
    response = client.post(f"{ADMIN}{lax.pk}/change/", data)
    assert response.status_code == 200
    lax.refresh_from_db()
    assert lax.municipality.code == "1860"


def test_forged_action_on_other_municipality_does_nothing(client, two, laxa_officer):
    ore, _ = two
    client.force_login(laxa_officer)
    client.post(ADMIN, {"action": "archive_listings", "_selected_action": [ore.pk]})
    ore.refresh_from_db()
    assert ore.status == PremisesStatus.PUBLISHED


def test_regional_admin_sees_every_municipality(client, two, regional_admin):
    client.force_login(regional_admin)
    response = client.get(ADMIN)
    assert {p.external_ref for p in response.context["cl"].result_list} == {"ORE", "LAX"}
    for premises in two:
        assert client.get(f"{ADMIN}{premises.pk}/history/").status_code == 200


def test_officer_municipality_filter_lists_only_their_municipalities(client, two, laxa, hallsberg):
    PremisesFactory(municipality=hallsberg, lon_lat=(15.11, 59.066))
    officer = make_officer(laxa, hallsberg, username="two_places")
    client.force_login(officer)
    sidebar = client.get(ADMIN).content.decode().split('id="changelist-filter"')[1]
    assert "Laxå" in sidebar and "Hallsberg" in sidebar and "Örebro" not in sidebar


# --- creating with the map, or typed coordinates ----------------------------------------------------------
def test_officer_creates_premises_with_the_map_point(client, orebro, orebro_officer):
    client.force_login(orebro_officer)
    response = client.post(f"{ADMIN}add/", form_data(orebro))
    assert response.status_code == 302, response.context["adminform"].form.errors
    premises = Premises.objects.get(external_ref="NEW-1")
    # Leaflet sends WGS84; the database holds SWEREF 99 TM.
    assert premises.location.srid == 3006
    assert premises.location.x == pytest.approx(511775, abs=2) and premises.location.y == pytest.approx(
        6570592, abs=2
    )
    assert premises.created_by == orebro_officer and premises.updated_by == orebro_officer
    assert premises.has_parking and not premises.has_lift


def test_change_form_shows_the_point_in_wgs84_for_the_map(client, two, laxa_officer):
    _, lax = two
    client.force_login(laxa_officer)
    html = client.get(f"{ADMIN}{lax.pk}/change/").content.decode()
    assert "14.621" in html and "58.985" in html  # the widget's GeoJSON is in degrees
    assert 'id="id_location-map"' in html
    assert 'name="lat"' in html and 'value="58.985500"' in html


def test_admin_without_external_ref_makes_one_up(client, orebro, orebro_officer):
    client.force_login(orebro_officer)
    response = client.post(f"{ADMIN}add/", form_data(orebro, external_ref=""))
    assert response.status_code == 302
    assert Premises.objects.get(title="Nytt kontor").external_ref.startswith("BRO-")


def test_typed_wgs84_coordinates_replace_the_map_point(client, two, laxa_officer):
    _, lax = two
    client.force_login(laxa_officer)
    response = client.post(f"{ADMIN}{lax.pk}/change/", change_data(lax, lat="58.920000", lon="14.430000"))
    assert response.status_code == 302
    lax.refresh_from_db()
    wgs = lax.location.transform(4326, clone=True)
    assert (wgs.x, wgs.y) == (pytest.approx(14.43, abs=1e-6), pytest.approx(58.92, abs=1e-6))


def test_typed_sweref_coordinates_replace_the_map_point(client, orebro, orebro_officer):
    client.force_login(orebro_officer)
    response = client.post(
        f"{ADMIN}add/", form_data(orebro, location="", sweref_n="6572100", sweref_e="513600")
    )
    assert response.status_code == 302
    location = Premises.objects.get(external_ref="NEW-1").location
    assert (location.x, location.y) == (513600, 6572100)


def test_unchanged_typed_coordinates_leave_a_moved_map_point_alone(client, two, laxa_officer):
    _, lax = two
    client.force_login(laxa_officer)
    moved = json.dumps({"type": "Point", "coordinates": [14.43, 58.92]})
    response = client.post(f"{ADMIN}{lax.pk}/change/", change_data(lax, location=moved))
    assert response.status_code == 302
    lax.refresh_from_db()
    assert lax.location.transform(4326, clone=True).x == pytest.approx(14.43, abs=1e-6)


@pytest.mark.parametrize(
    "typed,field",
    [
        ({"lat": "59.27", "lon": ""}, "lon"),
        ({"lat": "59.27", "lon": "15.2", "sweref_n": "6572100", "sweref_e": "513600"}, "sweref_n"),
        ({"lat": "15.2", "lon": "59.27"}, "lat"),  # swapped: outside Sweden
        ({"location": ""}, "location"),
    ],
)
def test_bad_typed_coordinates_are_explained(client, orebro, orebro_officer, typed, field):
    client.force_login(orebro_officer)
    data = form_data(orebro, **typed)
    if "location" not in typed:
        data["location"] = ""
    response = client.post(f"{ADMIN}add/", data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Premises.objects.exists()


def test_point_outside_the_municipality_is_refused_with_a_message(client, county_with_boundaries):
    laxa = county_with_boundaries["1860"]
    officer = make_officer(laxa, username="laxa_with_boundary")
    client.force_login(officer)
    response = client.post(f"{ADMIN}add/", form_data(laxa))  # the point is central Örebro
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Laxå" in str(errors["location"])
    inside = json.dumps({"type": "Point", "coordinates": [14.621, 58.9855]})
    assert client.post(f"{ADMIN}add/", form_data(laxa, location=inside)).status_code == 302


# --- actions ---------------------------------------------------------------------------------------------
def test_publish_action_publishes_drafts(client, orebro, orebro_officer):
    draft = PremisesFactory(
        municipality=orebro, status=PremisesStatus.DRAFT, published_at=None, confirmed_at=None
    )
    client.force_login(orebro_officer)
    client.post(ADMIN, {"action": "publish_listings", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == PremisesStatus.PUBLISHED and draft.published_at and draft.confirmed_at
    assert Premises.objects.visible().filter(pk=draft.pk).exists()


def test_confirm_action_stamps_the_date(client, orebro, orebro_officer):
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=120)
    premises = PremisesFactory(municipality=orebro, confirmed_at=old, published_at=old)
    client.force_login(orebro_officer)
    client.post(ADMIN, {"action": "confirm_listings", "_selected_action": [premises.pk]})
    premises.refresh_from_db()
    assert premises.confirmed_at > old + dt.timedelta(days=100)
    assert premises.history.first().history_user == orebro_officer


def test_mark_let_or_sold_depends_on_the_tenure(client, orebro, orebro_officer):
    for_rent = PremisesFactory(municipality=orebro, tenure=Tenure.RENT)
    for_sale = PremisesFactory(
        municipality=orebro, tenure=Tenure.SALE, rent_sek_per_m2_year=None, price_sek=10**6
    )
    client.force_login(orebro_officer)
    client.post(ADMIN, {"action": "mark_let_or_sold", "_selected_action": [for_rent.pk, for_sale.pk]})
    for_rent.refresh_from_db()
    for_sale.refresh_from_db()
    assert (for_rent.status, for_sale.status) == (PremisesStatus.LET, PremisesStatus.SOLD)
    assert not Premises.objects.visible().exists()


def test_archive_action(client, orebro, orebro_officer):
    premises = PremisesFactory(municipality=orebro)
    client.force_login(orebro_officer)
    client.post(ADMIN, {"action": "archive_listings", "_selected_action": [premises.pk]})
    premises.refresh_from_db()
    assert premises.status == PremisesStatus.ARCHIVED


def test_status_can_be_changed_in_the_list(client, orebro, orebro_officer):
    premises = PremisesFactory(
        municipality=orebro, status=PremisesStatus.DRAFT, published_at=None, confirmed_at=None
    )
    client.force_login(orebro_officer)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": premises.pk,
        "form-0-status": "published",
        "_save": "Save",
    }
    assert client.post(ADMIN, data).status_code == 302
    premises.refresh_from_db()
    assert premises.status == PremisesStatus.PUBLISHED and premises.published_at is not None


# --- history ---------------------------------------------------------------------------------------------
def test_history_shows_who_changed_which_field(client, two, laxa_officer):
    _, lax = two
    client.force_login(laxa_officer)
    response = client.post(f"{ADMIN}{lax.pk}/change/", change_data(lax, title="Kontor i Laxå, nytt namn"))
    assert response.status_code == 302
    record = lax.history.first()
    assert record.history_user == laxa_officer
    delta = record.diff_against(record.prev_record)
    assert "title" in delta.changed_fields
    html = client.get(f"{ADMIN}{lax.pk}/history/").content.decode()
    assert "laxa_officer" in html and "Kontor i Laxå, nytt namn" in html


def test_import_button_is_on_the_changelist(client, two, laxa_officer):
    client.force_login(laxa_officer)
    assert f'href="{ADMIN}import/"' in client.get(ADMIN).content.decode()


def test_new_premises_form_suggests_the_officer_as_contact(client, laxa, laxa_officer):
    laxa_officer.first_name, laxa_officer.last_name = "Kim", "Berg"
    laxa_officer.save()
    client.force_login(laxa_officer)
    form = client.get(f"{ADMIN}add/").context["adminform"].form
    assert form.initial["contact_name"] == "Kim Berg"
    assert form.initial["municipality"] == laxa.pk


# --- keeping listings current quickly -------------------------------------------------------------------
def test_one_click_confirm_from_the_list(client, orebro, orebro_officer):
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=100)
    premises = PremisesFactory(municipality=orebro, published_at=old, confirmed_at=old)
    client.force_login(orebro_officer)
    html = client.get(f"{ADMIN}?freshness=stale").content.decode()
    confirm_url = f"{ADMIN}{premises.pk}/confirm/"
    assert f'formaction="{confirm_url}"' in html and "needs-confirmation" in html
    response = client.post(confirm_url, HTTP_REFERER=f"http://testserver{ADMIN}?freshness=stale")
    assert response.status_code == 302 and response["Location"].endswith("?freshness=stale")
    premises.refresh_from_db()
    assert not premises.needs_confirmation
    assert premises.history.first().history_user == orebro_officer
    assert client.get(confirm_url).status_code == 405


def test_one_click_confirm_is_scoped(client, two, laxa_officer):
    ore, _ = two
    before = ore.confirmed_at
    client.force_login(laxa_officer)
    assert client.post(f"{ADMIN}{ore.pk}/confirm/").status_code == 404
    ore.refresh_from_db()
    assert ore.confirmed_at == before


def test_single_municipality_officer_gets_no_municipality_column(client, two, laxa_officer, regional_admin):
    client.force_login(laxa_officer)
    assert "municipality" not in client.get(ADMIN).context["cl"].list_display
    client.force_login(regional_admin)
    assert "municipality" in client.get(ADMIN).context["cl"].list_display
