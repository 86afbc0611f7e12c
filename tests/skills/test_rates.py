"""Completion and employment rates of an intake, and the rules on its numbers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from skills.models import Intake
from tests.skills.factories import IntakeFactory, ProgrammeFactory

# full_clean() checks the database constraints too, so every test may touch the database.
pytestmark = pytest.mark.django_db


def intake(**numbers):
    return Intake(term="HT2023", **numbers)


def test_completion_rate_is_completed_over_enrolled():
    assert intake(enrolled=24, completed=21).completion_rate == Decimal("87.5")


def test_employment_rate_is_employed_over_completed():
    assert intake(enrolled=24, completed=20, employed_within_6_months=19).employment_rate == Decimal("95.0")


def test_rates_round_half_up_to_one_decimal():
    assert intake(enrolled=3, completed=2).completion_rate == Decimal("66.7")


def test_zero_enrolled_gives_no_completion_rate_and_says_why():
    cancelled = intake(applicants=3, enrolled=0, completed=0)
    assert cancelled.completion_rate is None
    assert str(cancelled.completion_missing_reason) == "nobody enrolled"


def test_zero_completed_gives_no_employment_rate_and_says_why():
    nobody = intake(enrolled=10, completed=0, employed_within_6_months=0)
    assert nobody.completion_rate == Decimal("0.0")
    assert nobody.employment_rate is None
    assert str(nobody.employment_missing_reason) == "nobody completed"


def test_unfinished_intake_has_no_rates():
    running = intake(applicants=90, enrolled=24)
    assert running.completion_rate is None
    assert running.employment_rate is None
    assert str(running.completion_missing_reason) == "the intake has not finished"


def test_not_followed_up_yet_has_completion_but_no_employment_rate():
    finished = intake(enrolled=20, completed=18)
    assert finished.completion_rate == Decimal("90.0")
    assert finished.employment_rate is None
    assert str(finished.employment_missing_reason) == "not yet followed up"


def test_more_enrolled_than_applied_is_allowed():
    # AMU places are assigned by Arbetsförmedlingen: more can start than applied.
    intake(applicants=12, enrolled=16, completed=14, employed_within_6_months=12).full_clean(
        exclude=["programme"]
    )


@pytest.mark.parametrize(
    "numbers, field",
    [
        ({"enrolled": 10, "completed": 11}, "completed"),
        ({"enrolled": 10, "completed": 8, "employed_within_6_months": 9}, "employed_within_6_months"),
        ({"completed": 8}, "enrolled"),
        ({"enrolled": 10, "employed_within_6_months": 3}, "completed"),
    ],
)
def test_impossible_numbers_are_refused_by_the_form_check(numbers, field):
    with pytest.raises(ValidationError) as error:
        intake(**numbers).full_clean(exclude=["programme"])
    assert field in error.value.message_dict


def test_negative_numbers_are_refused():
    with pytest.raises(ValidationError) as error:
        intake(enrolled=-1).full_clean(exclude=["programme"])
    assert "enrolled" in error.value.message_dict


def test_term_must_be_ht_or_vt_and_a_year():
    with pytest.raises(ValidationError) as error:
        Intake(term="Autumn 23").full_clean(exclude=["programme"])
    assert "term" in error.value.message_dict


@pytest.mark.parametrize(
    "numbers",
    [
        {"enrolled": 10, "completed": 11},
        {"enrolled": 10, "completed": 8, "employed_within_6_months": 9},
        {"enrolled": None, "completed": 3},
    ],
)
def test_database_refuses_impossible_numbers(numbers):
    programme = ProgrammeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Intake.objects.create(programme=programme, term="HT2023", **numbers)


def test_intakes_sort_by_time_not_alphabetically():
    programme = ProgrammeFactory()
    for term in ["HT2024", "vt2024", "HT2023", "VT2025"]:
        IntakeFactory(programme=programme, term=term)
    assert [i.term for i in programme.intakes.order_by("sort_key")] == [
        "HT2023",
        "VT2024",
        "HT2024",
        "VT2025",
    ]
