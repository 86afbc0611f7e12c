"""Places by name in "Near" (issue 16): municipalities, gazetteer localities, the listings'
localities and landmarks; accents and case ignored; suggestions as JSON; clear errors for
unknown and ambiguous names; the SCB tätort import."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from brorebro.models import Municipality, Place
from brorebro.places import AmbiguousPlace, PlaceNotFound, resolve, suggest
from brorebro.spatial import wgs84_point
from land.models import LandmarkKind
from premises.models import Kind
from tests.factories import MunicipalityFactory
from tests.land.factories import LandmarkFactory, LandPlotFactory, rectangle
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db


def place(name: str, municipality, lon: float, lat: float, code: str) -> Place:
    return Place.objects.create(
        name=name, municipality=municipality, location=wgs84_point(lon, lat), source="SCB Tätorter", code=code
    )


@pytest.fixture
def kumla(db):
    return MunicipalityFactory(code="1881", name="Kumla")


@pytest.fixture
def gazetteer(orebro, hallsberg, kumla, laxa):
    return {
        "orebro": place("Örebro", orebro, 15.2134, 59.2753, "T1880"),
        "kumla": place("Kumla", kumla, 15.1413, 59.1277, "T1881"),
        "hallsberg": place("Hallsberg", hallsberg, 15.1100, 59.0664, "T1861"),
        "berga_kumla": place("Berga", kumla, 15.1000, 59.1500, "T9001"),
        "berga_laxa": place("Berga", laxa, 14.6000, 58.9900, "T9002"),
    }


@pytest.fixture
def landmarks(db):
    return {
        "blacksta": LandmarkFactory(
            kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 Blacksta", location=wgs84_point(15.1495, 59.2466)
        ),
        "terminal": LandmarkFactory(
            kind=LandmarkKind.RAIL_TERMINAL,
            name="Örebro kombiterminal",
            location=wgs84_point(15.1335, 59.2299),
        ),
    }


def _close(point, lon: float, lat: float, metres: float = 1) -> bool:
    return point.distance(wgs84_point(lon, lat)) <= metres


# --- resolving a name
@pytest.mark.parametrize(
    "text", ["Kumla", "kumla", "KUMLA ", "Kumla (Locality, Kumla)", "Kumla (Ort, Kumla)"]
)
def test_a_locality_is_found_by_name_whatever_the_case(gazetteer, text):
    assert _close(resolve(text).point, 15.1413, 59.1277)


@pytest.mark.parametrize("text", ["orebro kombiterminal", "Örebro Kombiterminal", "kombiterminal"])
def test_a_landmark_is_found_without_accents_and_by_one_word(gazetteer, landmarks, text):
    found = resolve(text)
    assert found.name == "Örebro kombiterminal"
    assert found.point.distance(landmarks["terminal"].location) < 1


def test_e20_blacksta_is_found_by_its_name_and_by_the_place_alone(landmarks):
    assert resolve("E20 Blacksta").name == "E20 Blacksta"
    assert resolve("blacksta").name == "E20 Blacksta"


def test_a_name_shared_by_a_town_and_its_municipality_means_the_town(county_with_boundaries, gazetteer):
    assert resolve("Örebro").kind == "locality"
    municipality = resolve("Örebro (Municipality)")
    assert municipality.kind == "municipality"
    assert resolve("Örebro (Kommun)") == municipality  # a link from the Swedish page
    orebro = Municipality.objects.get(code="1880")
    assert orebro.boundary.contains(municipality.point)


def test_a_municipality_without_a_locality_of_its_name_is_found(county_with_boundaries):
    lekeberg = resolve("lekeberg")
    assert lekeberg.kind == "municipality" and lekeberg.name == "Lekeberg"
    assert Municipality.objects.get(code="1814").boundary.contains(lekeberg.point)


def test_the_localities_of_listings_are_places_too(hallsberg):
    PremisesFactory(municipality=hallsberg, locality="Pålsboda", lon_lat=(15.3380, 59.0660))
    PremisesFactory(municipality=hallsberg, locality="Pålsboda", lon_lat=(15.3420, 59.0680))
    found = resolve("palsboda")
    assert found.label == "Pålsboda (Locality, Hallsberg)"
    assert _close(found.point, 15.3400, 59.0670, metres=80)  # the mean of its premises


def test_a_gazetteer_point_wins_over_the_listings_mean_for_the_same_locality(gazetteer, kumla):
    PremisesFactory(municipality=kumla, locality="Kumla", lon_lat=(15.1700, 59.1100))
    assert [c.name for c in suggest("kumla")] == ["Kumla"]
    assert _close(resolve("Kumla").point, 15.1413, 59.1277)


def test_two_localities_of_one_name_are_ambiguous_and_both_are_listed(gazetteer):
    with pytest.raises(AmbiguousPlace) as caught:
        resolve("Berga")
    assert sorted(c.label for c in caught.value.close) == [
        "Berga (Locality, Kumla)",
        "Berga (Locality, Laxå)",
    ]
    assert resolve("Berga (Locality, Laxå)").municipality == "Laxå"


def test_an_unknown_name_offers_the_names_it_looks_like(gazetteer):
    with pytest.raises(PlaceNotFound) as caught:
        resolve("Hallsbreg")
    assert [c.name for c in caught.value.close] == ["Hallsberg"]
    with pytest.raises(PlaceNotFound) as caught:
        resolve("Atlantis")
    assert caught.value.close == []


# --- the searches
def titles(response) -> list[str]:
    return [item.title for item in response.context["page"].object_list]


@pytest.fixture
def premises(gazetteer, orebro, hallsberg, kumla):
    return [
        PremisesFactory(
            municipality=kumla, title="Lager i Kumla", kind=Kind.WAREHOUSE, lon_lat=(15.1450, 59.1250)
        ),
        PremisesFactory(
            municipality=hallsberg, title="Lager i Hallsberg", kind=Kind.WAREHOUSE, lon_lat=(15.1150, 59.0700)
        ),
        PremisesFactory(municipality=orebro, title="Kontor i Örebro", lon_lat=(15.2066, 59.2741)),
    ]


def test_premises_near_a_place_name_within_a_radius(client, premises):
    response = client.get("/sv/premises/", {"near": "kumla", "radius_km": "10", "sort": "distance"})
    assert titles(response) == ["Lager i Kumla", "Lager i Hallsberg"]


def test_premises_near_a_place_name_sorted_by_distance(client, premises):
    response = client.get("/sv/premises/", {"near": "Hallsberg", "sort": "distance"})
    assert titles(response) == ["Lager i Hallsberg", "Lager i Kumla", "Kontor i Örebro"]


def test_coordinates_still_work_in_near(client, premises):
    response = client.get("/sv/premises/", {"near": "59.2741,15.2066", "radius_km": "2"})
    assert titles(response) == ["Kontor i Örebro"]


def test_an_ambiguous_name_is_a_form_error_that_lists_the_places(client, premises):
    response = client.get("/en/premises/", {"near": "Berga", "radius_km": "5"})
    assert response.status_code == 200 and response.context["page"] is None
    html = response.content.decode()
    assert "“Berga” can mean several places: Berga (Locality, Kumla); Berga (Locality, Laxå)." in html
    assert client.get("/api/premises.geojson", {"near": "Berga"}).status_code == 400


def test_an_unknown_name_is_a_form_error_with_the_close_matches_in_swedish(client, premises):
    html = client.get("/sv/premises/", {"near": "Hallsbreg"}).content.decode()
    assert "Det finns ingen plats som heter ”Hallsbreg”. Menade du: Hallsberg (Ort, Hallsberg)?" in html


def test_a_hostile_name_is_escaped_in_the_error(client, premises):
    html = client.get("/en/premises/", {"near": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_land_plots_near_a_place_name(client, gazetteer, landmarks, orebro, kumla):
    from django.contrib.gis.geos import Point

    blacksta = landmarks["blacksta"].location
    LandPlotFactory(
        municipality=orebro, name="Nära Blacksta", geom=rectangle(blacksta.x + 300, blacksta.y, 200, 200)
    )
    far = wgs84_point(15.1413, 59.1277)
    assert isinstance(far, Point)
    LandPlotFactory(municipality=kumla, name="I Kumla", geom=rectangle(far.x, far.y, 200, 200))
    response = client.get("/sv/land/", {"near": "E20 Blacksta", "radius_km": "3"})
    assert [p.name for p in response.context["page"].object_list] == ["Nära Blacksta"]
    response = client.get("/sv/land/", {"near": "e20 blacksta", "sort": "distance"})
    assert [p.name for p in response.context["page"].object_list] == ["Nära Blacksta", "I Kumla"]


def test_land_radius_without_a_place_is_explained(client, gazetteer):
    response = client.get("/en/land/", {"radius_km": "5"})
    assert response.context["page"] is None
    assert "Give a place to search within a distance of it." in response.content.decode()


# --- the suggestions
def test_suggestions_are_json_best_first(client, gazetteer, landmarks):
    response = client.get("/sv/places/suggest", {"q": "ha"})
    assert response["Content-Type"].startswith("application/json")
    assert "max-age" in response["Cache-Control"]
    labels = [p["label"] for p in response.json()["places"]]
    assert labels[0] == "Hallsberg (Ort, Hallsberg)"
    kombi = client.get("/en/places/suggest", {"q": "kombi"}).json()["places"]
    assert kombi == [
        {
            "label": "Örebro kombiterminal (Intermodal rail terminal)",
            "name": "Örebro kombiterminal",
            "kind": "Intermodal rail terminal",
            "municipality": "",
            "lat": pytest.approx(59.2299, abs=1e-4),
            "lon": pytest.approx(15.1335, abs=1e-4),
        }
    ]


def test_suggestions_need_two_letters_and_are_few(client, orebro):
    for n in range(20):
        place(f"Ekby {n}", orebro, 15.0 + n / 100, 59.2, f"T{n:04d}")
    assert client.get("/sv/places/suggest", {"q": "e"}).json() == {"places": []}
    assert len(client.get("/sv/places/suggest", {"q": "ekby"}).json()["places"]) == 8


def test_suggestions_escape_markup(client, orebro):
    place("<img src=x onerror=alert(1)>", orebro, 15.2, 59.27, "T6666")
    response = client.get("/sv/places/suggest", {"q": "img src"})
    body = response.content.decode()
    assert "<img" not in body and "\\u003cimg" in body
    assert json.loads(body)["places"][0]["name"] == "<img src=x onerror=alert(1)>"


# --- the gazetteer import (SCB Tätorter)
def scb_geojson(tmp_path, features: list[dict]):
    """A file in the documented shape: tatort, tatortskod, kommunkod, SWEREF 99 TM points."""
    path = tmp_path / "tatorter.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                "features": features,
            }
        ),
        encoding="utf-8",
    )
    return path


def point_feature(name: str, code: str, municipality: str, lon: float, lat: float, **extra) -> dict:
    point = wgs84_point(lon, lat)
    return {
        "type": "Feature",
        "properties": {"TATORT": name, "TATORTSKOD": code, "KOMMUNKOD": municipality, **extra},
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
    }


def test_import_places_loads_scb_points_and_updates_on_a_second_run(tmp_path, orebro, kumla):
    path = scb_geojson(
        tmp_path,
        [
            point_feature("Kumla", "T1234", "1881", 15.1413, 59.1277),
            point_feature("Ekeby", "T1235", "1881", 15.2, 59.1),
        ],
    )
    call_command("import_places", str(path), verbosity=0)
    kumla_place = Place.objects.get(code="T1234")
    assert (kumla_place.name, kumla_place.municipality, kumla_place.source) == (
        "Kumla",
        kumla,
        "SCB Tätorter",
    )
    assert _close(kumla_place.location, 15.1413, 59.1277)
    path = scb_geojson(tmp_path, [point_feature("Kumla stad", "T1234", "1881", 15.1413, 59.1277)])
    call_command("import_places", str(path), verbosity=0)
    assert Place.objects.count() == 2 and Place.objects.get(code="T1234").name == "Kumla stad"
    assert resolve("kumla stad").name == "Kumla stad"


def test_import_places_refuses_a_file_with_a_bad_row_and_changes_nothing(tmp_path, orebro):
    path = scb_geojson(
        tmp_path,
        [
            point_feature("Kumla", "T1234", "1881", 15.14, 59.12),
            point_feature("Ekeby", "", "1881", 15.2, 59.1),
        ],
    )
    with pytest.raises(CommandError, match="no place was changed"):
        call_command("import_places", str(path), verbosity=0)
    assert not Place.objects.exists()


def test_import_places_names_the_attributes_when_one_is_missing(tmp_path, orebro):
    path = scb_geojson(tmp_path, [point_feature("Kumla", "T1234", "1881", 15.14, 59.12)])
    with pytest.raises(CommandError, match="no attribute 'namn'.*TATORT, TATORTSKOD, KOMMUNKOD"):
        call_command("import_places", str(path), "--name-field", "namn", verbosity=0)


def test_import_places_can_keep_only_the_county(tmp_path, orebro):
    path = scb_geojson(
        tmp_path,
        [
            point_feature("Kumla", "T1234", "1881", 15.14, 59.12),
            point_feature("Arboga", "T2000", "1984", 15.84, 59.39),
        ],
    )
    call_command("import_places", str(path), "--county-only", verbosity=0)
    assert list(Place.objects.values_list("name", flat=True)) == ["Kumla"]


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs ogr2ogr (gdal-bin)")
def test_import_places_reads_a_geopackage_of_polygons(tmp_path, orebro):
    centre = wgs84_point(15.1413, 59.1277)
    square = [
        [centre.x - 500, centre.y - 500],
        [centre.x + 500, centre.y - 500],
        [centre.x + 500, centre.y + 500],
        [centre.x - 500, centre.y + 500],
        [centre.x - 500, centre.y - 500],
    ]
    source = scb_geojson(
        tmp_path,
        [
            {
                "type": "Feature",
                "properties": {
                    "tatort": "Kumla",
                    "tatortskod": "T1234",
                    "kommunkod": "1881",
                    "befolkning": 14000,
                },
                "geometry": {"type": "Polygon", "coordinates": [square]},
            }
        ],
    )
    gpkg = tmp_path / "tatorter.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(gpkg), str(source), "-nln", "To2020"], check=True)
    call_command("import_places", str(gpkg), verbosity=0)
    assert Place.objects.get(code="T1234").location.distance(centre) < 500
