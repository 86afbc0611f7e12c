"""Stored NKI results (issue 15): the pages and the export read finished numbers that equal compute()."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import nki
from surveys.models import AuthorityArea, NkiSnapshot, NkiStoredUnits, Response
from tests.surveys.factories import make_round, respond, same

pytestmark = pytest.mark.django_db

AREAS = ["bygglov", "miljo_halsoskydd", "livsmedelskontroll", "brandskydd"]
FACTORS = ["information", "tillganglighet", "bemotande", "kompetens", "rattssakerhet", "effektivitet"]


@pytest.fixture
def two_rounds(county):
    """Two rounds across the county with many small units (so suppression withholds some), seeded."""
    rng = random.Random(15)
    areas = {a.slug: a for a in AuthorityArea.objects.all()}
    rows = []
    for year, scale in ((2023, 6), (2025, 10)):
        survey_round = make_round(year, scale_max=scale)
        for municipality in county.values():
            for slug in AREAS:
                if rng.random() < 0.2:
                    continue
                size = rng.randint(1, 6) if rng.random() < 0.4 else rng.randint(7, 30)
                for _ in range(size):
                    answer = rng.randint(1, scale)
                    rows.append(
                        Response(
                            round=survey_round,
                            municipality=municipality,
                            area=areas[slug],
                            q_total=answer,
                            q_expectations=min(scale, answer + rng.choice([0, 1])),
                            q_ideal=rng.choice([answer, None]) if rng.random() < 0.1 else answer,
                            **{f: rng.choice([None, rng.randint(1, scale)]) for f in FACTORS},
                        )
                    )
    Response.objects.bulk_create(rows)
    return county


def described(found: nki.NkiResults) -> dict:
    """Everything a unit publishes or decides, for NKI and every factor."""
    units = {
        (u.year, u.area_code, u.area_slug): (
            u.estimate.n,
            u.estimate.responses,
            u.estimate.mean,
            u.estimate.variance,
            u.estimate.withheld,
            u.estimate.suppressed,
            u.estimate.public_tenths(),
        )
        for u in found
    }
    factors = {
        key: (e.n, e.mean, e.variance, e.withheld, e.public_tenths()) for key, e in found._factor.items()
    }
    return {"units": units, "factors": factors}


@pytest.mark.parametrize(
    "ask",
    [
        {},
        {"factors": True},
        {"years": [2025]},
        {"codes": ["1880", "1860"]},
        {"years": [2023], "factors": True, "codes": ["1864"]},
        {"codes": []},
    ],
)
def test_stored_results_equal_a_fresh_computation(two_rounds, ask):
    stored = nki.results(**ask)
    fresh = nki.compute(**ask)
    # Factor indexes are computed when asked for; NKI units are read from the store.
    assert NkiStoredUnits.objects.exists() != bool(ask.get("factors"))
    assert described(stored) == described(fresh)
    assert len(described(fresh)["units"]) >= 5
    # The data need complementary suppression, so the decision is part of what is compared.
    assert any(u.estimate.withheld for u in nki.compute())


def test_a_change_to_the_responses_is_in_the_very_next_results(two_rounds, orebro):
    round2023 = make_round(2027)
    before = nki.results(years=[2027])
    assert before.get(2027, nki.REGION) is None
    respond(round2023, orebro, "bygglov", *same(6, 10))
    after = nki.results(years=[2027])
    assert after.get(2027, nki.REGION, "bygglov").estimate.value == 100
    # A bulk update sends no signal; the data version still moves.
    Response.objects.filter(round=round2023).update(q_total=1, q_expectations=1, q_ideal=1)
    assert nki.results(years=[2027]).get(2027, nki.REGION, "bygglov").estimate.value == 0
    assert described(nki.results()) == described(nki.compute())


def test_a_changed_round_setting_is_in_the_very_next_results(two_rounds):
    survey_round = make_round(2027)
    respond(survey_round, two_rounds["1880"], "bygglov", *same(5, 5))
    assert nki.results(years=[2027]).get(2027, "1880", "bygglov").estimate.suppressed  # 5 < 7
    survey_round.min_n_display = 3
    survey_round.save()
    assert not nki.results(years=[2027]).get(2027, "1880", "bygglov").estimate.suppressed


def test_the_export_reads_the_stored_units(client, two_rounds):
    url = reverse("surveys:export") + "?year=2023"
    first = client.get(url)
    stamp = NkiSnapshot.objects.get().stamp
    # Reading again computes nothing: the stored units are current.
    assert nki.store(stamp) is False
    rows = list(csv.DictReader(io.StringIO(first.content.decode("utf-8-sig"))))
    fresh = {
        (str(u.year), u.area_code, u.area_slug): u.estimate.public_tenths() for u in nki.compute(years=[2023])
    }
    survey_rows = [r for r in rows if r["source"] == "survey"]
    assert len(survey_rows) == len(fresh)
    for row in survey_rows:
        value = fresh[(row["year"], row["area_code"], row["authority_area"])][0]
        assert row["nki"] == ("" if value is None else f"{value / 10:.1f}")


def test_an_import_stores_the_results_when_it_commits(tmp_path, orebro, django_capture_on_commit_callbacks):
    make_round(2023)
    path = tmp_path / "responses.csv"
    header = "year,municipality_code,authority_area,q_total,q_expectations,q_ideal," + ",".join(FACTORS)
    path.write_text(header + "\n" + "2023,1880,bygglov,5,5,5,,,,,,\n" * 8, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_survey_responses", str(path))
    stored = NkiStoredUnits.objects.get(code="1880")
    assert [row[0] for row in stored.nki] == ["bygglov", "total"] or {row[0] for row in stored.nki} == {
        "bygglov",
        "total",
    }
    with CaptureQueriesContext(connection) as queries:
        found = nki.results(years=[2023], codes=["1880"])
    assert not any("surveys_response" in q["sql"] for q in queries)  # no grouping over responses
    assert found.get(2023, "1880", "bygglov").estimate.value == 80


def test_store_nki_command_stores_once(two_rounds):
    call_command("store_nki")
    stamp = NkiSnapshot.objects.get().stamp
    assert stamp
    assert nki.store() is False
