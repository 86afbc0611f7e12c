"""The integer fast path of the method gives exactly the numbers of the Fraction definition."""

from __future__ import annotations

import csv
import io
import math
import random
from decimal import Decimal
from fractions import Fraction

from django.urls import reverse

from surveys.nki import REGION, Estimate, compute, nki_scale, t_quantile_975
from surveys.trends import decimal1, point_from_estimate
from tests.surveys.factories import make_round, respond, same


def reference(scores: list[int], scale_max: int, offset: int = 3, denominator: int = 3):
    """The method written out in Fractions, as surveys.nki computed it before the integer path."""
    scale = Fraction(100, denominator * (scale_max - 1))
    n, s1, s2 = len(scores), sum(scores), sum(r * r for r in scores)
    mean = scale * (Fraction(s1, n) - offset)
    variance = scale * scale * Fraction(n * s2 - s1 * s1, n * (n - 1)) if n >= 2 else None
    ci = None
    if variance is not None:
        sd = math.sqrt(max(float(variance), 0.0))
        half = t_quantile_975(n - 1) * sd / math.sqrt(n)
        ci = (float(mean) - half, float(mean) + half)
    whole = math.floor(mean + Fraction(1, 2))
    grade = next(
        slug
        for low, slug in [
            (80, "mycket_hogt"),
            (70, "hogt"),
            (62, "godkant"),
            (50, "lagt"),
            (-1000, "mycket_lagt"),
        ]
        if whole >= low
    )

    def old_decimal1(value):
        rounded = Fraction(math.floor(Fraction(value) * 10 + Fraction(1, 2)), 10)
        return Decimal(rounded.numerator) / Decimal(rounded.denominator)

    return mean, variance, ci, grade, old_decimal1


def test_integer_path_matches_the_fraction_definition():
    rng = random.Random(20261126)
    checked = 0
    for scale_max in (5, 6, 10):
        for _ in range(400):
            n = rng.choice([1, 2, 3, 7, 8, 16, 40, rng.randint(1, 500)])
            level = rng.uniform(3, 3 * scale_max)
            scores = [min(3 * scale_max, max(3, round(rng.gauss(level, 2.5)))) for _ in range(n)]
            mean, variance, ci, grade, old_decimal1 = reference(scores, scale_max)
            estimate = Estimate.from_totals(
                n,
                sum(scores),
                sum(r * r for r in scores),
                n + 1,
                offset=3,
                scale=nki_scale(scale_max),
                min_n_display=1,
            )
            assert estimate.mean == mean and estimate.variance == variance
            assert estimate.value == float(mean)  # the same float, bit for bit
            assert estimate.ci == ci
            assert estimate.grade == grade
            point = point_from_estimate(2023, estimate)
            assert str(point.value) == str(old_decimal1(mean))
            if ci:
                assert str(point.ci_low) == str(old_decimal1(ci[0]))
                assert str(point.ci_high) == str(old_decimal1(ci[1]))
            value, low, high, slug = estimate.public_tenths()
            assert Fraction(value, 10) == old_decimal1(mean) and slug == grade
            if ci:
                assert (Fraction(low, 10), Fraction(high, 10)) == (old_decimal1(ci[0]), old_decimal1(ci[1]))
            checked += 1
    assert checked == 1200


def test_decimal1_is_unchanged_for_floats_fractions_and_decimals():
    for value in [61.5, 61.45, 61.449999, 71.25, 0.05, -0.05, -0.04, 99.95, 100.0, 0.0, Fraction(1425, 20)]:
        exact = Fraction(value)
        rounded = Fraction(math.floor(exact * 10 + Fraction(1, 2)), 10)
        expected = Decimal(rounded.numerator) / Decimal(rounded.denominator)
        assert str(decimal1(value)) == str(expected)
    assert str(decimal1(Decimal("68.25"))) == "68.3"
    assert str(decimal1(71.0)) == "71"  # the reduced fraction, as before; the CSV writes 71.0


def _export(client, query=""):
    response = client.get(reverse("surveys:export") + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_half_up_at_the_boundaries_end_to_end(client, orebro, laxa, round2023):
    # Örebro: 31 × (4,4,4) and 9 × (5,4,4): mean exactly 20/3 · 369/40 = 61.5 → grade from 62.
    respond(round2023, orebro, "bygglov", *same(4, 31), *[(5, 4, 4)] * 9)
    # Laxå: 11 × (5,5,4) and 5 × (5,4,4): mean exactly 20/3 · 171/16 = 71.25 → 71.3 (round() gives 71.2).
    respond(round2023, laxa, "miljo_halsoskydd", *[(5, 5, 4)] * 11, *[(5, 4, 4)] * 5)
    results = compute()
    assert results.get(2023, "1880", "bygglov").estimate.mean == Fraction(123, 2)
    assert results.get(2023, "1860", "miljo_halsoskydd").estimate.mean == Fraction(285, 4)
    rows = {(r["area_code"], r["authority_area"]): r for r in _export(client)}
    assert (rows["1880", "bygglov"]["nki"], rows["1880", "bygglov"]["grade"]) == ("61.5", "godkant")
    assert (rows["1860", "miljo_halsoskydd"]["nki"], rows["1860", "miljo_halsoskydd"]["grade"]) == (
        "71.3",
        "hogt",
    )
    assert rows[REGION, "bygglov"]["nki"] == "61.5"
    html = client.get("/en/nki/?area=miljo_halsoskydd&municipality=1860").content.decode()
    assert "71.3" in html and "71.2" not in html


def test_a_hundred_point_scale_does_not_overflow_the_sums(orebro):
    # r = 300 and r² = 90,000: more than a PostgreSQL smallint holds.
    wide = make_round(2013, scale_max=100)
    respond(wide, orebro, "bygglov", *same(100, 6), (91, 91, 91))
    estimate = compute().get(2013, "1880", "bygglov").estimate
    assert estimate.n == 7
    assert estimate.mean == (6 * 100 + Fraction(90 * 100, 99)) / 7
