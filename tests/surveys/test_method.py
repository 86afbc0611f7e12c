"""The NKI method against hand-computed values."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from surveys.models import SurveyRound
from surveys.nki import REGION, TOTAL, compute, grade, half_up, t_quantile_975, tenths
from tests.factories import MunicipalityFactory
from tests.surveys.factories import make_round, respond, same


def nki(year, code, area=TOTAL, **kwargs):
    unit = compute(**kwargs).get(year, code, area)
    return None if unit is None else unit.estimate


def test_rescaling_on_a_six_point_scale(orebro, round2023):
    # (4, 5, 3) → 60, 80, 40 → respondent NKI 60; (6, 6, 6) → 100; (1, 1, 1) → 0.
    respond(round2023, orebro, "bygglov", (4, 5, 3), (6, 6, 6), (1, 1, 1))
    estimate = nki(2023, "1880", "bygglov")
    assert estimate.n == 3
    assert estimate.mean == Fraction(160, 3)


def test_rescaling_on_a_ten_point_scale(orebro):
    old = make_round(2011, scale_max=10)
    # (10, 10, 1) → 100, 100, 0 → 66.67; (5, 5, 5) → 44.44; mean = 55.56
    respond(old, orebro, "bygglov", (10, 10, 1), (5, 5, 5))
    estimate = nki(2011, "1880", "bygglov")
    assert estimate.mean == (Fraction(200, 3) + Fraction(400, 9)) / 2
    assert round(estimate.value, 2) == 55.56
    assert old.rescale(10) == 100 and old.rescale(1) == 0


def test_incomplete_responses_are_left_out_but_counted(orebro, round2023):
    respond(round2023, orebro, "bygglov", (6, 6, 6), (1, None, 1), (None, None, None))
    estimate = nki(2023, "1880", "bygglov")
    assert estimate.n == 1
    assert estimate.value == 100
    assert estimate.responses == 3
    assert estimate.incomplete == 2


def test_totals_weight_every_respondent_equally(orebro, round2023):
    respond(round2023, orebro, "bygglov", (6, 6, 6))  # one response at 100
    respond(round2023, orebro, "miljo_halsoskydd", *same(3, 3))  # three at 40
    total = nki(2023, "1880", TOTAL)
    # (100 + 3 × 40) / 4 = 55, not the mean of the area means (70).
    assert total.n == 4
    assert total.value == 55


def test_region_counts_member_municipalities_only(orebro, laxa, round2023):
    outsider = MunicipalityFactory(code="1780", name="Karlstad", slug="karlstad", member=False)
    respond(round2023, orebro, "bygglov", (6, 6, 6))
    respond(round2023, laxa, "bygglov", (1, 1, 1))
    respond(round2023, outsider, "bygglov", *same(1, 5))
    results = compute()
    assert results.get(2023, REGION, "bygglov").estimate.value == 50
    assert results.get(2023, REGION, TOTAL).estimate.n == 2
    assert results.get(2023, "1780", "bygglov").estimate.n == 5


def test_default_counted_areas_change_in_2024(db):
    assert set(make_round(2023).counted_areas.values_list("slug", flat=True)) == {
        "bygglov",
        "miljo_halsoskydd",
        "livsmedelskontroll",
        "brandskydd",
        "serveringstillstand",
        "markupplatelse",
    }
    assert set(make_round(2024).counted_areas.values_list("slug", flat=True)) == {
        "bygglov",
        "miljo_halsoskydd",
        "livsmedelskontroll",
        "serveringstillstand",
    }


def test_areas_not_counted_that_round_stay_out_of_the_total(orebro, round2025):
    respond(round2025, orebro, "bygglov", (6, 6, 6))
    respond(round2025, orebro, "brandskydd", (1, 1, 1))
    results = compute()
    assert results.get(2025, "1880", TOTAL).estimate.value == 100
    assert results.get(2025, "1880", "brandskydd").estimate.value == 0
    assert results.get(2025, REGION, TOTAL).estimate.n == 1


def test_t_quantile_matches_tables():
    assert t_quantile_975(1) == pytest.approx(12.7062, abs=1e-4)
    assert t_quantile_975(9) == pytest.approx(2.2622, abs=1e-4)
    assert t_quantile_975(30) == pytest.approx(2.0423, abs=1e-4)
    assert t_quantile_975(120) == pytest.approx(1.9799, abs=1e-4)
    assert t_quantile_975(1000) == pytest.approx(1.9623, abs=1e-4)
    # the two ways of computing it meet smoothly at df 200/201
    assert t_quantile_975(200) - t_quantile_975(201) == pytest.approx(0.00006, abs=0.00002)


def test_confidence_interval_uses_t_with_n_minus_one(orebro, round2023):
    # Ten respondents at 40, 60, 60, 80, 80, 80, 100, 100, 60, 40: mean 70, s² = 4200 / 9.
    answers = [(x, x, x) for x in (3, 4, 4, 5, 5, 5, 6, 6, 4, 3)]
    respond(round2023, orebro, "bygglov", *answers)
    estimate = nki(2023, "1880", "bygglov")
    half = 2.2622 * math.sqrt(4200 / 9) / math.sqrt(10)  # = 15.45
    low, high = estimate.ci
    assert estimate.value == 70
    assert low == pytest.approx(70 - half, abs=0.01)
    assert high == pytest.approx(70 + half, abs=0.01)


def test_no_interval_with_a_single_response(orebro, round2023):
    respond(round2023, orebro, "bygglov", (5, 5, 5))
    assert nki(2023, "1880", "bygglov").ci is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (80, "mycket_hogt"),
        (79.5, "mycket_hogt"),
        (79.49, "hogt"),
        (70, "hogt"),
        (69.5, "hogt"),
        (62, "godkant"),
        (61.5, "godkant"),
        (61.49, "lagt"),
        (50, "lagt"),
        (49.5, "lagt"),
        (49.49, "mycket_lagt"),
        (0, "mycket_lagt"),
        (100, "mycket_hogt"),
    ],
)
def test_grade_boundaries(value, expected):
    assert grade(value) == expected


def test_rounding_is_half_up():
    assert half_up(125, 2) == 63  # 62.5 → 63; round() would give 62
    assert half_up(123, 2) == 62  # 61.5 → 62
    assert tenths(Fraction(1425, 20)) == 713  # 71.25 → 71.3; round() gives 71.2
    assert tenths(Fraction(-1, 20)) == 0  # −0.05 → 0.0 (up, not away from zero)


def test_units_under_the_threshold_are_suppressed(orebro, hallsberg, round2023):
    respond(round2023, orebro, "bygglov", *same(5, 6))
    respond(round2023, orebro, "miljo_halsoskydd", *same(5, 7))
    # A second small unit in the same area, so the two hide each other (with Örebro's
    # total) and the region's building permits and Örebro's miljö stay shown.
    respond(round2023, hallsberg, "bygglov", *same(4, 6))
    small, enough = nki(2023, "1880", "bygglov"), nki(2023, "1880", "miljo_halsoskydd")
    assert small.suppressed and small.too_few and small.n == 6
    assert small.public_tenths() == (None, None, None, None)
    assert not enough.suppressed and not nki(2023, REGION, "bygglov").suppressed
    assert enough.public_tenths() == (800, 800, 800, "mycket_hogt")  # s = 0: the interval is the point


def test_threshold_is_set_per_round(orebro):
    strict = make_round(2021, min_n_display=10)
    respond(strict, orebro, "bygglov", *same(5, 9))
    assert nki(2021, "1880", "bygglov").suppressed


def test_service_factor_indexes_use_the_answers_given(orebro, round2023):
    respond(round2023, orebro, "bygglov", (5, 5, 5), information=6, kompetens=1)
    respond(round2023, orebro, "bygglov", (5, 5, 5), information=4)
    results = compute(factors=True)
    information = results.factor(2023, "1880", "information", "bygglov")
    kompetens = results.factor(2023, "1880", "kompetens", "bygglov")
    assert information.n == 2 and information.value == 80  # (100 + 60) / 2
    assert kompetens.n == 1 and kompetens.value == 0
    assert results.factor(2023, REGION, "information").value == 80


def test_round_nki_results_cover_one_round(orebro, round2023, round2025):
    respond(round2023, orebro, "bygglov", (5, 5, 5))
    respond(round2025, orebro, "bygglov", (6, 6, 6))
    results = SurveyRound.objects.get(year=2025).nki_results()
    assert results.get(2025, "1880", "bygglov").estimate.value == 100
    assert results.get(2023, "1880", "bygglov") is None
