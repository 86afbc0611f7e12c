"""Every search filter, alone and combined, gives the same hits on the page, in GeoJSON and in CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db

# (query string, the refs it must find, in any order)
ALONE = [
    ("", {"OFF", "WH", "SHOP", "IND"}),
    ("municipality=1880", {"OFF", "IND"}),
    ("municipality=1880&municipality=1860", {"OFF", "SHOP", "IND"}),
    ("kind=warehouse", {"WH"}),
    ("kind=office&kind=retail", {"OFF", "SHOP"}),
    # The wanted size overlaps the premises' range.
    ("area_min=1000", {"WH", "IND"}),
    ("area_max=120", {"OFF"}),
    ("area_min=1500&area_max=2500", {"WH", "IND"}),
    ("area_min=120&area_max=140", set()),
    ("tenure=sale", {"SHOP"}),
    ("tenure=rent", {"OFF", "WH", "IND"}),
    ("rent_max=700", {"WH"}),
    ("rent_max=750", {"WH", "IND"}),
    ("price_max=1000000", set()),
    ("price_max=2000000", {"SHOP"}),
    # Empty available_from means available now.
    ("available_by=2027-01-01", {"OFF", "SHOP", "IND"}),
    ("available_by=2027-06-01", {"OFF", "WH", "SHOP", "IND"}),
    ("amenity=parking", {"OFF", "SHOP", "IND"}),
    ("amenity=parking&amenity=loading_dock", {"IND"}),  # all chosen must match
    ("amenity=rail_siding&amenity=high_ceiling&amenity=loading_dock", {"WH"}),
    ("q=lager", {"WH"}),
    ("q=törsjö", {"IND"}),  # title, case-insensitive
    ("q=Samzonvägen", {"WH"}),  # street
    ("q=Laxå", {"SHOP"}),  # locality
    ("q=centrum", {"OFF"}),  # Swedish description
    ("bbox=15.0,59.15,15.4,59.35", {"OFF", "IND"}),
    ("near=59.2741,15.2066&radius_km=10", {"OFF", "IND"}),
    ("near=59.2741,15.2066&radius_km=2", {"OFF"}),
    ("near=59.2741,15.2066", {"OFF", "WH", "SHOP", "IND"}),
    ("unknown=whatever&page=1", {"OFF", "WH", "SHOP", "IND"}),  # unknown parameters are ignored
]

COMBINED = [
    (
        "municipality=1880&kind=industrial&area_min=1000&amenity=loading_dock&tenure=rent&rent_max=800",
        {"IND"},
    ),
    ("municipality=1880&municipality=1861&kind=warehouse&kind=industrial&available_by=2027-01-01", {"IND"}),
    ("near=59.2741,15.2066&radius_km=50&tenure=rent&amenity=parking&sort=distance", {"OFF", "IND"}),
    ("bbox=14.0,58.8,15.5,59.4&q=butik&tenure=sale&price_max=3000000", {"SHOP"}),
    ("kind=office&kind=warehouse&area_max=3000&area_min=50&rent_max=1500&amenity=fibre", {"OFF"}),
    ("municipality=1860&kind=office", set()),
]


def refs_on_page(client, query):
    response = client.get(f"/sv/premises/?{query}")
    assert response.status_code == 200
    assert response.context["page"] is not None, response.context["form"].errors
    return [p.external_ref for p in response.context["page"].object_list]


def refs_in_geojson(client, query):
    response = client.get(f"/api/premises.geojson?{query}")
    assert response.status_code == 200, response.content
    data = response.json()
    refs = [f["properties"]["external_ref"] for f in data["features"]]
    assert data["count"] == len(refs)
    return refs


def refs_in_csv(client, query):
    response = client.get(f"/sv/premises/export.csv?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["external_ref"] for row in csv.DictReader(io.StringIO(text))]


@pytest.mark.parametrize("query,expected", ALONE + COMBINED)
def test_filter_gives_the_same_hits_on_page_geojson_and_csv(client, catalogue, query, expected):
    assert set(refs_on_page(client, query)) == expected
    assert set(refs_in_geojson(client, query)) == expected
    assert set(refs_in_csv(client, query)) == expected


@pytest.mark.parametrize(
    "sort,order",
    [
        ("", ["OFF", "WH", "SHOP", "IND"]),  # newest published first
        ("newest", ["OFF", "WH", "SHOP", "IND"]),
        ("area_asc", ["OFF", "SHOP", "IND", "WH"]),
        ("area_desc", ["WH", "IND", "SHOP", "OFF"]),
        ("rent_asc", ["WH", "IND", "OFF", "SHOP"]),  # without a rent last
    ],
)
def test_sort_orders_the_list(client, catalogue, sort, order):
    assert refs_on_page(client, f"sort={sort}") == order


def test_sort_by_distance_from_a_position(client, catalogue):
    # From Hallsberg: the terminal, then Törsjö and central Örebro, then Laxå.
    assert refs_on_page(client, "near=59.0664,15.1104&sort=distance") == ["WH", "IND", "OFF", "SHOP"]


def test_distance_is_shown_on_the_cards(client, catalogue):
    response = client.get("/sv/premises/?near=59.2741,15.2066&radius_km=10&sort=distance")
    assert "km bort" in response.content.decode()
    distances = [p.distance.km for p in response.context["page"].object_list]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert 5 < distances[1] < 7  # Törsjö is about 6 km from the centre


def test_pagination_keeps_the_filters(client, catalogue, settings):
    settings.SEARCH_PAGE_SIZE = 2
    response = client.get("/sv/premises/?tenure=rent&sort=area_asc")
    html = response.content.decode()
    assert [p.external_ref for p in response.context["page"].object_list] == ["OFF", "IND"]
    assert 'href="?tenure=rent&amp;sort=area_asc&amp;page=2"' in html
    second = client.get("/sv/premises/?tenure=rent&sort=area_asc&page=2")
    assert [p.external_ref for p in second.context["page"].object_list] == ["WH"]
    # The map and the CSV link get the filters but not the page.
    assert 'data-query="?tenure=rent&amp;sort=area_asc"' in second.content.decode()
    assert 'premises/export.csv?tenure=rent&amp;sort=area_asc"' in second.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(client, catalogue, settings):
    settings.SEARCH_PAGE_SIZE = 3
    for page in ("99", "abc", "-1"):
        response = client.get(f"/sv/premises/?page={page}")
        assert response.status_code == 200


def test_hidden_listings_are_never_found(client, catalogue):
    for query in ("q=Utkast", "q=Gammal", "municipality=1880"):
        found = refs_on_page(client, query) + refs_in_geojson(client, query) + refs_in_csv(client, query)
        assert "DRAFT" not in found and "STALE" not in found


def test_no_filter_makes_the_query_distinct(catalogue):
    """The search's rule (brorebro.search): no filter joins a to-many relation, so none adds DISTINCT."""
    from django.http import QueryDict

    from premises.filters import PremisesFilterSet
    from premises.models import Premises

    query = QueryDict("municipality=1880&municipality=1860&kind=office&kind=retail&amenity=parking")
    filterset = PremisesFilterSet(query, queryset=Premises.objects.visible())
    assert filterset.is_valid(), filterset.errors
    assert "DISTINCT" not in str(filterset.qs.query).upper()
    assert filterset.qs.count() >= 1
