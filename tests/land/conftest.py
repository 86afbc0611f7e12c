import pytest

from tests.land.factories import LandmarkFactory, LandPlotFactory


@pytest.fixture
def plot_factory(db):
    return LandPlotFactory


@pytest.fixture
def landmark_factory(db):
    return LandmarkFactory
