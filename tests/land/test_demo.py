"""`manage.py demo_land`: plausible plots in every municipality, inside its boundary."""

import pytest
from django.core.management import call_command

from land.models import Landmark, LandPlot


@pytest.fixture
def demo(county_with_boundaries):
    call_command("demo_land", verbosity=0)
    return county_with_boundaries


def test_demo_has_plots_in_every_municipality_inside_its_boundary(demo):
    assert LandPlot.objects.visible().count() >= 25
    assert set(LandPlot.objects.values_list("municipality__code", flat=True)) == set(demo)
    for plot in LandPlot.objects.select_related("municipality"):
        assert plot.municipality.boundary.contains(plot.geom.point_on_surface), plot.external_ref
        assert plot.geom.valid


def test_demo_has_big_logistics_land_by_the_terminals(demo):
    big = LandPlot.objects.visible().with_any_purpose(["logistics"]).filter(area_m2__gte=50000)
    assert set(big.values_list("municipality__code", flat=True)) >= {"1880", "1861"}
    near_terminal = big.near_landmark("rail_terminal", 5000)
    assert near_terminal.filter(municipality__code="1861").exists()
    assert near_terminal.filter(municipality__code="1880").exists()


def test_demo_has_industry_land_in_the_named_towns(demo):
    industry = LandPlot.objects.visible().with_any_purpose(["industry"])
    assert set(industry.values_list("municipality__code", flat=True)) >= {"1883", "1881", "1885", "1860"}


def test_demo_landmarks_are_the_real_ones(demo):
    names = set(Landmark.objects.values_list("name", flat=True))
    assert {"Hallsberg Kombiterminal", "Örebro Kombiterminal, Törsjö", "Örebro Airport (ORB)"} <= names
    assert Landmark.objects.filter(kind="motorway_junction").count() >= 8


def test_demo_can_run_again(demo):
    before = LandPlot.objects.count(), Landmark.objects.count()
    call_command("demo_land", verbosity=0)
    assert (LandPlot.objects.count(), Landmark.objects.count()) == before
