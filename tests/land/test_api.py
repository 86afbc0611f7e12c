"""The GeoJSON layer and the CSV export use the search's filters."""

import csv
import io
import json

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from land.geojson import METRES_PER_PIXEL_Z0
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle

GEOJSON = "/api/land.geojson"


@pytest.fixture
def two_plots(plot_factory, orebro, hallsberg):
    return (
        # Placed explicitly: the factory's default moves each plot 1 km east of the last,
        # which after a few hundred plots in one run is outside the county.
        plot_factory(
            name="Törsjö 6:12",
            municipality=orebro,
            purposes=["logistics", "industry"],
            price_sek_per_m2=350,
            geom=rectangle(OREBRO_E, OREBRO_N, 100, 100),
        ),
        plot_factory(
            name="Samsala 1:85",
            municipality=hallsberg,
            purposes=["industry"],
            price_sek_per_m2=None,
            geom=rectangle(OREBRO_E - 30000, OREBRO_N - 20000, 100, 100),
        ),
    )


def test_geojson_has_polygons_in_wgs84_at_high_zoom(client, two_plots):
    response = client.get(f"{GEOJSON}?zoom=14")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2
    feature = next(f for f in body["features"] if f["properties"]["name"] == "Törsjö 6:12")
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 14 < lon < 17 and 58 < lat < 61
    assert feature["properties"] == {
        "id": two_plots[0].pk,
        "external_ref": two_plots[0].external_ref,
        "municipality_code": "1880",
        "name": "Törsjö 6:12",
        "area_name": "Logistikcentrum etapp 3",
        "area_m2": 10000,
        "purposes": ["industry", "logistics"],
        "price_sek_per_m2": 350.0,
        "plan_status": "in_force",
        "url": f"/sv/land/{two_plots[0].pk}/",
    }


def test_geojson_has_centroid_points_at_low_zoom(client, two_plots):
    body = client.get(f"{GEOJSON}?zoom=8").json()
    assert body["count"] == 2
    assert {f["geometry"]["type"] for f in body["features"]} == {"Point"}
    # The point lies on the plot.
    feature = next(f for f in body["features"] if f["id"] == two_plots[0].pk)
    point = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326).transform(3006, clone=True)
    assert two_plots[0].geom.buffer(1).contains(point)


def test_geojson_without_zoom_gives_full_polygons(client, two_plots):
    body = client.get(GEOJSON).json()
    assert {f["geometry"]["type"] for f in body["features"]} == {"MultiPolygon"}


def test_geojson_simplifies_in_the_database_by_zoom_or_parameter(client, plot_factory, orebro):
    # A 1 km square whose edges wobble by 1 m every 10 m: 400 extra vertices.
    ring = []
    for i in range(100):
        ring.append((OREBRO_E + i * 10, OREBRO_N + (i % 2)))
    for i in range(100):
        ring.append((OREBRO_E + 1000 - (i % 2), OREBRO_N + i * 10))
    ring += [(OREBRO_E + 1000, OREBRO_N + 1000), (OREBRO_E, OREBRO_N + 1000), ring[0]]
    plot_factory(municipality=orebro, geom=MultiPolygon(Polygon(ring), srid=3006))

    def vertices(query):
        body = client.get(f"{GEOJSON}?{query}").json()
        return len(body["features"][0]["geometry"]["coordinates"][0][0])

    assert vertices("") == len(ring)
    assert vertices("zoom=18") == len(ring)  # 0.3 m per pixel keeps the wobble
    assert vertices("zoom=12") <= 6  # 20 m per pixel does not
    assert vertices("simplify=5") <= 6
    assert vertices("zoom=12&simplify=0") == len(ring)


def test_tolerance_is_about_one_pixel():
    assert 75 < METRES_PER_PIXEL_Z0 / 2**10 < 85


def test_geojson_uses_the_search_filters(client, two_plots):
    body = client.get(f"{GEOJSON}?purpose=logistics&zoom=12").json()
    assert body["count"] == 1
    assert body["features"][0]["properties"]["name"] == "Törsjö 6:12"
    assert client.get(f"{GEOJSON}?municipality=1861").json()["count"] == 1


def test_geojson_lists_every_hit_not_one_page(client, plot_factory, orebro, settings):
    settings.SEARCH_PAGE_SIZE = 2
    for _ in range(5):
        plot_factory(municipality=orebro)
    assert client.get(GEOJSON).json()["count"] == 5


def test_geojson_url_follows_the_language(client, two_plots):
    body = client.get(f"{GEOJSON}?lang=en").json()
    assert body["features"][0]["properties"]["url"].startswith("/en/land/")


@pytest.mark.parametrize(
    "query, field",
    [
        ("zoom=30", "zoom"),
        ("zoom=x", "zoom"),
        ("simplify=-1", "simplify"),
        ("area_min_ha=x", "area_min_ha"),
        ("bbox=1,2,3,4,5", "bbox"),
        ("within_km=3", "landmark_kind"),
        ("lang=fi", "lang"),
    ],
)
def test_geojson_rejects_invalid_parameters_with_400(client, two_plots, query, field):
    response = client.get(f"{GEOJSON}?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_geojson_query_count_is_fixed(client, plot_factory, orebro, django_assert_max_num_queries):
    plot_factory(municipality=orebro)
    # The data versions (response cache), the municipality choices and the plots.
    with django_assert_max_num_queries(3) as few:
        client.get(f"{GEOJSON}?zoom=12")
    for _ in range(20):
        plot_factory(municipality=orebro)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"{GEOJSON}?zoom=12").json()
    assert body["count"] == 21


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_wkt_and_centroid_in_wgs84(client, two_plots):
    response = client.get("/sv/land/export.csv?purpose=logistics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "Törsjö 6:12"
    assert row["municipality_code"] == "1880"
    assert row["area_m2"] == "10000"
    assert row["purposes"] == "industry,logistics"
    geom = GEOSGeometry(row["wkt_wgs84"], srid=4326)
    assert geom.geom_type == "MultiPolygon"
    assert geom.transform(3006, clone=True).area == pytest.approx(10000, rel=1e-3)
    lat, lon = float(row["centroid_lat"]), float(row["centroid_lon"])
    assert geom.buffer(0.0001).contains(GEOSGeometry(f"POINT({lon} {lat})", srid=4326))
    assert row["url"].endswith(f"/sv/land/{two_plots[0].pk}/")


def test_csv_neutralises_spreadsheet_formulas(client, plot_factory, orebro):
    plot_factory(municipality=orebro, name='=HYPERLINK("http://evil")')
    rows = read_csv(client.get("/sv/land/export.csv"))
    assert rows[0]["name"].startswith("'=")


def test_csv_rejects_invalid_parameters_with_400(client, two_plots):
    response = client.get("/sv/land/export.csv?price_max=cheap")
    assert response.status_code == 400
    assert "price_max" in response.content.decode()


def test_geojson_groups_many_dots_into_clusters_whose_counts_add_up(
    client, plot_factory, orebro, monkeypatch
):
    monkeypatch.setattr("land.geojson.MAX_POINTS", 3)
    plots = [plot_factory(municipality=orebro) for _ in range(5)]  # within 5 km of each other
    body = client.get(f"{GEOJSON}?zoom=6").json()
    assert body["clustered"] is True
    assert body["count"] == 5
    clusters = [f for f in body["features"] if f["properties"].get("cluster")]
    assert (
        clusters
        and sum(f["properties"]["count"] for f in clusters) + (len(body["features"]) - len(clusters)) == 5
    )
    # Close up the same plots are polygons again, never clusters.
    close = client.get(f"{GEOJSON}?zoom=14").json()
    assert close["clustered"] is False
    assert {f["properties"]["id"] for f in close["features"]} == {p.pk for p in plots}


def test_geojson_clusters_keep_a_fixed_query_count(
    client, plot_factory, orebro, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("land.geojson.MAX_POINTS", 3)
    for _ in range(8):
        plot_factory(municipality=orebro)
    with django_assert_max_num_queries(4):
        assert client.get(f"{GEOJSON}?zoom=6").json()["count"] == 8
