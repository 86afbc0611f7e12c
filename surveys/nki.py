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
   grade are not shown publicly; n still is. Because totals are sums of their parts,
   more units are then withheld (complementary suppression, `withheld_units()`), so
   that no hidden value can be worked out from the published ones. One decision per
   round, from all the data, used by the pages, the chart and the export alike.
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

import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brorebro import versions
from brorebro.models import Municipality
from surveys.models import (
    FACTOR_FIELDS,
    AuthorityArea,
    NkiSnapshot,
    NkiStoredUnits,
    Response,
    ServiceFactor,
    SurveyRound,
)

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


# --- estimates ---------------------------------------------------------------------------
class Estimate:
    """A unit's index: value, n, interval and grade, and whether the public may see them.

    The mean and the variance are exact rationals held as integer pairs; `mean` and
    `variance` give them as Fractions, `value`, `sd` and `ci` as floats (the same floats
    as float(Fraction), since int / int is correctly rounded), and `grade` and
    `public_tenths()` round them exactly in integers.
    """

    __slots__ = ("n", "responses", "min_n_display", "withheld", "_mean", "_variance", "_public")

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
        # Set by compute(): hidden although n is large enough, so that a hidden small
        # unit cannot be worked out from the published ones (see withheld_units()).
        self.withheld = False
        self._mean = mean  # (numerator, denominator > 0) or None
        self._variance = variance
        # public_tenths() as stored with the unit (results()), so reading it computes nothing.
        self._public: tuple | None = None

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
        """The index of values v = (r − offset) · a / b from n, S1 = Σr and S2 = Σr², scale = (a, b).

        mean = a/b · (S1/n − offset) = a·(S1 − offset·n) / (b·n)
        variance = (a/b)² · (n·S2 − S1²) / (n·(n − 1))
        """
        a, b = scale
        mean = (a * (s1 - offset * n), b * n) if n else None
        variance = (a * a * (n * s2 - s1 * s1), b * b * n * (n - 1)) if n >= 2 else None
        return cls(n, responses, min_n_display, mean, variance)

    def __repr__(self) -> str:
        return (
            f"Estimate(n={self.n}, responses={self.responses}, mean={self.mean!r}, "
            f"min_n_display={self.min_n_display}, withheld={self.withheld})"
        )

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
    def too_few(self) -> bool:
        """Fewer responses than the round shows (primary suppression)."""
        return self.n < self.min_n_display

    @property
    def suppressed(self) -> bool:
        """Not shown publicly: too few responses, or withheld to protect such a unit."""
        return self.n < self.min_n_display or self.withheld

    @property
    def value(self) -> float | None:
        return None if self._mean is None else self._mean[0] / self._mean[1]

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

    def public_tenths(self) -> tuple[int | None, int | None, int | None, str | None]:
        """What the public sees: (value, interval low, interval high) in tenths, and the grade.

        Rounded half-up to one decimal (as integers: 71.25 → 713); all None when
        suppressed. The pages and the export both show exactly these numbers.
        """
        if self._public is not None:
            return self._public
        if self.suppressed or self._mean is None:
            return None, None, None, None
        ci = self.ci
        low = high = None
        if ci is not None:
            # float.as_integer_ratio is exact, so this is the exact half-up of each end.
            low, high = tenths(ci[0]), tenths(ci[1])
        return half_up(*self._mean, 1), low, high, grade_of_whole(half_up(*self._mean))


def nki_scale(scale_max: int) -> tuple[int, int]:
    # r = q_total + q_expectations + q_ideal; respondent NKI = (r/3 − 1)/(k − 1)·100 = (r − 3)·100/(3(k − 1))
    return (100, 3 * (scale_max - 1))


def factor_scale(scale_max: int) -> tuple[int, int]:
    return (100, scale_max - 1)


# --- complementary suppression ---------------------------------------------------------------
# How far (in index points) the published figures must leave room for a hidden small
# unit's value to lie from its true value, in each direction the 0–100 scale allows.
PROTECTION = 10
# Hiding a region figure costs more than hiding a municipality's: the region is what
# most readers come for.
_REGION_COST = 10

Key = tuple[str, str]  # (municipality code or REGION, area slug or TOTAL)


def withheld_units(
    units: dict[Key, tuple[int, int]],
    members: set[str],
    counted: set[str],
    min_n: int,
    per_point: int,
) -> set[Key]:
    """The units of one round (and one index) to hide besides those with too few responses.

    `units` maps (code, slug) to (n, m), where m = n · value · per_point is an integer
    (value on 0–100), so that sums are exact: published figures give m for every
    shown unit, and n is always published.

    **Why.** The published figures are tied by sums: a municipality's total is the sum
    of its counted areas, the region's area figure the sum of the member
    municipalities' figures, and the region's total both the sum of the members'
    totals and of the region's counted areas. Hiding one unit in such a sum is
    useless: the sum minus the others gives it back.

    **The rule.** Write the round as a table: a row per municipality and one for the
    region, a column per area and one for the total. Each sum is a row or a column.
    A hidden value can be worked out exactly unless it lies on a *cycle* of hidden
    cells (row → column → row …), because only then can the hidden values shift
    together (+t, −t, +t, …) without changing any published sum. So for every unit with
    too few responses, in a fixed order, the cheapest cycle through it is hidden too
    (cost: the n of each newly hidden unit, ten times for a region figure; units
    already hidden are free). Only cycles are used along which the hidden value can
    move at least PROTECTION points, and at least one answer step, up and down (as
    far as 0 and 100 allow) while every other hidden value on the cycle stays within
    0–100 (one cycle for each direction where no single one has room both ways).
    Every room is a whole number of answer steps (m is the answer scale's multiple
    of a sum of whole answers), so moving along the cycle by whole steps keeps every
    unit at a value real answers could give: even someone who knows all published
    values exactly, and that answers are whole numbers, is left with possible values
    PROTECTION points or more above and below the true one (where 0 and 100 leave room). Hiding more never makes another hidden value easier to
    work out, so the units are protected one after the other.

    The same rule, from the same full data, whatever a page or an export asks for.
    """
    # Each unit is an edge from its row to its column; a sum a unit is not part of
    # (an area not counted toward the total, a municipality outside the region) is
    # replaced by a free node, which ties nothing. z = sign · m makes every row and
    # every column sum to zero, so hidden values can only move along cycles.
    # A municipality outside the region is in one sum only, its own total: it gets a
    # free node of its own, so each search below stays within the part it can reach.
    edges: dict[Key, tuple[tuple[str, str], tuple[str, str], int]] = {}
    for key, (n, _m) in units.items():
        if n == 0:
            continue  # no complete response: its sum is known to be nothing
        code, slug = key
        free = ("free", "" if code == REGION or code in members else code)
        if code == REGION:
            tail = ("row", REGION) if slug == TOTAL or slug in counted else free
            edges[key] = (tail, ("col", slug), 1 if slug == TOTAL else -1)
        elif slug == TOTAL:
            edges[key] = (("row", code), ("col", TOTAL) if code in members else free, -1)
        else:
            tail = ("row", code) if slug in counted else free
            head = ("col", slug) if code in members else free
            if tail != head:  # both free: in no sum at all, nothing to protect
                edges[key] = (tail, head, 1)

    # Sorted, so that ties between equally cheap cycles are broken the same way every time.
    adjacent: dict[tuple[str, str], list[tuple[Key, tuple[str, str], bool]]] = {}
    for key in sorted(edges):
        tail, head, _sign = edges[key]
        adjacent.setdefault(tail, []).append((key, head, True))
        adjacent.setdefault(head, []).append((key, tail, False))

    primary = sorted(key for key in edges if units[key][0] < min_n)
    hidden = set(primary)
    for key in primary:
        n, m = units[key]
        full = 100 * per_point * n
        wanted = PROTECTION * per_point * n
        up, down = min(wanted, full - m), min(wanted, m)
        tail, head, sign = edges[key]
        # One cycle with room both ways; else one for each way (a unit at 0 on one side
        # and at 100 on the other leaves no single cycle room both ways); else, where
        # the data leave no room at all, a cycle that at least stops exact derivation.
        for moves in ([(up, down)], [(up, 0), (0, down)], [(0, 0)]):
            paths = [
                _cheapest_path(head, tail, key, sign, u, d, units, edges, adjacent, hidden, per_point)
                for u, d in moves
            ]
            if None not in paths:
                for path in paths:
                    hidden.update(path)
                break
    return hidden - set(primary)


def _cheapest_path(start, goal, skip, sign, up, down, units, edges, adjacent, hidden, per_point):
    """The cheapest path from start to goal that avoids `skip` and leaves it room to move.

    Moving the skipped unit's m up by d moves each unit on the cycle by ±d: + when the
    unit is passed in the direction of its edge and has the same sign, − otherwise. A
    unit can be used only if it has room for both moves within 0..100.
    """
    best = {start: (0, 0)}
    previous: dict = {}
    queue = [(0, 0, 0, start)]
    counter = 0
    while queue:
        cost, hops, _c, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                key, node = previous[node]
                path.append(key)
            return path
        if best.get(node, (cost, hops)) < (cost, hops):
            continue
        for key, other, forward in adjacent.get(node, ()):
            if key == skip:
                continue
            n, m = units[key]
            room_up, room_down = 100 * per_point * n - m, m
            if (1 if forward else -1) * edges[key][2] * sign < 0:
                room_up, room_down = room_down, room_up
            if room_up < up or room_down < down:
                continue
            step = 0 if key in hidden else n * (_REGION_COST if key[0] == REGION else 1)
            candidate = (cost + step, hops + 1)
            if candidate < best.get(other, (math.inf, 0)):
                best[other] = candidate
                previous[other] = (key, node)
                counter += 1
                heapq.heappush(queue, (*candidate, counter, other))
    return None


# --- results -------------------------------------------------------------------------------
# Read-only by convention: not frozen, because compute() makes one per unit (some
# 30,000 for the export) and a frozen dataclass takes 2.5 times as long to build.
@dataclass(slots=True)
class UnitResult:
    year: int
    area_code: str  # a municipality code, or REGION
    authority_area: AuthorityArea | None  # None: the total
    estimate: Estimate

    @property
    def area_slug(self) -> str:
        return self.authority_area.slug if self.authority_area else TOTAL


class NkiResults:
    """Every unit's NKI (and optionally factor indexes) for a set of rounds.

    `municipalities` (every municipality, by name) is read when first asked for when
    not given: the pages that read stored results name only a few, which they have.
    """

    def __init__(
        self,
        rounds: list[SurveyRound],
        areas: list[AuthorityArea],
        municipalities: list[Municipality] | None,
        factors: list[ServiceFactor],
    ):
        self.rounds = rounds
        self.areas = areas
        self._municipalities = municipalities
        self.factors = factors
        self._nki: dict[tuple[int, str, str], UnitResult] = {}
        self._factor: dict[tuple[int, str, str, str], Estimate] = {}
        self._counted: dict[int, list[AuthorityArea]] | None = None

    @property
    def municipalities(self) -> list[Municipality]:
        if self._municipalities is None:
            self._municipalities = list(Municipality.objects.defer("boundary"))
        return self._municipalities

    def counted_areas(self, survey_round: SurveyRound) -> list[AuthorityArea]:
        """The areas counted toward the round's total, in area order (one query for all rounds)."""
        if self._counted is None:
            through = SurveyRound.counted_areas.through
            pairs = through.objects.filter(surveyround_id__in=[r.pk for r in self.rounds]).values_list(
                "surveyround_id", "authorityarea_id"
            )
            counted: dict[int, set[int]] = {}
            for round_id, area_id in pairs:
                counted.setdefault(round_id, set()).add(area_id)
            self._counted = {
                r.pk: [a for a in self.areas if a.pk in counted.get(r.pk, ())] for r in self.rounds
            }
        return self._counted.get(survey_round.pk, [])

    def get(self, year: int, area_code: str, area_slug: str = TOTAL) -> UnitResult | None:
        return self._nki.get((year, area_code, area_slug))

    def factor(self, year: int, area_code: str, factor_slug: str, area_slug: str = TOTAL) -> Estimate | None:
        return self._factor.get((year, area_code, area_slug, factor_slug))

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self._nki.values())

    # The one place where unit sums become estimates, for compute() and for stored results.
    def _add_nki(self, survey_round, code, slug, n, s1, s2, count, withheld, areas_by_slug) -> None:
        estimate = Estimate.from_totals(
            n,
            s1,
            s2,
            count,
            offset=3,
            scale=nki_scale(survey_round.scale_max),
            min_n_display=survey_round.min_n_display,
        )
        estimate.withheld = withheld
        self._nki[(survey_round.year, code, slug)] = UnitResult(
            survey_round.year, code, areas_by_slug.get(slug), estimate
        )

    def _add_factor(self, survey_round, code, slug, name, n, s1, s2, count, withheld) -> None:
        estimate = Estimate.from_totals(
            n,
            s1,
            s2,
            count,
            offset=1,
            scale=factor_scale(survey_round.scale_max),
            min_n_display=survey_round.min_n_display,
        )
        estimate.withheld = withheld
        self._factor[(survey_round.year, code, slug, name)] = estimate


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
    # Member municipalities' units are always summed, shown or not: which units must be
    # withheld depends on all of them (see withheld_units), and must not depend on
    # what a page asks for.
    unit_codes = {m.pk: m.code for m in municipalities if m.member or wanted is None or m.code in wanted}
    members = {m.pk for m in municipalities if m.member}
    member_codes = {m.code for m in municipalities if m.member}

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
        code = unit_codes.get(municipality_id)
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

    # One suppression table per round for NKI, and per round and factor for the
    # factor indexes: (n, m) with m the exact mean's numerator (see withheld_units).
    per_round = {r.pk: r for r in round_list}
    counted_slugs = {r.pk: {a.slug for a in r.counted_areas.all()} for r in round_list}
    tables: dict[tuple, dict[Key, tuple[int, int]]] = {}
    for (round_id, code, slug), (n, s1, _s2, _count) in nki_sums.items():
        a, _b = nki_scale(per_round[round_id].scale_max)
        tables.setdefault((round_id, None), {})[(code, slug)] = (n, a * (s1 - 3 * n))
    for (round_id, code, slug, name), (n, s1, _s2, _count) in factor_sums.items():
        a, _b = factor_scale(per_round[round_id].scale_max)
        tables.setdefault((round_id, name), {})[(code, slug)] = (n, a * (s1 - n))
    withheld = set()
    for (round_id, name), units in tables.items():
        survey_round = per_round[round_id]
        _a, b = (factor_scale if name else nki_scale)(survey_round.scale_max)
        for code, slug in withheld_units(
            units, member_codes, counted_slugs[round_id], survey_round.min_n_display, b
        ):
            withheld.add((round_id, code, slug, name))

    def shown(code: str) -> bool:
        return code == REGION or wanted is None or code in wanted

    areas_by_slug = {a.slug: a for a in areas}
    for (round_id, code, slug), (n, s1, s2, count) in nki_sums.items():
        if shown(code):
            withheld_here = (round_id, code, slug, None) in withheld
            results._add_nki(per_round[round_id], code, slug, n, s1, s2, count, withheld_here, areas_by_slug)
    for (round_id, code, slug, name), (n, s1, s2, count) in factor_sums.items():
        if shown(code):
            withheld_here = (round_id, code, slug, name) in withheld
            results._add_factor(per_round[round_id], code, slug, name, n, s1, s2, count, withheld_here)
    return results


# --- stored results ----------------------------------------------------------------------------
# compute() over every response is the expensive part of the NKI pages and the export:
# one grouped query over all responses and the complementary suppression of every
# round. Its output changes only when survey data (or municipalities) change, so it
# is computed once for all rounds and units and stored (NkiStoredUnits);
# `results()` reads the stored units while the data version they were computed from
# is still current, and recomputes them first otherwise. The numbers are exactly
# compute()'s: each unit's estimate is stored as its exact integer parts. Each unit is
# also stored as the export writes it (`stored_export()`, `surveys.export.stored_text`),
# so that an export of every unit formats nothing per request.
_STAMP_KINDS = ("surveys", "municipalities")
# Part of the stamp: units stored in an older layout are recomputed, not misread.
_STORE_LAYOUT = "3"


def _stamp() -> str:
    return f"{versions.stamp(_STAMP_KINDS)}/{_STORE_LAYOUT}"


def _estimate_row(estimate: Estimate) -> list:
    mean, variance = estimate._mean, estimate._variance
    return [
        estimate.n,
        estimate.responses,
        *(mean or (None, None)),
        *(variance or (None, None)),
        estimate.withheld,
        *estimate.public_tenths(),
    ]


def _estimate_from_row(row: list, min_n_display: int) -> Estimate:
    n, responses, mean_num, mean_den, var_num, var_den, withheld, *public = row
    estimate = Estimate(
        n,
        responses,
        min_n_display,
        None if mean_den is None else (mean_num, mean_den),
        None if var_den is None else (var_num, var_den),
    )
    estimate.withheld = withheld
    estimate._public = tuple(public)
    return estimate


def store(stamp: str | None = None) -> bool:
    """Compute every round's NKI units and store them; False if already current.

    Run after an import (and by `manage.py store_nki`); `results()` also runs it when
    the stored units are out of date. `stamp`: the data version read *before*
    computing, so that results stored from newer data than their stamp are merely
    recomputed once more, never kept as current when they are older.
    """
    stamp = stamp or _stamp()
    NkiSnapshot.objects.get_or_create(pk=1)
    with transaction.atomic():
        # One computation at a time: the others wait here, then find it done.
        snapshot = NkiSnapshot.objects.select_for_update().get(pk=1)
        if snapshot.stamp == stamp:
            return False
        # NKI only: the factor indexes' suppression (six more tables per round) would make
        # this many times slower, and only one page shows them, for one municipality.
        full = compute()
        # The export's text of the units (see NkiStoredUnits.export). Imported here: the
        # export reads this module's results.
        from surveys.export import stored_text

        by_unit: dict[tuple[int, str], NkiStoredUnits] = {}
        units_of: dict[tuple[int, str], list[UnitResult]] = {}
        round_ids = {r.year: r.pk for r in full.rounds}
        for unit in full:
            # What the public sees, computed once for both stored forms (as results() sets it).
            unit.estimate._public = unit.estimate.public_tenths()
            key = (round_ids[unit.year], unit.area_code)
            row = by_unit.get(key)
            if row is None:
                row = by_unit[key] = NkiStoredUnits(survey_round_id=key[0], code=key[1], nki=[], factors=[])
                units_of[key] = []
            row.nki.append([unit.area_slug, *_estimate_row(unit.estimate)])
            units_of[key].append(unit)
        for key, row in by_unit.items():
            row.export = stored_text(units_of[key], full.areas)
        NkiStoredUnits.objects.all().delete()
        NkiStoredUnits.objects.bulk_create(by_unit.values(), batch_size=500)
        snapshot.stamp, snapshot.computed_at = stamp, timezone.now()
        snapshot.save(update_fields=["stamp", "computed_at"])
    return True


def _make_current() -> None:
    """Store the units first if survey data or municipalities have changed since they were stored."""
    stamp = _stamp()
    if not NkiSnapshot.objects.filter(pk=1, stamp=stamp).exists():
        store(stamp)


def stored_export(
    years: Iterable[int] | None = None, codes: Iterable[str] | None = None
) -> list[tuple[int, str, str]]:
    """(year, unit code, `NkiStoredUnits.export`) of the stored units of `years` and `codes` (all by default).

    The export's text of every unit, current like `results()`: at most three queries (the
    data version, the snapshot's stamp and the stored units; the units are recomputed
    first if they are out of date). `codes` are unit codes as stored: municipality
    codes and REGION, which is here only when asked for.
    """
    _make_current()
    stored = NkiStoredUnits.objects.all()
    if years is not None:
        stored = stored.filter(survey_round__year__in=list(years))
    if codes is not None:
        stored = stored.filter(code__in=list(codes))
    return list(stored.values_list("survey_round__year", "code", "export"))


def results(
    years: Iterable[int] | None = None, factors: bool = False, codes: Iterable[str] | None = None
) -> NkiResults:
    """What `compute(years, factors, codes)` returns, NKI read from the stored units.

    The stored units are recomputed first when survey data or municipalities have
    changed since they were stored. Factor indexes are not stored: with `factors`
    this is compute() itself (the municipality page asks for one round and one
    municipality). A fixed number of queries: the data version (none inside a cached
    public view, which has read it already), the snapshot's stamp, rounds, areas and
    the stored units of the rounds and units asked for; counted areas and
    municipalities one more each, when first asked for.
    """
    if factors:
        return compute(years, factors=True, codes=codes)
    _make_current()
    # No counted areas (NkiResults.counted_areas() reads them if asked) and no
    # municipalities (NkiResults.municipalities): the stored units need neither.
    rounds = SurveyRound.objects.all()
    if years is not None:
        rounds = rounds.filter(year__in=list(years))
    round_list = list(rounds)
    areas = list(AuthorityArea.objects.all())
    found = NkiResults(round_list, areas, None, [])
    if not round_list:
        return found
    stored = NkiStoredUnits.objects.filter(survey_round__in=round_list)
    if codes is not None:
        stored = stored.filter(code__in=[REGION, *codes])
    per_round = {r.pk: r for r in round_list}
    areas_by_slug = {a.slug: a for a in areas}
    units = found._nki
    # Plain rows, not model instances.
    for round_id, code, nki_rows in stored.values_list("survey_round_id", "code", "nki"):
        survey_round = per_round[round_id]
        year, min_n = survey_round.year, survey_round.min_n_display
        for slug, *parts in nki_rows:
            units[(year, code, slug)] = UnitResult(
                year, code, areas_by_slug.get(slug), _estimate_from_row(parts, min_n)
            )
    return found
