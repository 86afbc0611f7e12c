"""Complementary suppression: no hidden NKI can be worked out from the published figures.

Issue 10, M7: the region's NKI and n minus the other municipalities gave a hidden
municipality back within 2 points. These tests attack the published numbers (the
rule itself on many random rounds, and the real export and page) and must fail to
pin any hidden value down to within ±2 points.
"""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.urls import reverse

from surveys.models import AuthorityArea, Response, SurveyRound
from surveys.nki import PROTECTION, REGION, TOTAL, compute, withheld_units
from tests.surveys.attack import ranges, relations
from tests.surveys.factories import make_round, respond, same

AREAS = [
    "bygglov",
    "miljo_halsoskydd",
    "livsmedelskontroll",
    "brandskydd",
    "serveringstillstand",
    "markupplatelse",
]


def _random_round(rng: random.Random, steps: int) -> tuple[dict, set[str], set[str]]:
    """One round's units, (code, slug) → (n, m), with totals and the region summed.

    Every response has a raw score of 0..steps (15 for NKI on a 1–6 scale: three
    answers; 5 for one factor answer), so a unit's value 100 · Σraw / (steps · n) can
    only take the values real answers give. m = 100 · Σraw, as compute() passes it.
    """
    members = {f"m{i}" for i in range(rng.randint(2, 12))}
    outsiders = {f"x{i}" for i in range(rng.randint(0, 2))}
    counted = set(rng.sample(AREAS, rng.choice([4, 6])))
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for code in sorted(members | outsiders):
        for slug in AREAS:
            draw = rng.random()
            if draw < 0.3:
                continue
            n = rng.randint(1, 6) if draw < 0.65 else rng.randint(7, 60)
            # Small units often answer all alike: 0 and 100 are where protection is hardest.
            kind = rng.random()
            if kind < 0.2:
                raw = [steps] * n
            elif kind < 0.3:
                raw = [0] * n
            else:
                level = rng.randint(0, steps)
                raw = [min(steps, max(0, level + rng.randint(-2, 2))) for _ in range(n)]
            cells[(code, slug)] = (n, 100 * sum(raw))
    units = dict(cells)

    def add(key, n, m):
        old_n, old_m = units.get(key, (0, 0))
        units[key] = (old_n + n, old_m + m)

    for (code, slug), (n, m) in cells.items():
        if slug in counted:
            add((code, TOTAL), n, m)
        if code in members:
            add((REGION, slug), n, m)
            if slug in counted:
                add((REGION, TOTAL), n, m)
    return units, members, counted


@pytest.mark.parametrize("steps", [15, 5], ids=["nki", "factor"])
def test_no_hidden_value_can_be_pinned_down_in_random_rounds(steps):
    rng = random.Random(20261130 + steps)
    attacked = 0
    for _ in range(60):
        units, members, counted = _random_round(rng, steps)
        min_n = 7
        hidden = {key for key, (n, _m) in units.items() if 0 < n < min_n}
        hidden |= withheld_units(units, members, counted, min_n, steps)
        values = {key: (n, m / (steps * n) if n else 0.0) for key, (n, m) in units.items()}
        tied = {key for total, parts in relations(units, members, counted) for key in (total, *parts)}
        # Only the small units are sensitive; those withheld to protect them are not. A
        # unit in no sum at all (an uncounted area outside the region) cannot be derived.
        small = {key for key in hidden if values[key][0] < min_n and key in tied}
        found = ranges(values, hidden, members, counted, targets=small)
        assert set(found) == small
        for key, (low, high) in found.items():
            n, value = values[key]
            attacked += 1
            assert high - low > 4, f"{key} pinned to {low:.2f}..{high:.2f} (true {value})"
            assert low <= value - min(PROTECTION, value) + 1e-6
            assert high >= value + min(PROTECTION, 100 - value) - 1e-6
            # Answers are whole numbers: values this unit could have, more than 2 points off.
            possible = [100 * k / (steps * n) for k in range(steps * n + 1)]
            assert any(low - 1e-6 <= v <= high + 1e-6 and abs(v - value) > 2 for v in possible)
    assert attacked > 100  # the random rounds did hide many small units


def test_one_small_municipality_is_not_given_away_by_the_region():
    """The case of the report: Laxå hidden, everything else published, region minus the rest."""
    units = {
        ("1880", "bygglov"): (40, 40 * 72),
        ("1881", "bygglov"): (15, 15 * 65),
        ("1860", "bygglov"): (3, 3 * 100),
    }
    units[("1880", TOTAL)], units[("1881", TOTAL)], units[("1860", TOTAL)] = (
        units[("1880", "bygglov")],
        units[("1881", "bygglov")],
        units[("1860", "bygglov")],
    )
    units[(REGION, "bygglov")] = units[(REGION, TOTAL)] = (58, 40 * 72 + 15 * 65 + 300)
    members, counted = {"1880", "1881", "1860"}, {"bygglov"}
    withheld = withheld_units(units, members, counted, 7, 1)
    # Kumla, the smallest other unit, goes with Laxå; Örebro and the region stay shown.
    assert withheld == {("1881", "bygglov"), ("1881", TOTAL)}
    values = {key: (n, m / n) for key, (n, m) in units.items()}
    low, high = ranges(values, withheld | {("1860", "bygglov"), ("1860", TOTAL)}, members, counted)[
        ("1860", "bygglov")
    ]
    assert high - low > 4 and low <= 95


def test_the_decision_does_not_depend_on_what_is_asked_for(county):
    survey_round = make_round(2023)
    respond(survey_round, county["1880"], "bygglov", *same(5, 30))
    respond(survey_round, county["1860"], "bygglov", *same(6, 2))
    respond(survey_round, county["1864"], "bygglov", *same(3, 9))
    respond(survey_round, county["1881"], "bygglov", *same(4, 12))
    full = compute()
    for codes in ([], ["1880"], ["1864"], ["1860", "1881"]):
        scoped = compute(codes=codes)
        for unit in scoped:
            assert (
                unit.estimate.suppressed
                == full.get(unit.year, unit.area_code, unit.area_slug).estimate.suppressed
            )
    assert full.get(2023, "1864", "bygglov").estimate.withheld  # Ljusnarsberg, the smallest, protects Laxå
    assert not full.get(2023, REGION, "bygglov").estimate.suppressed


def test_factor_indexes_are_protected_the_same_way(orebro, laxa, round2023):
    respond(round2023, orebro, "bygglov", *same(5, 20), information=5)
    respond(round2023, laxa, "bygglov", *same(5, 3), information=1)
    results = compute(factors=True)
    assert results.factor(2023, "1860", "information").suppressed
    # With two municipalities, the region's index minus Örebro's would be Laxå's.
    assert (
        results.factor(2023, "1880", "information").suppressed
        or results.factor(2023, REGION, "information").suppressed
    )


def _published(client, query=""):
    response = client.get(reverse("surveys:export") + query)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def random_county(county):
    """A year of responses across the county with many small units, from a fixed seed."""
    rng = random.Random(7)
    survey_round = make_round(2023)
    areas = {a.slug: a for a in AuthorityArea.objects.all()}
    rows = []
    for municipality in county.values():
        for slug in AREAS:
            if rng.random() < 0.25:
                continue
            size = rng.randint(1, 6) if rng.random() < 0.4 else rng.randint(7, 40)
            level = rng.randint(2, 6)
            for _ in range(size):
                answer = min(6, max(1, level + rng.choice([-1, 0, 0, 1])))
                rows.append(
                    Response(
                        round=survey_round,
                        municipality=municipality,
                        area=areas[slug],
                        q_total=answer,
                        q_expectations=answer,
                        q_ideal=min(6, answer + rng.choice([0, 1])),
                    )
                )
    Response.objects.bulk_create(rows)
    return survey_round


def test_the_export_gives_no_hidden_value_away(client, random_county):
    rows = _published(client, "?year=2023")
    units = {}
    hidden = set()
    for row in rows:
        if row["source"] != "survey":
            continue
        key = (row["area_code"], row["authority_area"])
        units[key] = (int(row["n"]), float(row["nki"]) if row["nki"] else 0.0)
        if not row["nki"]:
            hidden.add(key)
    members = {code for code, _slug in units if code != REGION}
    counted = set(SurveyRound.objects.get(year=2023).counted_areas.values_list("slug", flat=True))
    small = {key for key in hidden if units[key][0] < 7}
    assert len(small) >= 5  # the data really hide several small units
    # The subtraction of the report needs a sum with one hidden part: there is none.
    for total, parts in relations(units, members, counted):
        in_sum = [k for k in [total, *parts] if k in hidden and units[k][0] > 0]
        assert len(in_sum) != 1, f"{in_sum[0]} is the only hidden part of {total}'s sum"
    # The linear programme over all sums, with the one-decimal rounding of what is shown.
    found = ranges(units, hidden, members, counted, slack=0.05)
    true = compute(years=[2023])
    for key in small:
        low, high = found[key]
        value = true.get(2023, *key).estimate.value
        assert high - low > 4, f"{key} pinned to {low:.2f}..{high:.2f} (true {value:.2f})"
        assert low - 1e-6 <= value <= high + 1e-6


def test_the_page_hides_what_the_export_hides(client, random_county):
    hidden = {
        (row["area_code"], row["authority_area"])
        for row in _published(client, "?year=2023")
        if row["source"] == "survey" and not row["nki"]
    }
    withheld = [key for key in hidden if key[0] != REGION and compute().get(2023, *key).estimate.withheld]
    assert withheld, "the data should need complementary suppression"
    code, slug = withheld[0]
    html = client.get(f"/en/nki/?area={slug}&municipality={code}").content.decode()
    value = compute().get(2023, code, slug).estimate.public_tenths()
    assert value == (None, None, None, None)
    assert "hidden to protect" in html
