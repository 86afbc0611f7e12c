"""The area is computed from the boundary in SWEREF 99 TM and never typed in."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from land.models import LandPlot
from tests.land.factories import OREBRO_E, OREBRO_N, rectangle


def test_area_of_a_100_by_200_metre_rectangle_is_20000_m2(plot_factory, orebro):
    plot = plot_factory(municipality=orebro, geom=rectangle(OREBRO_E, OREBRO_N, 100, 200))
    plot.refresh_from_db()
    assert plot.area_m2 == 20000
    assert plot.area_ha == 2.0


def test_area_follows_the_boundary_on_every_save(plot_factory, orebro):
    plot = plot_factory(municipality=orebro, geom=rectangle(OREBRO_E, OREBRO_N, 100, 100))
    plot.geom = rectangle(OREBRO_E, OREBRO_N, 300, 100)
    plot.save(update_fields=["geom"])
    plot.refresh_from_db()
    assert plot.area_m2 == 30000


def test_area_is_measured_in_sweref_even_when_the_boundary_is_given_in_wgs84(plot_factory, orebro):
    rect = rectangle(OREBRO_E, OREBRO_N, 100, 200)
    wgs84 = rect.transform(4326, clone=True)
    plot = plot_factory(municipality=orebro, geom=wgs84)
    plot.refresh_from_db()
    assert plot.area_m2 == pytest.approx(20000, abs=2)
    assert plot.geom.srid == 3006


def test_area_cannot_be_typed_in(plot_factory, orebro):
    plot = plot_factory(municipality=orebro, geom=rectangle(OREBRO_E, OREBRO_N, 100, 100))
    plot.area_m2 = 999
    plot.save()
    plot.refresh_from_db()
    assert plot.area_m2 == 10000
    assert not LandPlot._meta.get_field("area_m2").editable


def test_area_of_a_multipolygon_adds_up_its_parts(plot_factory, orebro):
    parts = MultiPolygon(
        Polygon.from_bbox((OREBRO_E, OREBRO_N, OREBRO_E + 100, OREBRO_N + 100)),
        Polygon.from_bbox((OREBRO_E + 500, OREBRO_N, OREBRO_E + 550, OREBRO_N + 100)),
        srid=3006,
    )
    plot = plot_factory(municipality=orebro, geom=parts)
    assert plot.area_m2 == 15000


def test_purposes_are_stored_as_a_set(plot_factory, orebro):
    plot = plot_factory(municipality=orebro, purposes=["logistics", "industry", "logistics"])
    plot.refresh_from_db()
    assert plot.purposes == ["industry", "logistics"]


def test_change_history_is_recorded(plot_factory, orebro):
    plot = plot_factory(municipality=orebro)
    plot.set_status("sold")
    assert [h.status for h in plot.history.order_by("history_date")] == ["published", "sold"]
