"""Bad search input is a message in the form (page) or a 400 with the messages (API, CSV), never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# (query string, the field that gets the error, part of the Swedish message)
BAD = [
    ("area_min=abc", "area_min", "Ange ytan i m² som ett tal"),
    ("area_max=-5", "area_max", "Ytan kan inte vara negativ"),
    ("area_min=500&area_max=100", "area_max", "måste vara minst lika stor"),
    ("area_min=1e12", "area_min", "orimligt stor"),
    ("rent_max=NaN", "rent_max", "Ange hyran"),
    ("price_max=inf", "price_max", "Ange priset"),
    ("bbox=15.4,59.3,15.0,59.2", "bbox", "omvänt"),  # west > east
    ("bbox=15.0,59.3,15.4,59.2", "bbox", "omvänt"),  # south > north
    ("bbox=abc", "bbox", ""),
    ("bbox=1,2,3", "bbox", ""),
    ("bbox=-170,-80,-160,-70", "bbox", ""),
    ("near=59.27,15.2&radius_km=1e9", "radius_km", "högst 500 km"),
    ("near=59.27,15.2&radius_km=0", "radius_km", "minst 0,1 km"),
    ("near=59.27,15.2&radius_km=ten", "radius_km", "Ange avståndet"),
    ("radius_km=10", "near", "Ange en plats"),
    ("near=0,0", "near", ""),
    ("near=fifty,fifteen", "near", ""),
    ("available_by=2027-13-45", "available_by", "år-månad-dag"),
    ("kind=castle", "kind", "castle"),
    ("municipality=9999", "municipality", "9999"),
    ("amenity=helipad", "amenity", "helipad"),
    ("tenure=lease", "tenure", "Välj hyra eller köp"),
    ("sort=random", "sort", "random"),
    ("sort=distance", "sort", "kräver en plats"),
    ("q=" + "x" * 201, "q", ""),
]


@pytest.mark.parametrize("query,field,message", BAD)
def test_bad_input_is_explained_on_the_page_and_refused_by_geojson_and_csv(
    client, orebro, query, field, message
):
    # The page: 200, an error summary linking to the field, the message, no results.
    response = client.get(f"/sv/premises/?{query}")
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    assert 'class="error-summary"' in html
    # The link leads to an element that exists: the input, or the fieldset of a checkbox group.
    target = form[field].id_for_label or form[field].auto_id
    assert f'href="#{target}"' in html
    assert f'id="{target}"' in html
    assert message in html
    assert response.context["page"] is None
    assert response["X-Search-Valid"] == "0"

    # GeoJSON: 400 with the messages per parameter.
    response = client.get(f"/api/premises.geojson?{query}", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert all(isinstance(text, str) and text for text in errors[field])

    # CSV: 400 with the messages as text.
    response = client.get(f"/sv/premises/export.csv?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"{field}: " in response.content.decode()
    assert message in response.content.decode()


@pytest.mark.parametrize("zoom", ["abc", "-1", "21", "1.5", "1e9", "²", "٣٣"])
def test_geojson_rejects_a_bad_zoom(client, orebro, zoom):
    response = client.get(f"/api/premises.geojson?zoom={zoom}")
    assert response.status_code == 400
    assert "zoom" in response.json()["errors"]


def test_english_page_gives_english_messages(client, orebro):
    response = client.get("/en/premises/?area_min=abc&bbox=15.4,59.3,15.0,59.2")
    html = response.content.decode()
    assert "Enter the area in m² as a number" in html
    assert "The map area is reversed" in html
    assert "There is a problem" in html
