"""The land admin: officers see and change only their own municipality's plots."""

import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile

from land.models import Landmark, LandPlot
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle

CHANGELIST = "/admin/land/landplot/"


def wgs84(geom) -> str:
    """As the Leaflet widget posts it: GeoJSON in WGS84."""
    return geom.transform(4326, clone=True).geojson


@pytest.fixture
def own_and_other(plot_factory, orebro, laxa):
    return (
        plot_factory(municipality=laxa, name="Ramundeboda 1:58"),
        plot_factory(municipality=orebro, name="Törsjö 6:12"),
    )


def form_data(plot, **changes):
    data = {
        "municipality": plot.municipality_id,
        "external_ref": plot.external_ref,
        "name": plot.name,
        "area_name": plot.area_name,
        "status": plot.status,
        "geom": wgs84(plot.geom),
        "purposes": ["industry"],
        "plan_id": plot.plan_id,
        "plan_status": plot.plan_status,
        "plan_purpose_codes": "",
        "max_site_coverage_pct": "",
        "max_building_height_m": "",
        "plan_document_url": "",
        "price_sek_per_m2": "300",
        "min_plot_m2": "",
        "electricity_kw": "",
        "description_sv": "",
        "description_en": "",
        "contact_name": "",
        "contact_organisation": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(changes)
    return data


def test_changelist_shows_only_own_municipality(client, laxa_officer, own_and_other):
    client.force_login(laxa_officer)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ramundeboda 1:58" in html
    assert "Törsjö 6:12" not in html


def test_other_municipality_change_page_is_404(client, laxa_officer, own_and_other):
    client.force_login(laxa_officer)
    other = own_and_other[1]
    assert client.get(f"{CHANGELIST}{other.pk}/change/").status_code == 404
    assert client.get(f"{CHANGELIST}{other.pk}/history/").status_code == 404
    assert client.get(f"{CHANGELIST}{own_and_other[0].pk}/history/").status_code == 200


def test_history_of_a_deleted_plot_of_another_municipality_stays_hidden(client, laxa_officer, own_and_other):
    other = own_and_other[1]
    pk = other.pk
    other.delete()
    client.force_login(laxa_officer)
    assert client.get(f"{CHANGELIST}{pk}/history/").status_code == 404


def test_change_form_has_a_map_widget_and_area_is_read_only(client, laxa_officer, own_and_other):
    client.force_login(laxa_officer)
    html = client.get(f"{CHANGELIST}{own_and_other[0].pk}/change/").content.decode()
    assert "leaflet" in html.lower()
    assert 'name="area_m2"' not in html


def test_officer_saves_own_plot_and_area_follows_the_new_polygon(client, laxa_officer, own_and_other):
    own = own_and_other[0]
    client.force_login(laxa_officer)
    new_geom = rectangle(OREBRO_E, OREBRO_N, 200, 300)
    response = client.post(f"{CHANGELIST}{own.pk}/change/", form_data(own, geom=wgs84(new_geom), area_m2="1"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.area_m2 == 60000
    assert own.updated_by == laxa_officer
    assert own.history.first().history_user == laxa_officer


def test_forged_municipality_in_post_is_refused(client, laxa_officer, own_and_other, orebro):
    own = own_and_other[0]
    client.force_login(laxa_officer)
    response = client.post(f"{CHANGELIST}{own.pk}/change/", form_data(own, municipality=orebro.pk))
    assert response.status_code == 200  # the form shows the choice as invalid
    own.refresh_from_db()
    assert own.municipality.code == "1860"
    response = client.post(f"{CHANGELIST}add/", form_data(own, municipality=orebro.pk, external_ref="NEW"))
    assert response.status_code == 200
    assert not LandPlot.objects.filter(external_ref="NEW").exists()


def test_actions_reserve_and_sell(client, laxa_officer, own_and_other):
    own, other = own_and_other
    client.force_login(laxa_officer)
    client.post(CHANGELIST, {"action": "reserve_plots", "_selected_action": [own.pk, other.pk]})
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "reserved"
    assert other.status == "published"  # not in the officer's changelist, so not touched
    client.post(CHANGELIST, {"action": "sell_plots", "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert own.status == "sold"


def test_import_upload_in_the_admin(client, laxa_officer, laxa):
    client.force_login(laxa_officer)
    ring = [[500000, 6540000], [500100, 6540000], [500100, 6540100], [500000, 6540100], [500000, 6540000]]
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"ID": "LAX-1", "KOD": "1860", "purposes": "industry"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    upload = SimpleUploadedFile(
        "mark.geojson", json.dumps(data).encode(), content_type="application/geo+json"
    )
    mapping = SimpleUploadedFile("mapping.json", b'{"external_ref": "ID", "municipality_code": "KOD"}')
    response = client.post(f"{CHANGELIST}import/", {"file": upload, "mapping": mapping, "layer": ""})
    assert response.status_code == 200
    plot = LandPlot.objects.get(external_ref="LAX-1")
    assert plot.area_m2 == 10000
    assert plot.created_by == laxa_officer


def test_admin_import_refuses_another_municipality_and_bad_files(client, laxa_officer, laxa, orebro):
    client.force_login(laxa_officer)
    ring = [[500000, 6570000], [500100, 6570000], [500100, 6570100], [500000, 6570000]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"external_ref": "O-1", "municipality_code": "1880", "purposes": "industry"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    upload = SimpleUploadedFile("mark.geojson", json.dumps(data).encode())
    response = client.post(f"{CHANGELIST}import/", {"file": upload})
    assert "Örebro (1880)" in response.content.decode()
    assert not LandPlot.objects.exists()
    response = client.post(f"{CHANGELIST}import/", {"file": SimpleUploadedFile("mark.txt", b"hello")})
    assert response.status_code == 200
    assert ".txt" in response.content.decode()


def test_landmarks_are_changed_by_regional_admins_only(
    client, laxa_officer, regional_admin, landmark_factory
):
    landmark = landmark_factory()
    client.force_login(laxa_officer)
    assert client.get(f"/admin/land/landmark/{landmark.pk}/change/").status_code in (200, 403)
    response = client.post(
        f"/admin/land/landmark/{landmark.pk}/change/",
        {"kind": "airport", "name": "X", "location": wgs84(landmark.location)},
    )
    assert response.status_code == 403
    assert client.get("/admin/land/landmark/add/").status_code == 403
    client.force_login(regional_admin)
    response = client.post(
        f"/admin/land/landmark/{landmark.pk}/change/",
        {"kind": "airport", "name": "Örebro Airport", "location": wgs84(landmark.location)},
    )
    assert response.status_code == 302
    assert Landmark.objects.get().name == "Örebro Airport"


def test_self_intersecting_boundary_drawn_in_the_admin_is_explained(client, laxa_officer, own_and_other):
    own = own_and_other[0]
    client.force_login(laxa_officer)
    e, n = OREBRO_E, OREBRO_N
    bow_tie = MultiPolygon(
        Polygon([(e, n), (e + 100, n + 100), (e + 100, n), (e, n + 100), (e, n)]), srid=3006
    )
    response = client.post(f"{CHANGELIST}{own.pk}/change/", form_data(own, geom=wgs84(bow_tie)))
    assert response.status_code == 200
    assert "inte en giltig polygon" in str(response.context["adminform"].form.errors["geom"])
    own.refresh_from_db()
    assert own.area_m2 == 10000
