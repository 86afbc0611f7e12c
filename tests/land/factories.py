"""Factories for land plots and transport landmarks."""

from __future__ import annotations

import factory
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from land.models import Landmark, LandmarkKind, LandPlot, LandPlotStatus, PlanStatus
from tests.factories import MunicipalityFactory

# A spot in Örebro, in SWEREF 99 TM; factories place plots relative to it.
OREBRO_E, OREBRO_N = 515000.0, 6570000.0


def rectangle(east: float, north: float, width: float, height: float) -> MultiPolygon:
    """A width × height rectangle in SWEREF 99 TM with its south-west corner at (east, north)."""
    return MultiPolygon(Polygon.from_bbox((east, north, east + width, north + height)), srid=settings.SRID)


class LandPlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandPlot

    municipality = factory.SubFactory(MunicipalityFactory, code="1880")
    external_ref = factory.Sequence(lambda n: f"PLOT-{n}")
    name = factory.Sequence(lambda n: f"Tomt {n}:1")
    area_name = "Logistikcentrum etapp 3"
    # 100 m × 100 m = 1 ha, a kilometre apart so that plots never overlap.
    geom = factory.Sequence(lambda n: rectangle(OREBRO_E + 1000 * n, OREBRO_N, 100, 100))
    purposes = ["industry"]
    plan_id = "1880-P920"
    plan_status = PlanStatus.IN_FORCE
    price_sek_per_m2 = 300
    status = LandPlotStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
    contact_name = "Anna Lindqvist"
    contact_email = "anna.lindqvist@example.se"


class LandmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Landmark

    kind = LandmarkKind.MOTORWAY_JUNCTION
    name = factory.Sequence(lambda n: f"Trafikplats {n}")
    location = factory.LazyFunction(lambda: Point(OREBRO_E, OREBRO_N, srid=settings.SRID))
