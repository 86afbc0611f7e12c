"""Distances from premises to the nearest motorway junction, rail terminal and airport (issue 16):
the same landmarks and the same rule as land plots, computed in the database."""

from __future__ import annotations

import csv
import io
import re

import pytest

from brorebro.spatial import wgs84_point
from land.models import LandmarkKind
from premises.models import Kind, Premises
from tests.land.factories import LandmarkFactory
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def landmarks(db):
    # Positions in WGS84 near Örebro and Hallsberg; distances are checked against GEOS below.
    return {
        "junction": LandmarkFactory(
            kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 Blacksta", location=wgs84_point(15.1495, 59.2466)
        ),
        "far_junction": LandmarkFactory(
            kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 Vretstorp", location=wgs84_point(15.0080, 59.0390)
        ),
        "terminal": LandmarkFactory(
            kind=LandmarkKind.RAIL_TERMINAL,
            name="Hallsberg kombiterminal",
            location=wgs84_point(15.1190, 59.0680),
        ),
        "airport": LandmarkFactory(
            kind=LandmarkKind.AIRPORT, name="Örebro flygplats", location=wgs84_point(15.0380, 59.2237)
        ),
    }


@pytest.fixture
def two(orebro, hallsberg):
    return {
        "torsjo": PremisesFactory(
            municipality=orebro, title="Lager i Törsjö", kind=Kind.WAREHOUSE, lon_lat=(15.1550, 59.2265)
        ),
        "hallsberg": PremisesFactory(
            municipality=hallsberg,
            title="Lager vid terminalen",
            kind=Kind.WAREHOUSE,
            lon_lat=(15.1300, 59.0720),
        ),
    }


def titles(response) -> set[str]:
    return {p.title for p in response.context["page"].object_list}


def _km(a, b) -> float:
    return a.location.distance(b.location) / 1000


def test_nearest_landmark_of_each_kind_nearest_first(two, landmarks):
    rows = two["torsjo"].nearest_landmarks()
    assert [row["name"] for row in rows] == ["E20 Blacksta", "Örebro flygplats", "Hallsberg kombiterminal"]
    for row in rows:
        expected = {
            "E20 Blacksta": _km(two["torsjo"], landmarks["junction"]),
            "Örebro flygplats": _km(two["torsjo"], landmarks["airport"]),
            "Hallsberg kombiterminal": _km(two["torsjo"], landmarks["terminal"]),
        }[row["name"]]
        assert row["km"] == pytest.approx(expected, abs=0.01)


def test_detail_page_shows_the_distances(client, two, landmarks):
    html = client.get(f"/sv/premises/{two['torsjo'].pk}/").content.decode()
    table = re.search(r"<caption>Avstånd till transporter</caption>(.*?)</table>", html, re.S).group(1)
    cells = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td><td class="num">(.*?)</td>', table)
    assert cells[0][:2] == ("Trafikplats på motorväg", "E20 Blacksta")
    shown_km = float(cells[0][2].replace(",", "."))  # one decimal, the Swedish way
    assert shown_km == pytest.approx(_km(two["torsjo"], landmarks["junction"]), abs=0.1)
    assert {c[0] for c in cells} == {"Trafikplats på motorväg", "Kombiterminal", "Flygplats"}


def test_detail_page_without_landmarks_has_no_table(client, two):
    assert "Avstånd till transporter" not in client.get(f"/sv/premises/{two['torsjo'].pk}/").content.decode()


def test_max_distance_filters_keep_only_premises_close_enough(client, two, landmarks):
    to_junction = _km(two["torsjo"], landmarks["junction"])  # about 2.3 km
    to_terminal = _km(two["hallsberg"], landmarks["terminal"])  # about 0.7 km
    assert to_junction < 3 and to_terminal < 3
    assert titles(client.get("/sv/premises/", {"motorway_km": "3"})) == {"Lager i Törsjö"}
    assert titles(client.get("/sv/premises/", {"rail_km": "3"})) == {"Lager vid terminalen"}
    assert titles(client.get("/sv/premises/", {"rail_km": "30"})) == {
        "Lager i Törsjö",
        "Lager vid terminalen",
    }
    # Both conditions at once: every one must hold.
    assert titles(client.get("/sv/premises/", {"rail_km": "30", "airport_km": "10"})) == {"Lager i Törsjö"}


def test_the_edge_of_the_distance_is_measured_in_metres_on_both_databases(client, two, landmarks):
    metres = two["torsjo"].location.distance(landmarks["junction"].location)
    just_over = f"{(metres + 30) / 1000:.2f}"
    just_under = f"{(metres - 30) / 1000:.2f}"
    assert titles(client.get("/sv/premises/", {"motorway_km": just_over})) == {"Lager i Törsjö"}
    assert titles(client.get("/sv/premises/", {"motorway_km": just_under})) == set()


def test_no_landmark_of_the_kind_means_no_hit(client, two, landmarks):
    landmarks["airport"].delete()
    assert titles(client.get("/sv/premises/", {"airport_km": "400"})) == set()


def test_distance_filters_apply_to_geojson_and_csv(client, two, landmarks):
    features = client.get("/api/premises.geojson", {"motorway_km": "3"}).json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Lager i Törsjö"]
    body = b"".join(client.get("/sv/premises/export.csv", {"rail_km": "3"}).streaming_content)
    assert [r["title"] for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))] == [
        "Lager vid terminalen"
    ]


@pytest.mark.parametrize("value", ["abc", "0", "-5", "100000"])
def test_a_bad_distance_is_a_message_not_a_500(client, two, landmarks, value):
    response = client.get("/en/premises/", {"motorway_km": value})
    assert response.status_code == 200 and response.context["page"] is None
    assert 'id="id_motorway_km"' in response.content.decode()
    assert client.get("/api/premises.geojson", {"motorway_km": value}).status_code == 400


def test_with_distance_to_annotates_metres_and_null_without_landmarks(two, landmarks):
    rows = dict(
        Premises.objects.with_distance_to(LandmarkKind.RAIL_TERMINAL, "rail_m").values_list("title", "rail_m")
    )
    assert rows["Lager vid terminalen"] == pytest.approx(
        two["hallsberg"].location.distance(landmarks["terminal"].location), abs=0.5
    )
    assert dict(
        Premises.objects.with_distance_to(LandmarkKind.PORT, "port_m").values_list("title", "port_m")
    ) == {
        "Lager i Törsjö": None,
        "Lager vid terminalen": None,
    }


def test_a_new_landmark_changes_a_cached_search_at_once(client, two, landmarks):
    query = {"airport_km": "3"}
    assert titles(client.get("/sv/premises/", query)) == set()
    LandmarkFactory(
        kind=LandmarkKind.AIRPORT, name="Hallsbergs flygfält", location=wgs84_point(15.1310, 59.0730)
    )
    assert titles(client.get("/sv/premises/", query)) == {"Lager vid terminalen"}
