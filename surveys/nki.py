"""The NKI method: the one place where survey answers become published numbers.

The method, step by step (the trends page explains the same in plain language):

1. **Rescale.** An answer x on the round's scale 1..k becomes (x − 1) / (k − 1) × 100,
   so 1 is 0 and k is 100 whatever the scale.
2. **Respondent NKI** = the mean of the three rescaled NKI answers (overall
   satisfaction, met expectations, close to the ideal). A response missing any of the
   three is left out of NKI, but counted as incomplete.
3. **A unit's NKI** = the mean of the respondent NKIs of its responses; n = the number
   of responses used. The units are a municipality × authority area, a municipality's
   total over the areas counted toward the total that round, and the region per area
   and in total over the responses of member municipalities. Totals weight every
   respondent equally (they are not means of area means).
4. **95 % confidence interval** = mean ± t(0.975, n − 1) · s / √n, with s the sample
   standard deviation of the respondent NKIs; none when n < 2.
5. **Grade** from the value rounded half-up to a whole number: ≥ 80 very high,
   70–79 high, 62–69 acceptable, 50–61 low, < 50 very low.
6. **Suppression.** With n below the round's `min_n_display` the value, interval and
   grade are not shown publicly; n still is.
7. **Service factor indexes** rescale and average the factor answers in the same way,
   per factor, over the answers given.

How it is computed: the database does all the work over responses. One grouped
query (`Response.objects.unit_sums()`) returns, per round × municipality × area, the
count n and the integer sums S1 = Σr and S2 = Σr² of each response's raw score r (the
sum of its three answers, or one factor answer). Integer sums are exact on SQLite and
PostgreSQL alike, and SQLite has no STDDEV. Because sums add up, a total is the sum of
its units' sums, which is exactly the respondent-weighted figure over its responses.
Mean, deviation and interval then follow per unit from (n, S1, S2). The mean and the
variance are exact rationals, kept as integer numerator/denominator pairs: rounding
half-up and the grade are integer floor divisions on them, so grades and rounding at
.5 never depend on floating-point noise, without paying for a `Fraction` per unit
(a `Fraction` is only built when a caller asks for `Estimate.mean`). The work in
Python grows with the number of units, never with the number of responses; a page
that shows the region and a few municipalities asks `compute(codes=…)` for just
those, so the database only reads the responses of member municipalities and of the
chosen ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils.translation import gettext_lazy as _

from brorebro.models import Municipality
from surveys.models import FACTOR_FIELDS, AuthorityArea, Response, ServiceFactor, SurveyRound

REGION = "region"
TOTAL = "total"
SURVEY_SOURCE = "survey"

GRADES = [
    # (lowest whole number, slug, label)
    (80, "mycket_hogt", _("very high")),
    (70, "hogt", _("high")),
    (62, "godkant", _("acceptable")),
    (50, "lagt", _("low")),
    (-1000, "mycket_lagt", _("very low")),
]
GRADE_LABELS = {slug: label for _low, slug, label in GRADES}


# --- numbers -----------------------------------------------------------------------------
def _ratio(value) -> tuple[int, int]:
    """The exact value as (numerator, denominator > 0): int, float, Fraction and Decimal alike."""
    try:
        return value.as_integer_ratio()
    except AttributeError:  # e.g. a numeric string, which Fraction() reads
        exact = Fraction(value)
        return exact.numerator, exact.denominator


def half_up(numerator: int, denominator: int, decimals: int = 0) -> int:
    """floor(numerator / denominator · 10^decimals + 1/2) in integers, for denominator > 0.

    The exact rounding of the method (61.5 → 62) without building a Fraction: the
    value rounded half up to `decimals` decimals is this integer / 10^decimals.
    """
    return (2 * numerator * 10**decimals + denominator) // (2 * denominator)


def round_half_up(value, decimals: int = 0) -> Fraction:
    """Round half up (not to even, as round() does): 61.5 → 62, 61.49 → 61."""
    return Fraction(half_up(*_ratio(value), decimals), 10**decimals)


def tenths(value) -> int:
    """The value rounded half-up to one decimal, times ten, as an exact integer (71.25 → 713)."""
    return half_up(*_ratio(value), 1)


def grade_of_whole(whole: int) -> str:
    """The grade slug of an NKI value already rounded half-up to a whole number."""
    for low, slug, _label in GRADES:
        if whole >= low:
            return slug
    return GRADES[-1][1]


def grade(value) -> str | None:
    """The grade slug of an NKI value, from the value rounded half-up to a whole number."""
    if value is None:
        return None
    return grade_of_whole(half_up(*_ratio(value)))


_Z975 = 1.959963984540054


@lru_cache(maxsize=4096)
def t_quantile_975(df: int) -> float:
    """t(0.975, df), the two-sided 95 % critical value of Student's t.

    For df ≤ 200 the distribution function has a closed form for whole df
    (Abramowitz & Stegun 26.7.3–4), inverted by bisection to 1e-12. Beyond that the
    Cornish–Fisher expansion around the normal quantile is accurate to better than
    1e-9. Known values: df=1 → 12.706, df=9 → 2.262, df=30 → 2.042.
    """
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df > 200:
        z, v = _Z975, float(df)
        return (
            z
            + (z**3 + z) / (4 * v)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
        )
    low, high = 0.0, 200.0
    while high - low > 1e-12:
        mid = (low + high) / 2
        if _t_central_probability(mid, df) < 0.95:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _t_central_probability(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with whole df (A&S 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos = math.sin(theta), math.cos(theta)
    if df % 2 == 1:
        if df == 1:
            return 2 * theta / math.pi
        term, total = cos, cos
        for k in range(3, df - 1, 2):  # 2·4···(k−1) / 1·3···k · cos^k
            term *= (k - 1) / k * cos * cos
            total += term
        return 2 / math.pi * (theta + sin * total)
    term, total = 1.0, 1.0
    for k in range(2, df - 1, 2):  # 1·3···(k−1) / 2·4···k · cos^k
        term *= (k - 1) / k * cos * cos
        total += term
    return sin * total


# --- sums and estimates ------------------------------------------------------------------
@dataclass
class Sums:
    """n, Σr and Σr² of a unit's raw scores, plus all responses (complete or not)."""

    n: int = 0
    s1: int = 0
    s2: int = 0
    responses: int = 0

    def add(self, other: Sums) -> None:
        self.n += other.n
        self.s1 += other.s1
        self.s2 += other.s2
        self.responses += other.responses


class Estimate:
    """A unit's index: value, n, interval and grade, with suppression applied by callers.

    The mean and the variance are exact rationals held as integer pairs; `mean` and
    `variance` give them as Fractions, `value`, `sd` and `ci` as floats (the same floats
    as float(Fraction), since int / int is correctly rounded), and `grade` and
    `value_tenths` round them exactly in integers.
    """

    __slots__ = ("n", "responses", "min_n_display", "_mean", "_variance")

    def __init__(
        self,
        n: int,
        responses: int,
        min_n_display: int,
        mean: tuple[int, int] | None = None,
        variance: tuple[int, int] | None = None,
    ):
        self.n = n
        self.responses = responses
        self.min_n_display = min_n_display
        self._mean = mean  # (numerator, denominator > 0) or None
        self._variance = variance

    @classmethod
    def from_sums(cls, sums: Sums, *, offset: int, scale: Fraction, min_n_display: int) -> Estimate:
        """The index of values v = (r − offset) · scale from the sums of the raw scores r."""
        return cls.from_totals(
            sums.n,
            sums.s1,
            sums.s2,
            sums.responses,
            offset=offset,
            scale=(scale.numerator, scale.denominator),
            min_n_display=min_n_display,
        )

    @classmethod
    def from_totals(
        cls,
        n: int,
        s1: int,
        s2: int,
        responses: int,
        *,
        offset: int,
        scale: tuple[int, int],
        min_n_display: int,
    ) -> Estimate:
        """As from_sums, from plain integers; scale = (a, b) with b > 0 stands for a / b.

        mean = a/b · (S1/n − offset) = a·(S1 − offset·n) / (b·n)
        variance = (a/b)² · (n·S2 − S1²) / (n·(n − 1))
        """
        return _estimate(n, s1, s2, responses, offset, scale[0], scale[1], min_n_display)

    def __repr__(self) -> str:
        return f"Estimate(n={self.n}, responses={self.responses}, mean={self.mean!r}, min_n_display={self.min_n_display})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Estimate):
            return NotImplemented
        return (self.n, self.responses, self.min_n_display, self.mean, self.variance) == (
            other.n,
            other.responses,
            other.min_n_display,
            other.mean,
            other.variance,
        )

    def __hash__(self) -> int:
        return hash((self.n, self.responses, self.min_n_display, self.mean, self.variance))

    @property
    def mean(self) -> Fraction | None:
        return None if self._mean is None else Fraction(*self._mean)

    @property
    def variance(self) -> Fraction | None:
        return None if self._variance is None else Fraction(*self._variance)

    @property
    def incomplete(self) -> int:
        return self.responses - self.n

    @property
    def suppressed(self) -> bool:
        return self.n < self.min_n_display

    @property
    def value(self) -> float | None:
        return None if self._mean is None else self._mean[0] / self._mean[1]

    @property
    def value_tenths(self) -> int | None:
        """The exact mean rounded half-up to one decimal, times ten."""
        return None if self._mean is None else half_up(*self._mean, 1)

    @property
    def sd(self) -> float | None:
        if self._variance is None:
            return None
        return math.sqrt(max(self._variance[0] / self._variance[1], 0.0))

    @property
    def ci(self) -> tuple[float, float] | None:
        if self._variance is None:
            return None
        value = self.value
        half = t_quantile_975(self.n - 1) * self.sd / math.sqrt(self.n)
        return (value - half, value + half)

    @property
    def grade(self) -> str | None:
        return None if self._mean is None else grade_of_whole(half_up(*self._mean))

    # What the public may see: nothing but n when suppressed.
    @property
    def public_value(self) -> float | None:
        return None if self.suppressed else self.value

    @property
    def public_ci(self) -> tuple[float, float] | None:
        return None if self.suppressed else self.ci

    @property
    def public_grade(self) -> str | None:
        return None if self.suppressed else self.grade

    def public_tenths(self) -> tuple[int | None, int | None, int | None, str | None]:
        """(value, interval low, interval high) rounded half-up to tenths, and the grade, as shown.

        All None when suppressed. The same numbers as decimal1(mean), decimal1(ci) and
        grade, in one call: the export asks this of some 30,000 units.
        """
        if self.n < self.min_n_display or self._mean is None:
            return None, None, None, None
        num, den = self._mean
        value = (20 * num + den) // (2 * den)
        whole = (2 * num + den) // (2 * den)
        low = high = None
        ci = self.ci
        if ci is not None:
            # float.as_integer_ratio is exact, so this is tenths(ci[0]) and tenths(ci[1]).
            p, q = ci[0].as_integer_ratio()
            low = (20 * p + q) // (2 * q)
            p, q = ci[1].as_integer_ratio()
            high = (20 * p + q) // (2 * q)
        return value, low, high, grade_of_whole(whole)


def _estimate(
    n: int, s1: int, s2: int, responses: int, offset: int, a: int, b: int, min_n_display: int
) -> Estimate:
    """Estimate.from_totals with positional arguments: compute() calls it once per unit."""
    mean = (a * (s1 - offset * n), b * n) if n else None
    variance = (a * a * (n * s2 - s1 * s1), b * b * n * (n - 1)) if n >= 2 else None
    return Estimate(n, responses, min_n_display, mean, variance)


def nki_scale(scale_max: int) -> tuple[int, int]:
    # r = q_total + q_expectations + q_ideal; respondent NKI = (r/3 − 1)/(k − 1)·100 = (r − 3)·100/(3(k − 1))
    return (100, 3 * (scale_max - 1))


def factor_scale(scale_max: int) -> tuple[int, int]:
    return (100, scale_max - 1)


def nki_estimate(sums: Sums, scale_max: int, min_n_display: int) -> Estimate:
    return Estimate.from_totals(
        sums.n,
        sums.s1,
        sums.s2,
        sums.responses,
        offset=3,
        scale=nki_scale(scale_max),
        min_n_display=min_n_display,
    )


def factor_estimate(sums: Sums, scale_max: int, min_n_display: int) -> Estimate:
    return Estimate.from_totals(
        sums.n,
        sums.s1,
        sums.s2,
        sums.responses,
        offset=1,
        scale=factor_scale(scale_max),
        min_n_display=min_n_display,
    )


# --- results -------------------------------------------------------------------------------
# Read-only by convention: not frozen, because compute() makes one per unit (some
# 30,000 for the export) and a frozen dataclass takes 2.5 times as long to build.
@dataclass(slots=True)
class UnitResult:
    year: int
    area_code: str  # a municipality code, or REGION
    authority_area: AuthorityArea | None  # None: the total
    estimate: Estimate
    municipality: Municipality | None = None
    source: str = SURVEY_SOURCE

    @property
    def area_slug(self) -> str:
        return self.authority_area.slug if self.authority_area else TOTAL

    @property
    def is_region(self) -> bool:
        return self.area_code == REGION


class NkiResults:
    """Every unit's NKI (and optionally factor indexes) for a set of rounds."""

    def __init__(
        self,
        rounds: list[SurveyRound],
        areas: list[AuthorityArea],
        municipalities: list[Municipality],
        factors: list[ServiceFactor],
    ):
        self.rounds = rounds
        self.areas = areas
        self.municipalities = municipalities
        self.factors = factors
        self._nki: dict[tuple[int, str, str], UnitResult] = {}
        self._factor: dict[tuple[int, str, str, str], Estimate] = {}

    def get(self, year: int, area_code: str, area_slug: str = TOTAL) -> UnitResult | None:
        return self._nki.get((year, area_code, area_slug))

    def factor(self, year: int, area_code: str, factor_slug: str, area_slug: str = TOTAL) -> Estimate | None:
        return self._factor.get((year, area_code, area_slug, factor_slug))

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self._nki.values())

    def __len__(self) -> int:
        return len(self._nki)

    def rows(self) -> list[UnitResult]:
        """Sorted by year, then region before municipalities, then area (total first)."""
        area_order = {area.slug: i for i, area in enumerate(self.areas, start=1)}
        return sorted(
            self,
            key=lambda r: (r.year, r.area_code != REGION, r.area_code, area_order.get(r.area_slug, 0)),
        )


def compute(
    years: Iterable[int] | None = None, factors: bool = False, codes: Iterable[str] | None = None
) -> NkiResults:
    """Compute the NKI of the units of the rounds of `years` (all rounds by default).

    `codes`: the municipalities whose own units are wanted (None: every municipality).
    The region is always complete, whatever `codes` says; only the responses of member
    municipalities and of `codes` are then read, so a page that shows the region and a
    few municipalities does not aggregate the whole country.

    A fixed number of queries whatever the number of responses: rounds with their
    counted areas, areas, municipalities, (factors,) and one grouped query over responses.
    """
    rounds = SurveyRound.objects.prefetch_related("counted_areas")
    if years is not None:
        rounds = rounds.filter(year__in=list(years))
    round_list = list(rounds)
    areas = list(AuthorityArea.objects.all())
    municipalities = list(Municipality.objects.defer("boundary"))
    factor_list = list(ServiceFactor.objects.filter(slug__in=FACTOR_FIELDS)) if factors else []
    results = NkiResults(round_list, areas, municipalities, factor_list)
    if not round_list:
        return results

    wanted = None if codes is None else set(codes)
    responses = Response.objects.filter(round__in=round_list)
    if wanted is not None:
        responses = responses.filter(
            municipality_id__in=[m.pk for m in municipalities if m.member or m.code in wanted]
        )

    # Lookups for the loop below, which runs once per unit row of the grouped query.
    counted = {(r.pk, a.pk) for r in round_list for a in r.counted_areas.all()}
    area_slugs = {a.pk: a.slug for a in areas}
    # A municipality's code when its own units are wanted, else None.
    unit_codes = {m.pk: m.code if wanted is None or m.code in wanted else None for m in municipalities}
    members = {m.pk for m in municipalities if m.member}

    # (round, unit code, area slug) -> [n, S1, S2, responses]. A row of the query is
    # exactly one municipality × area unit; its municipality total and the region are
    # sums of rows, which is exactly the respondent-weighted figure (sums add up).
    nki_sums: dict[tuple[int, str, str], list[int]] = {}
    factor_sums: dict[tuple[int, str, str, str], list[int]] = {}

    def add(sums: dict, key: tuple, n: int, s1: int, s2: int, count: int) -> None:
        acc = sums.get(key)
        if acc is None:
            sums[key] = [n, s1, s2, count]
        else:
            acc[0] += n
            acc[1] += s1
            acc[2] += s2
            acc[3] += count

    factor_names = [f.slug for f in factor_list]
    columns = ["round_id", "municipality_id", "area_id", "responses", "n", "s1", "s2"]
    columns += [f"{name}_{part}" for name in factor_names for part in ("n", "s1", "s2")]
    # The grouped query is built by the ORM and read with a plain cursor: its columns
    # are integers already, and Django's per-value converters cost more than the loop.
    query = responses.unit_sums(factors=bool(factor_names)).values_list(*columns).query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # no member municipality and no code asked for
        unit_rows = []
    else:
        with connections[responses.db].cursor() as cursor:
            cursor.execute(sql, params)
            unit_rows = cursor.fetchall()
    for row in unit_rows:
        round_id, municipality_id, area_id, count, n, s1, s2 = row[:7]
        s1, s2 = s1 or 0, s2 or 0
        slug, in_total = area_slugs[area_id], (round_id, area_id) in counted
        keys = []
        code = unit_codes[municipality_id]
        if code is not None:
            keys.append((round_id, code, slug))
            nki_sums[(round_id, code, slug)] = [n, s1, s2, count]
            if in_total:
                keys.append((round_id, code, TOTAL))
                add(nki_sums, (round_id, code, TOTAL), n, s1, s2, count)
        if municipality_id in members:
            keys.append((round_id, REGION, slug))
            add(nki_sums, (round_id, REGION, slug), n, s1, s2, count)
            if in_total:
                keys.append((round_id, REGION, TOTAL))
                add(nki_sums, (round_id, REGION, TOTAL), n, s1, s2, count)
        for i, name in enumerate(factor_names):
            fn, fs1, fs2 = row[7 + 3 * i], row[8 + 3 * i] or 0, row[9 + 3 * i] or 0
            for round_key, code_key, slug_key in keys:
                add(factor_sums, (round_key, code_key, slug_key, name), fn, fs1, fs2, fn)

    # Per round: year and the arguments of Estimate.from_totals, built directly below
    # (the same integers; this runs once per unit).
    per_round = {
        r.pk: (r.year, nki_scale(r.scale_max), factor_scale(r.scale_max), r.min_n_display) for r in round_list
    }
    areas_by_slug = {a.slug: a for a in areas}
    municipalities_by_code = {m.code: m for m in municipalities}
    for (round_id, code, slug), (n, s1, s2, count) in nki_sums.items():
        year, (a, b), _factor_scale, min_n = per_round[round_id]
        results._nki[(year, code, slug)] = UnitResult(
            year,
            code,
            areas_by_slug.get(slug),
            _estimate(n, s1, s2, count, 3, a, b, min_n),
            municipalities_by_code.get(code),
        )
    for (round_id, code, slug, name), (n, s1, s2, count) in factor_sums.items():
        year, _nki_scale, (a, b), min_n = per_round[round_id]
        results._factor[(year, code, slug, name)] = _estimate(n, s1, s2, count, 1, a, b, min_n)
    return results
