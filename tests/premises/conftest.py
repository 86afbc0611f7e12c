import pytest

from tests.premises.factories import PremisesFactory


@pytest.fixture
def premises_factory(db):
    return PremisesFactory
