"""/api/premises.geojson and /<lang>/premises/export.csv: content, clustering and re-import."""

from __future__ import annotations

import csv
import io

import pytest

from brorebro.importing import read_csv_bytes
from premises import geojson
from premises.importing import COLUMNS, OPTIONAL_COLUMNS, PremisesImporter
from premises.models import Premises

pytestmark = pytest.mark.django_db

ISSUE_PROPERTIES = {
    "id",
    "external_ref",
    "municipality_code",
    "title",
    "kind",
    "area_min_m2",
    "area_max_m2",
    "tenure",
    "rent_sek_per_m2_year",
    "price_sek",
    "url",
}


def test_geojson_is_a_feature_collection_in_wgs84(client, catalogue):
    data = client.get("/api/premises.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert data["count"] == 4 and data["clustered"] is False
    features = {f["properties"]["external_ref"]: f for f in data["features"]}
    office = features["OFF"]
    assert office["geometry"]["type"] == "Point"
    lon, lat = office["geometry"]["coordinates"]
    assert lon == pytest.approx(15.2066, abs=1e-6) and lat == pytest.approx(59.2741, abs=1e-6)
    props = office["properties"]
    assert ISSUE_PROPERTIES <= set(props)
    premises = catalogue["OFF"]
    assert props == {
        "id": premises.pk,
        "external_ref": "OFF",
        "municipality_code": "1880",
        "title": "Kontor vid Järntorget",
        "title_en": "",
        "kind": "office",
        "locality": "Örebro",
        "area_min_m2": 100,
        "area_max_m2": 100,
        "tenure": "rent",
        "rent_sek_per_m2_year": 1200,
        "price_sek": None,
        "url": f"http://testserver/sv/premises/{premises.pk}/",
    }
    assert features["SHOP"]["properties"]["price_sek"] == 2_000_000


def test_geojson_links_to_the_language_of_the_request(client, catalogue):
    data = client.get("/api/premises.geojson", HTTP_ACCEPT_LANGUAGE="en").json()
    assert all("/en/premises/" in f["properties"]["url"] for f in data["features"])


def test_geojson_clusters_at_low_zoom_and_the_counts_add_up(client, catalogue):
    data = client.get("/api/premises.geojson?zoom=5").json()
    assert data["clustered"] is True
    assert data["count"] == 4
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    assert clusters, "at zoom 5 the Örebro premises share a cell"
    assert sum(f["properties"].get("count", 1) for f in data["features"]) == 4
    for cluster in clusters:
        assert set(cluster["properties"]) == {"cluster", "count"}
        lon, lat = cluster["geometry"]["coordinates"]
        assert 14 < lon < 16 and 58 < lat < 60
    # A cell with one premises is an ordinary point with its facts.
    singles = [f for f in data["features"] if not f["properties"].get("cluster")]
    assert all(ISSUE_PROPERTIES <= set(f["properties"]) for f in singles)


def test_geojson_at_street_level_gives_points(client, catalogue):
    data = client.get("/api/premises.geojson?zoom=15").json()
    assert data["clustered"] is False
    assert len(data["features"]) == 4


def test_geojson_clusters_the_whole_set_when_there_are_too_many_points(client, catalogue, monkeypatch):
    monkeypatch.setattr(geojson, "MAX_POINTS", 2)
    data = client.get("/api/premises.geojson?zoom=15").json()
    assert data["clustered"] is True
    assert data["count"] == 4  # still every hit, as clusters and single points
    assert sum(f["properties"].get("count", 1) for f in data["features"]) == 4


def test_geojson_view_keeps_fine_cells_on_screen_and_coarse_ones_elsewhere(client, catalogue, monkeypatch):
    monkeypatch.setattr(geojson, "MAX_POINTS", 2)
    # On screen: central Örebro only. Törsjö (6 km away) would be its own cell at zoom 13.
    data = client.get("/api/premises.geojson?zoom=13&view=15.19,59.26,15.23,59.29").json()
    assert data["clustered"] is True and data["count"] == 4
    refs = {f["properties"].get("external_ref") for f in data["features"]}
    assert "OFF" in refs  # a single point on screen
    off_screen = [f for f in data["features"] if f["properties"].get("cluster")]
    assert sum(f["properties"]["count"] for f in off_screen) == 3  # the rest, in coarse cells
    assert sum(f["properties"].get("count", 1) for f in data["features"]) == 4


def test_geojson_rejects_a_bad_view(client, catalogue):
    response = client.get("/api/premises.geojson?zoom=13&view=15.3,59.3,15.2,59.2")
    assert response.status_code == 400
    assert "view" in response.json()["errors"]


def test_geojson_applies_the_filters_to_clusters_too(client, catalogue):
    data = client.get("/api/premises.geojson?zoom=5&municipality=1880").json()
    assert data["count"] == 2


def test_csv_has_the_import_columns_plus_url(client, catalogue):
    response = client.get("/sv/premises/export.csv?municipality=1860")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == COLUMNS + OPTIONAL_COLUMNS + ["url"]
    shop = catalogue["SHOP"]
    assert rows == [
        {
            **{column: "" for column in COLUMNS + OPTIONAL_COLUMNS},
            "external_ref": "SHOP",
            "municipality_code": "1860",
            "title": "Butik i Laxå",
            "kind": "retail",
            "street": "Postgatan 6",
            "postal_code": "702 10",
            "locality": "Laxå",
            "lat": "58.985500",
            "lon": "14.621000",
            "sweref_n": rows[0]["sweref_n"],
            "sweref_e": rows[0]["sweref_e"],
            "area_min_m2": "150",
            "area_max_m2": "150",
            "tenure": "sale",
            "price_sek": "2000000",
            "available_from": "2026-01-01",
            "description_sv": "Butik vid torget.",
            "contact_name": "Anna Andersson",
            "contact_email": "anna@example.se",
            "status": "published",
            "amenities": "parking,step_free",
            "url": f"http://testserver/sv/premises/{shop.pk}/",
        }
    ]
    assert float(rows[0]["sweref_n"]) == pytest.approx(shop.location.y, abs=0.01)
    assert float(rows[0]["sweref_e"]) == pytest.approx(shop.location.x, abs=0.01)


FIELDS_THAT_ROUND_TRIP = [
    "title",
    "kind",
    "street",
    "postal_code",
    "locality",
    "area_min_m2",
    "area_max_m2",
    "tenure",
    "rent_sek_per_m2_year",
    "price_sek",
    "available_from",
    "description_sv",
    "description_en",
    "contact_name",
    "contact_organisation",
    "contact_email",
    "contact_phone",
    "status",
    "has_parking",
    "has_loading_dock",
    "has_rail_siding",
    "has_fibre",
    "has_step_free",
    "has_three_phase",
]


def _snapshot():
    return {
        p.external_ref: ({name: getattr(p, name) for name in FIELDS_THAT_ROUND_TRIP}, p.location)
        for p in Premises.objects.visible()
    }


def test_an_export_can_be_imported_again(client, catalogue):
    data = b"".join(client.get("/sv/premises/export.csv").streaming_content)
    before = _snapshot()

    # Into the same database: every row matches, nothing changes.
    report = PremisesImporter().run(read_csv_bytes(data, "export.csv"))
    assert report.ok, [str(e) for e in report.errors]
    assert not report.updated and not report.created
    after = _snapshot()
    for ref, (fields, location) in before.items():
        assert after[ref][0] == fields
        assert after[ref][1].distance(location) < 0.01

    # Into an empty database: the same premises come back.
    Premises.objects.all().delete()
    report = PremisesImporter().run(read_csv_bytes(data, "export.csv"))
    assert report.ok and len(report.created) == 4
    recreated = _snapshot()
    assert {ref: fields for ref, (fields, _) in recreated.items()} == {
        ref: fields for ref, (fields, _) in before.items()
    }
