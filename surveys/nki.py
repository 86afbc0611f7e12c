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
Mean, deviation and interval then follow per unit from (n, S1, S2), in exact
fractions until the last step so that grades and rounding at .5 never depend on
floating-point noise. The work in Python grows with the number of units (about 100 a
round), never with the number of responses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

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
def round_half_up(value, decimals: int = 0) -> Fraction:
    """Round half up (not to even, as round() does): 61.5 → 62, 61.49 → 61."""
    factor = 10**decimals
    return Fraction(math.floor(Fraction(value) * factor + Fraction(1, 2)), factor)


def grade(value) -> str | None:
    """The grade slug of an NKI value, from the value rounded half-up to a whole number."""
    if value is None:
        return None
    whole = round_half_up(value)
    for low, slug, _label in GRADES:
        if whole >= low:
            return slug
    return GRADES[-1][1]


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


@dataclass(frozen=True)
class Estimate:
    """A unit's index: value, n, interval and grade, with suppression applied by callers."""

    n: int
    responses: int
    mean: Fraction | None
    variance: Fraction | None
    min_n_display: int

    @classmethod
    def from_sums(cls, sums: Sums, *, offset: int, scale: Fraction, min_n_display: int) -> Estimate:
        """The index of values v = (r − offset) · scale from the sums of the raw scores r."""
        n = sums.n
        mean = variance = None
        if n:
            mean = scale * (Fraction(sums.s1, n) - offset)
        if n >= 2:
            variance = scale * scale * Fraction(n * sums.s2 - sums.s1 * sums.s1, n * (n - 1))
        return cls(n=n, responses=sums.responses, mean=mean, variance=variance, min_n_display=min_n_display)

    @property
    def incomplete(self) -> int:
        return self.responses - self.n

    @property
    def suppressed(self) -> bool:
        return self.n < self.min_n_display

    @property
    def value(self) -> float | None:
        return None if self.mean is None else float(self.mean)

    @property
    def sd(self) -> float | None:
        return None if self.variance is None else math.sqrt(max(float(self.variance), 0.0))

    @property
    def ci(self) -> tuple[float, float] | None:
        if self.variance is None:
            return None
        half = t_quantile_975(self.n - 1) * self.sd / math.sqrt(self.n)
        return (self.value - half, self.value + half)

    @property
    def grade(self) -> str | None:
        return grade(self.mean)

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


def nki_estimate(sums: Sums, scale_max: int, min_n_display: int) -> Estimate:
    # r = q_total + q_expectations + q_ideal; respondent NKI = (r/3 − 1)/(k − 1)·100 = (r − 3)·100/(3(k − 1))
    return Estimate.from_sums(
        sums, offset=3, scale=Fraction(100, 3 * (scale_max - 1)), min_n_display=min_n_display
    )


def factor_estimate(sums: Sums, scale_max: int, min_n_display: int) -> Estimate:
    return Estimate.from_sums(sums, offset=1, scale=Fraction(100, scale_max - 1), min_n_display=min_n_display)


# --- results -------------------------------------------------------------------------------
@dataclass(frozen=True)
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


def compute(years: Iterable[int] | None = None, factors: bool = False) -> NkiResults:
    """Compute every unit's NKI for the rounds of `years` (all rounds by default).

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

    rounds_by_id = {r.pk: r for r in round_list}
    counted = {r.pk: {a.pk for a in r.counted_areas.all()} for r in round_list}
    areas_by_id = {a.pk: a for a in areas}
    municipalities_by_id = {m.pk: m for m in municipalities}

    # (round, unit code, area slug) -> sums; factor sums keyed by factor slug as well.
    nki_sums: dict[tuple[int, str, str], Sums] = defaultdict(Sums)
    factor_sums: dict[tuple[int, str, str, str], Sums] = defaultdict(Sums)
    rows = Response.objects.filter(round__in=round_list).unit_sums(factors=factors)
    for row in rows:
        round_id, municipality, area = (
            row["round_id"],
            municipalities_by_id[row["municipality_id"]],
            areas_by_id[row["area_id"]],
        )
        keys = [(municipality.code, area.slug)]
        in_total = area.pk in counted[round_id]
        if in_total:
            keys.append((municipality.code, TOTAL))
        if municipality.member:
            keys.append((REGION, area.slug))
            if in_total:
                keys.append((REGION, TOTAL))
        unit = Sums(n=row["n"], s1=row["s1"] or 0, s2=row["s2"] or 0, responses=row["responses"])
        for code, slug in keys:
            nki_sums[(round_id, code, slug)].add(unit)
        for factor in factor_list:
            name = factor.slug
            fsums = Sums(
                n=row[f"{name}_n"],
                s1=row[f"{name}_s1"] or 0,
                s2=row[f"{name}_s2"] or 0,
                responses=row[f"{name}_n"],
            )
            for code, slug in keys:
                factor_sums[(round_id, code, slug, name)].add(fsums)

    areas_by_slug = {a.slug: a for a in areas}
    municipalities_by_code = {m.code: m for m in municipalities}
    for (round_id, code, slug), sums in nki_sums.items():
        survey_round = rounds_by_id[round_id]
        results._nki[(survey_round.year, code, slug)] = UnitResult(
            year=survey_round.year,
            area_code=code,
            authority_area=areas_by_slug.get(slug),
            estimate=nki_estimate(sums, survey_round.scale_max, survey_round.min_n_display),
            municipality=municipalities_by_code.get(code),
        )
    for (round_id, code, slug, name), sums in factor_sums.items():
        survey_round = rounds_by_id[round_id]
        results._factor[(survey_round.year, code, slug, name)] = factor_estimate(
            sums, survey_round.scale_max, survey_round.min_n_display
        )
    return results
