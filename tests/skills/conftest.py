"""Fixtures for the skills tests: a small county with one shortage in each growth sector."""

from __future__ import annotations

import pytest

from tests.skills.factories import (
    AssessmentFactory,
    IndustryFactory,
    IntakeFactory,
    OccupationFactory,
    ProgrammeFactory,
)


@pytest.fixture
def sectors(db):
    """Industries tagged with each growth sector."""
    return {
        "visitor_industry": IndustryFactory(
            sni_code="56.10", name_sv="Restaurangverksamhet", sector="visitor_industry"
        ),
        "it": IndustryFactory(sni_code="62.01", name_sv="Dataprogrammering", sector="it"),
        "private_care": IndustryFactory(
            sni_code="88.10", name_sv="Öppna sociala insatser", sector="private_care"
        ),
        "logistics": IndustryFactory(
            sni_code="49.41", name_sv="Vägtransport, godstrafik", sector="logistics"
        ),
    }


@pytest.fixture
def occupations(sectors):
    return {
        "cook": OccupationFactory(
            ssyk="5120", name_sv="Kockar och kallskänkor", industries=[sectors["visitor_industry"]]
        ),
        "developer": OccupationFactory(
            ssyk="2512", name_sv="Mjukvaru- och systemutvecklare m.fl.", industries=[sectors["it"]]
        ),
        "nurse": OccupationFactory(
            ssyk="5321", name_sv="Undersköterskor", industries=[sectors["private_care"]]
        ),
        "driver": OccupationFactory(
            ssyk="8332", name_sv="Lastbilsförare m.fl.", industries=[sectors["logistics"]]
        ),
        "mechanic": OccupationFactory(
            ssyk="7231",
            name_sv="Motorfordonsmekaniker och fordonsreparatörer",
            industries=[sectors["logistics"]],
        ),
    }


@pytest.fixture
def assessments(occupations):
    """County shortages in the latest period for all but the driver (balance); an older period too."""
    made = {}
    for key, occupation in occupations.items():
        made[key] = AssessmentFactory(
            occupation=occupation, period="2026-1", recruitment="balans" if key == "driver" else "brist"
        )
        AssessmentFactory(occupation=occupation, period="2025-2", recruitment="brist")
    return made


@pytest.fixture
def mechanics_programme(occupations, sectors, hallsberg, orebro):
    programme = ProgrammeFactory(
        name_sv="Fordonsmekaniker tunga fordon",
        name_en="Heavy-vehicle mechanic",
        status="open",
        kind="yh",
        municipalities=[hallsberg, orebro],
        occupations=[occupations["mechanic"]],
        industries=[sectors["logistics"]],
    )
    IntakeFactory(
        programme=programme,
        term="HT2022",
        applicants=49,
        enrolled=24,
        completed=21,
        employed_within_6_months=19,
    )
    IntakeFactory(
        programme=programme,
        term="HT2023",
        applicants=72,
        enrolled=24,
        completed=20,
        employed_within_6_months=19,
    )
    IntakeFactory(
        programme=programme,
        term="HT2024",
        applicants=95,
        enrolled=24,
        completed=None,
        employed_within_6_months=None,
    )
    return programme


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Texts computed outside a request (model properties, labels) are asserted in English.

    Pages choose their own language from the URL (/sv/, /en/), whatever is active here.
    """
    from django.utils import translation

    with translation.override("en"):
        yield
