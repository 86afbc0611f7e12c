import pytest

from tests.surveys.factories import make_round


@pytest.fixture
def round2023(db):
    return make_round(2023)


@pytest.fixture
def round2025(db):
    return make_round(2025)
