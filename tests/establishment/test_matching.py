"""Matching with hand-built listings: hard criteria, each near-miss reason, score order, distances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from establishment import matching
from establishment.matching import MET, NEAR_MISS, NOT_MET, match
from land.models import LandmarkKind
from premises.models import Kind, PremisesStatus, Tenure
from tests.establishment.conftest import E0, N0, at


def rect(dx: float, dy: float, width: float, height: float) -> MultiPolygon:
    return MultiPolygon(
        Polygon.from_bbox((E0 + dx, N0 + dy, E0 + dx + width, N0 + dy + height)), srid=settings.SRID
    )


@pytest.fixture
def junction(landmark_factory):
    return landmark_factory(
        kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 trafikplats Blacksta", location=at(0)
    )


@pytest.fixture
def warehouse_request(request_factory, laxa):
    return request_factory(
        wants="premises",
        premises_kinds=[Kind.WAREHOUSE],
        area_min_m2=2000,
        area_max_m2=5000,
        amenities=["loading_dock"],
        max_km_motorway=Decimal("10"),
    )


def warehouse(premises_factory, municipality, **kwargs):
    defaults = {
        "municipality": municipality,
        "kind": Kind.WAREHOUSE,
        "area_min_m2": 3000,
        "area_max_m2": 3000,
        "has_loading_dock": True,
        "location": at(4200),
        "rent_sek_per_m2_year": 700,
    }
    defaults.update(kwargs)
    return premises_factory(**defaults)


def by_title(candidates):
    return {c.title: c for c in candidates}


def test_a_listing_that_meets_every_hard_criterion_is_a_match(
    warehouse_request, premises_factory, laxa, junction
):
    fits = warehouse(premises_factory, laxa, title="Lager Laxå")
    result = match(warehouse_request)
    assert [c.listing.pk for c in result.matches] == [fits.pk]
    assert result.near_misses == []
    assert all(check.status == MET for check in result.matches[0].checks)
    assert result.municipality_ids == {laxa.pk}


def test_listings_failing_two_criteria_or_not_public_are_left_out(
    warehouse_request, premises_factory, laxa, junction
):
    warehouse(premises_factory, laxa, title="Kontor", kind=Kind.OFFICE, area_min_m2=100, area_max_m2=100)
    warehouse(premises_factory, laxa, title="Utkast", status=PremisesStatus.DRAFT)
    result = match(warehouse_request)
    assert result.matches == [] and result.near_misses == []


@pytest.mark.parametrize(
    ("reason", "changes", "status"),
    [
        ("kind", {"kind": Kind.OFFICE}, NOT_MET),
        ("area", {"area_min_m2": 1800, "area_max_m2": 1800}, NEAR_MISS),
        ("area", {"area_min_m2": 500, "area_max_m2": 500}, NOT_MET),
        ("amenities", {"has_loading_dock": False}, NOT_MET),
        ("distance_motorway_junction", {"location": at(11_000)}, NEAR_MISS),
        ("distance_motorway_junction", {"location": at(30_000)}, NOT_MET),
    ],
)
def test_each_premises_near_miss_names_the_one_failed_criterion(
    warehouse_request, premises_factory, laxa, junction, reason, changes, status
):
    warehouse(premises_factory, laxa, title="Nästan", **changes)
    result = match(warehouse_request)
    assert result.matches == []
    [miss] = result.near_misses
    assert miss.failed == reason
    assert miss.failed_check.status == status
    assert [c.key for c in miss.checks if c.status != MET] == [reason]


@pytest.mark.parametrize(
    ("request_changes", "listing_changes", "reason"),
    [
        ({"tenure": "buy"}, {}, "tenure"),
        ({"rent_budget": 600}, {"rent_sek_per_m2_year": 700}, "budget"),
        ({"wanted_by": dt.date(2027, 1, 1)}, {"available_from": dt.date(2027, 3, 1)}, "available"),
    ],
)
def test_terms_and_dates_near_misses(
    warehouse_request, premises_factory, laxa, junction, request_changes, listing_changes, reason
):
    for name, value in request_changes.items():
        setattr(warehouse_request, name, value)
    warehouse_request.save()
    warehouse(premises_factory, laxa, title="Villkor", tenure=Tenure.RENT, **listing_changes)
    [miss] = match(warehouse_request).near_misses
    assert miss.failed == reason


def test_a_chosen_municipality_is_a_hard_criterion(
    warehouse_request, premises_factory, laxa, orebro, junction
):
    warehouse_request.municipalities.set([orebro])
    warehouse(premises_factory, laxa, title="I Laxå")
    result = match(warehouse_request)
    assert result.matches == []
    assert result.near_misses[0].failed == "municipality"
    assert result.municipality_ids == set()


def test_matches_are_ranked_by_score(warehouse_request, premises_factory, laxa, junction):
    far_cheap = warehouse(
        premises_factory, laxa, title="Långt bort", location=at(9000), rent_sek_per_m2_year=500
    )
    close = warehouse(premises_factory, laxa, title="Nära", location=at(1000), rent_sek_per_m2_year=500)
    odd_size = warehouse(
        premises_factory, laxa, title="Udda", location=at(1000), area_min_m2=4900, area_max_m2=4900
    )
    result = match(warehouse_request)
    # The documented score: area 30 · (1 − |3 000 − 3 500| / 3 500) or (1 − 1 400 / 3 500), no budget
    # 25 · ½, available 10, distance 25 · (1 − km / 10), no nice-to-haves 10 · ½.
    assert [c.listing.pk for c in result.matches] == [close.pk, odd_size.pk, far_cheap.pk]
    assert [c.score for c in result.matches] == [76, 68, 56]


def test_premises_distances_match_a_reference(
    warehouse_request, premises_factory, laxa, junction, landmark_factory
):
    landmark_factory(kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 trafikplats Långt", location=at(-50_000))
    listing = warehouse(premises_factory, laxa, title="Lager", location=at(3000, 3000))
    [candidate] = match(warehouse_request).matches
    metres, name = candidate.distances[LandmarkKind.MOTORWAY_JUNCTION]
    reference = listing.location.distance(junction.location)  # GEOS, planar metres in SWEREF 99 TM
    assert metres == pytest.approx(reference, abs=0.01)
    assert reference == pytest.approx(4242.64, abs=0.01)
    assert name == "E20 trafikplats Blacksta"
    with translation.override("en"):
        [candidate] = match(warehouse_request).matches
        text = next(c.text for c in candidate.checks if c.key == "distance_motorway_junction")
    assert text == "4.2 km to E20 trafikplats Blacksta (max 10 km)"


@pytest.fixture
def land_request(request_factory):
    return request_factory(
        wants="land",
        land_purposes=["logistics"],
        land_area_min_ha=Decimal("1"),
        land_area_max_ha=Decimal("3"),
        land_rail=True,
        land_water_sewer=True,
        land_min_kw=500,
        land_price_budget=400,
        max_km_rail_terminal=Decimal("5"),
    )


@pytest.fixture
def terminal(landmark_factory):
    return landmark_factory(kind=LandmarkKind.RAIL_TERMINAL, name="Hallsbergs kombiterminal", location=at(0))


def plot(plot_factory, municipality, **kwargs):
    defaults = {
        "municipality": municipality,
        "purposes": ["logistics"],
        "geom": rect(2000, -100, 200, 100),  # 2 ha, 2 km east of the terminal
        "rail_siding_possible": True,
        "water_sewer": True,
        "electricity_kw": 800,
        "price_sek_per_m2": 300,
    }
    defaults.update(kwargs)
    return plot_factory(**defaults)


def test_land_distances_are_measured_from_the_plot_boundary(land_request, plot_factory, laxa, terminal):
    listing = plot(plot_factory, laxa, name="Tomt 1:1", geom=rect(3000, 400, 150, 100))
    [candidate] = match(land_request).matches
    metres, name = candidate.distances[LandmarkKind.RAIL_TERMINAL]
    assert metres == pytest.approx(listing.geom.distance(terminal.location), abs=0.01)
    assert metres == pytest.approx((3000**2 + 400**2) ** 0.5, abs=0.01)
    assert name == "Hallsbergs kombiterminal"


@pytest.mark.parametrize(
    ("reason", "changes"),
    [
        ("purpose", {"purposes": ["retail"]}),
        ("area", {"geom": rect(2000, -100, 500, 500)}),
        ("budget", {"price_sek_per_m2": 450}),
        ("rail", {"rail_siding_possible": False}),
        ("water_sewer", {"water_sewer": False}),
        ("electricity", {"electricity_kw": 400}),
        ("distance_rail_terminal", {"geom": rect(5500, -100, 200, 100)}),
    ],
)
def test_each_land_near_miss_names_the_one_failed_criterion(
    land_request, plot_factory, laxa, terminal, reason, changes
):
    plot(plot_factory, laxa, **changes)
    result = match(land_request)
    assert result.matches == []
    [miss] = result.near_misses
    assert miss.failed == reason
    assert [c.key for c in miss.checks if c.status != MET] == [reason]


def test_matching_takes_the_same_number_of_queries_for_one_listing_or_many(
    warehouse_request, premises_factory, plot_factory, laxa, junction
):
    warehouse_request.wants = "either"
    warehouse_request.save()
    warehouse(premises_factory, laxa, title="Ett")
    plot(plot_factory, laxa)
    match(warehouse_request)  # warm the caches (municipality choices, spatial reference systems)
    with CaptureQueriesContext(connection) as one:
        match(warehouse_request)
    for n in range(15):
        warehouse(premises_factory, laxa, title=f"Lager {n}", location=at(100 * n))
        plot(plot_factory, laxa, geom=rect(2000 + 300 * n, -100, 200, 100))
    with CaptureQueriesContext(connection) as many:
        result = match(warehouse_request)
    assert len(result.matches) == 16 + 16
    # Per kind: the municipality choices of each criterion's FilterSet (cached), one query that
    # selects the listings, one for their figures (and one for the premises' photos); one for
    # the landmarks' names.
    assert len(many.captured_queries) == len(one.captured_queries) <= 14


@pytest.fixture
def two_limits(request_factory, laxa, landmark_factory):
    """A warehouse request with two distance limits: a junction within 10 km, an airport within 20 km."""
    landmark_factory(kind=LandmarkKind.MOTORWAY_JUNCTION, name="E20 trafikplats Blacksta", location=at(0))
    landmark_factory(kind=LandmarkKind.AIRPORT, name="Örebro flygplats", location=at(0, 15_000))
    return request_factory(
        wants="premises",
        premises_kinds=[Kind.WAREHOUSE],
        max_km_motorway=Decimal("10"),
        max_km_airport=Decimal("20"),
    )


def test_with_two_distance_limits_a_listing_may_miss_one_of_them(two_limits, premises_factory, laxa):
    both = warehouse(premises_factory, laxa, title="Nära båda", location=at(2000, 2000))
    no_airport = warehouse(premises_factory, laxa, title="Nära motorvägen", location=at(2000, -9000))
    no_junction = warehouse(premises_factory, laxa, title="Nära flygplatsen", location=at(0, 27_000))
    warehouse(premises_factory, laxa, title="Långt från båda", location=at(60_000, -60_000))
    warehouse(
        premises_factory, laxa, title="Kontor nära motorvägen", kind=Kind.OFFICE, location=at(2000, -9000)
    )
    result = match(two_limits)
    assert [c.listing.pk for c in result.matches] == [both.pk]
    assert {c.listing.pk: c.failed for c in result.near_misses} == {
        no_airport.pk: "distance_airport",
        no_junction.pk: "distance_motorway_junction",
    }
    far = by_title(result.near_misses)["Nära flygplatsen"].distances[LandmarkKind.MOTORWAY_JUNCTION]
    assert far == (pytest.approx(27_000, abs=0.01), "E20 trafikplats Blacksta")


def test_the_nearest_landmark_is_named_the_first_by_name_of_those_at_one_place(
    warehouse_request, premises_factory, laxa, landmark_factory
):
    landmark_factory(kind=LandmarkKind.MOTORWAY_JUNCTION, name="Trafikplats B", location=at(0))
    landmark_factory(kind=LandmarkKind.MOTORWAY_JUNCTION, name="Trafikplats A", location=at(0))
    landmark_factory(
        kind=LandmarkKind.MOTORWAY_JUNCTION, name="Trafikplats 0 (längre bort)", location=at(-9000)
    )
    landmark_factory(kind=LandmarkKind.AIRPORT, name="Flygplats", location=at(5000, 5000))
    warehouse(premises_factory, laxa, title="Lager", location=at(3000))
    [candidate] = match(warehouse_request).matches
    assert candidate.distances[LandmarkKind.MOTORWAY_JUNCTION] == (
        pytest.approx(3000, abs=0.01),
        "Trafikplats A",
    )
    assert candidate.distances[LandmarkKind.AIRPORT][1] == "Flygplats"
    assert LandmarkKind.PORT not in candidate.distances  # no port is known


def test_each_criterion_is_a_column_of_the_query_that_reads_the_listings(
    warehouse_request, premises_factory, laxa, orebro, junction
):
    """Each criterion is a column of the one query that reads the listings, not a scan of its own."""
    warehouse_request.municipalities.set([laxa, orebro])  # a criterion that joins the municipality
    warehouse_request.rent_budget = 900  # a criterion of two searches (rent or sale)
    warehouse_request.save()
    warehouse(premises_factory, laxa, title="Lager")
    with CaptureQueriesContext(connection) as queries:
        result = match(warehouse_request)
    assert [c.title for c in result.matches] == ["Lager"]
    [selecting] = [q["sql"] for q in queries.captured_queries if "fail_kind" in q["sql"]]
    table = connection.ops.quote_name("premises_premises")
    assert selecting.count(f"FROM {table}") == 1
    assert "fail_municipality" in selecting and "fail_budget" in selecting


def test_with_enough_matches_the_closest_in_area_are_found_without_scoring_every_listing(
    warehouse_request, premises_factory, laxa, junction, monkeypatch
):
    """The probe: MAX_ROWS matches among the PROBE_ROWS closest in area are the answer."""
    monkeypatch.setattr(matching, "MAX_ROWS", 3)
    monkeypatch.setattr(matching, "PROBE_ROWS", 5)
    area = {
        m2: warehouse(premises_factory, laxa, title=f"{m2} m²", area_min_m2=m2, area_max_m2=m2)
        for m2 in (3500, 3400, 3300, 3200, 3100)
    }
    warehouse(premises_factory, laxa, title="Kontor", kind=Kind.OFFICE, area_min_m2=3500, area_max_m2=3500)
    result = match(warehouse_request)
    assert {c.listing.pk for c in result.matches} == {area[3500].pk, area[3400].pk, area[3300].pk}
    assert result.near_misses == []


def test_when_the_closest_in_area_miss_a_limit_every_listing_is_scored(
    warehouse_request, premises_factory, laxa, junction, monkeypatch
):
    """Too few matches among those the probe reads: the answer is that of scoring them all."""
    monkeypatch.setattr(matching, "MAX_ROWS", 2)
    monkeypatch.setattr(matching, "PROBE_ROWS", 2)
    warehouse(
        premises_factory,
        laxa,
        title="Rätt storlek, långt bort",
        area_min_m2=3500,
        area_max_m2=3500,
        location=at(30_000),
    )
    warehouse(
        premises_factory,
        laxa,
        title="Nästan rätt, långt bort",
        area_min_m2=3450,
        area_max_m2=3450,
        location=at(31_000),
    )
    fits = warehouse(premises_factory, laxa, title="Passar", area_min_m2=3000, area_max_m2=3000)
    also = warehouse(premises_factory, laxa, title="Passar också", area_min_m2=2500, area_max_m2=2500)
    result = match(warehouse_request)
    assert [c.listing.pk for c in result.matches] == [fits.pk, also.pk]
    assert result.near_misses == []  # the cap is reached by the matches
    monkeypatch.setattr(matching, "MAX_ROWS", 3)
    result = match(warehouse_request)
    assert [c.title for c in result.near_misses] == ["Rätt storlek, långt bort"]
    assert result.near_misses[0].failed == "distance_motorway_junction"
