"""The search page and the GeoJSON endpoint cost the same number of queries for 3 hits or 60."""

from __future__ import annotations

import pytest

from premises import geojson
from premises.models import Kind, PremisesImage
from tests.premises.factories import PremisesFactory

pytestmark = pytest.mark.django_db

# + 1: the data versions of the response cache (brorebro.versions), read once per request.
SEARCH_PAGE_QUERIES = 6  # data versions, municipality choices, count, page, photos, (+1 spare)
# Municipality choices; points, or (past MAX_POINTS) clusters inside and outside the view
# and the single points among them.
GEOJSON_QUERIES = 6  # + the data versions


def make_premises(municipality, count: int) -> None:
    kinds = list(Kind.values)
    for i in range(count):
        premises = PremisesFactory(
            municipality=municipality,
            kind=kinds[i % len(kinds)],
            lon_lat=(15.0 + (i % 10) * 0.04, 59.1 + (i // 10) * 0.03),
            area_min_m2=50 + i,
            area_max_m2=500 + i,
            has_parking=i % 2 == 0,
        )
        PremisesImage.objects.bulk_create(
            PremisesImage(
                premises=premises,
                image=f"premises/photos/p{i}-{n}.jpg",
                width=640,
                height=480,
                alt_text_sv="Bild",
                order=n,
            )
            for n in range(2)
        )


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?kind=office&kind=warehouse&area_min=60&amenity=parking&sort=area_desc",
        "?near=59.2,15.1&radius_km=40&sort=distance&q=kontor",
    ],
)
def test_search_page_query_count_does_not_grow_with_hits(
    client, orebro, django_assert_max_num_queries, size, query
):
    make_premises(orebro, size)
    # Warm up caches that are per process, not per request (content types); another URL, so
    # that the measured request is not answered from the shared response cache.
    client.get("/sv/premises/?warm-up=1")
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get(f"/sv/premises/{query}")
    assert response.status_code == 200
    assert response.context["page"] is not None


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    "query",
    ["", "?zoom=6", "?zoom=9&kind=office&amenity=parking", "?zoom=14", "?zoom=14&view=15.0,59.1,15.1,59.2"],
)
def test_geojson_query_count_does_not_grow_with_hits(
    client, orebro, django_assert_max_num_queries, size, query, monkeypatch
):
    monkeypatch.setattr(geojson, "MAX_POINTS", 20)  # so that 60 hits exercise clustering at any zoom
    make_premises(orebro, size)
    with django_assert_max_num_queries(GEOJSON_QUERIES):
        response = client.get(f"/api/premises.geojson{query}")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == sum(f["properties"].get("count", 1) for f in data["features"])


def test_partial_results_are_the_list_alone(client, orebro):
    make_premises(orebro, 3)
    response = client.get("/sv/premises/?partial=1")
    html = response.content.decode()
    assert "<html" not in html and 'id="result-count"' in html
    assert response["X-Search-Valid"] == "1"
    ajax = client.get("/sv/premises/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert "<html" not in ajax.content.decode()
