import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from tests.establishment.factories import RequestFactory
from tests.land.factories import LandmarkFactory, LandPlotFactory
from tests.premises.factories import PremisesFactory

# A spot in Laxå in SWEREF 99 TM; hand-built listings and landmarks are placed around it.
E0, N0 = 480000.0, 6540000.0


def at(dx: float, dy: float = 0.0) -> Point:
    return Point(E0 + dx, N0 + dy, srid=settings.SRID)


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
