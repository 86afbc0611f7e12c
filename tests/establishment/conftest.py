import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from premises.models import Kind
from tests.establishment.factories import RequestFactory
from tests.land.factories import LandmarkFactory, LandPlotFactory
from tests.premises.factories import PremisesFactory

# A spot in Laxå in SWEREF 99 TM; hand-built listings and landmarks are placed around it.
E0, N0 = 480000.0, 6540000.0


def at(dx: float, dy: float = 0.0) -> Point:
    return Point(E0 + dx, N0 + dy, srid=settings.SRID)


def warehouse(premises_factory, municipality, title, **kwargs):
    """A 3 000 m² warehouse 1 km from the spot: what the cases of these tests look for."""
    return premises_factory(
        municipality=municipality,
        title=title,
        kind=Kind.WAREHOUSE,
        area_min_m2=3000,
        area_max_m2=3000,
        location=at(1000),
        **kwargs,
    )


@pytest.fixture
def request_factory(db):
    return RequestFactory


@pytest.fixture
def premises_factory(db):
    return PremisesFactory


@pytest.fixture
def plot_factory(db):
    return LandPlotFactory


@pytest.fixture
def landmark_factory(db):
    return LandmarkFactory
