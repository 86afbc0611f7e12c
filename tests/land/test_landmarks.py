"""Distances to transport landmarks: the search filter and the detail page (both databases)."""

import pytest
from django.contrib.gis.geos import Point

from land.models import Landmark, LandPlot
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle


@pytest.fixture
def terminal(landmark_factory):
    return landmark_factory(
        kind="rail_terminal", name="Kombiterminal", location=Point(OREBRO_E, OREBRO_N, srid=3006)
    )


@pytest.fixture
def spread(plot_factory, orebro):
    """Plots whose nearest edge is 2, 4.5 and 9 km east of the terminal."""
    return {
        km: plot_factory(
            name=f"{km} km", municipality=orebro, geom=rectangle(OREBRO_E + km * 1000, OREBRO_N, 300, 300)
        )
        for km in (2, 4.5, 9)
    }


def test_near_landmark_measures_from_the_plot_edge_in_metres(terminal, spread):
    assert set(LandPlot.objects.near_landmark("rail_terminal", 5000)) == {spread[2], spread[4.5]}
    assert set(LandPlot.objects.near_landmark("rail_terminal", 4400)) == {spread[2]}
    assert set(LandPlot.objects.near_landmark("airport", 50000)) == set()


@pytest.mark.parametrize(
    "km, expected",
    [("1", []), ("2.5", ["2 km"]), ("5", ["2 km", "4.5 km"]), ("10", ["2 km", "4.5 km", "9 km"])],
)
def test_within_km_of_a_kind_of_landmark(client, terminal, spread, km, expected):
    response = client.get(f"/sv/land/?landmark_kind=rail_terminal&within_km={km}&sort=name")
    assert [p.name for p in response.context["page"].object_list] == expected


def test_any_landmark_of_the_kind_counts(client, landmark_factory, spread, orebro):
    landmark_factory(
        kind="airport", name="Flygplats", location=Point(OREBRO_E + 9500, OREBRO_N + 150, srid=3006)
    )
    landmark_factory(
        kind="airport", name="Annan flygplats", location=Point(OREBRO_E + 1000, OREBRO_N + 150, srid=3006)
    )
    response = client.get("/sv/land/?landmark_kind=airport&within_km=1.5&sort=name")
    assert [p.name for p in response.context["page"].object_list] == ["2 km", "9 km"]


def test_other_kinds_do_not_count(client, terminal, spread, landmark_factory):
    landmark_factory(kind="airport", name="Flygplats", location=Point(OREBRO_E + 9000, OREBRO_N, srid=3006))
    response = client.get("/sv/land/?landmark_kind=rail_terminal&within_km=3")
    assert [p.name for p in response.context["page"].object_list] == ["2 km"]


def test_nearest_landmark_of_each_kind_is_found_in_the_database(terminal, spread, landmark_factory):
    landmark_factory(
        kind="rail_terminal", name="Fjärran terminal", location=Point(OREBRO_E + 50000, OREBRO_N, srid=3006)
    )
    landmark_factory(
        kind="airport", name="Flygplats", location=Point(OREBRO_E + 2000 + 150, OREBRO_N + 3300, srid=3006)
    )
    rows = Landmark.objects.nearest_each_kind(spread[2].geom)
    assert [(r["kind"], r["name"]) for r in rows] == [
        ("rail_terminal", "Kombiterminal"),
        ("airport", "Flygplats"),
    ]
    assert rows[0]["km"] == pytest.approx(2.0)
    assert rows[1]["km"] == pytest.approx(3.0)
    assert rows[0]["lon"] == pytest.approx(15.26, abs=0.05) and rows[0]["lat"] == pytest.approx(
        59.27, abs=0.05
    )


def test_detail_page_shows_the_distances_in_km(client, terminal, spread):
    html = client.get(f"/sv/land/{spread[4.5].pk}/").content.decode()
    assert "Kombiterminal" in html
    assert "4,5" in html


def test_nearest_first_sorts_by_distance_and_the_list_shows_it(client, terminal, spread):
    response = client.get("/sv/land/?landmark_kind=rail_terminal&within_km=10&sort=distance")
    assert [p.name for p in response.context["page"].object_list] == ["2 km", "4.5 km", "9 km"]
    html = response.content.decode()
    assert "2,0 km till närmaste kombiterminal" in html
    assert "4,5 km till närmaste kombiterminal" in html
    html = client.get("/en/land/?landmark_kind=rail_terminal&within_km=10&sort=distance").content.decode()
    assert "4.5 km to the nearest intermodal rail terminal" in html


def test_with_distance_to_is_the_nearest_of_the_kind(terminal, spread, landmark_factory):
    landmark_factory(
        kind="rail_terminal",
        name="Närmare",
        location=Point(OREBRO_E + 9300 + 1000, OREBRO_N + 150, srid=3006),
    )
    distances = {p.name: p.landmark_distance_m for p in LandPlot.objects.with_distance_to("rail_terminal")}
    assert distances == {
        "2 km": pytest.approx(2000),
        "4.5 km": pytest.approx(4500),
        "9 km": pytest.approx(1000),
    }


def test_sorting_by_distance_needs_a_kind_of_place(client, spread):
    response = client.get("/sv/land/?sort=distance")
    assert "sort" in response.context["form"].errors
