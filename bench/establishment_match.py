"""Bench for issue 13: matching one establishment request at national scale.

Needs the national dataset of bench/generate.py (municipalities, premises, land: 100,000
premises and 20,000 plots at --scale 1) in the PostGIS database DATABASE_URL names. Adds
`--landmarks` landmarks of each kind at generated listings' positions (deleting the bench's
earlier ones), stores a few typical requests, and times `establishment.matching.match` on
each, warm, `--runs` times. Prints one JSON line per request: median and worst milliseconds,
queries, matches and near misses.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/brorebro_bench DJANGO_SECRET_KEY=bench \\
        .venv/bin/python bench/establishment_match.py

Never point it at a database with real data: it deletes landmarks named "Bench …". The
landmarks are ANALYZEd after they are placed, as after any load: the bench used to leave
statistics of an empty table, under which the planner chose very different plans.

`--spread` places the landmarks all over the country instead of in one region, so that most
listings are near one: the boxes that narrow the rows down before distances are measured
(establishment.matching._select) then narrow nothing.

Measured on 2026-11-30 at full scale (100 000 premises, 20 000 plots, 100 landmarks of each
kind) on the shared 2-core development machine, other suites running at times (load average
0.7–1.0), 9 runs each (7 for "before"), median / worst ms and queries:

    request                      after              before (HEAD, same machine state)
    warehouse near a motorway     81 / 141,  7 q     456 / 514,  9 q   (brief: 1 557)
    premises or land, broad      143 / 225, 11 q     812 / 864, 13 q   (brief: 3 374)
    logistics land with rail      92 / 157,  6 q     220 / 286,  9 q   (brief:   508)
    with --spread (medians)      111 / 221 / 120     621 / 1 312 / 246

"brief" is the figure measured idle with the empty-table statistics the bench used to leave;
with those statistics the old code took up to 4.1 / 8.8 / 0.8 s under load (a per-row probe
of the landmarks by kind for every listing), the new one 0.17 s at most. Results are the same
as before for these and seven more requests, clustered and spread (compared row by row:
order, failed criterion, score, every check's text, distances and names).

Where the time goes now (EXPLAIN ANALYZE, clustered, medians of 9): selecting the rows
17 / 10 + 5 / 24 ms (the warehouses and the premises near a junction come from two indexes,
a BitmapOr; the broad request measures distances for some 500 premises of the 8 000 in the
boxes before it has its 300 matches; requests with few matches score all their candidates,
a second pass); the figures of the 300 chosen rows 9 ms for premises, 20 ms for land
(distance and nearest landmark of four kinds per polygon); explaining and scoring in Python
37–81 ms (0.1 ms a listing). A request with few matches among many candidates in the
boxes still measures the distance for every candidate: premises or land within 0.5 km of an
airport takes 0.18 s, and 0.36 s with --spread (every premises and plot in the box: some
100 000 tests at ~3 µs against the 100 airports), the one case found over the target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brorebro.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from establishment.matching import match  # noqa: E402
from establishment.models import EstablishmentRequest  # noqa: E402
from land.models import Landmark, LandmarkKind  # noqa: E402
from premises.models import Premises  # noqa: E402

REQUESTS = {
    "warehouse near a motorway": {
        "wants": "premises",
        "premises_kinds": ["warehouse"],
        "area_min_m2": 2000,
        "area_max_m2": 5000,
        "amenities": ["loading_dock"],
        "max_km_motorway": Decimal(10),
    },
    "premises or land, broad": {
        "wants": "either",
        "area_min_m2": 500,
        "area_max_m2": 20000,
        "land_area_min_ha": Decimal(1),
        "land_area_max_ha": Decimal(20),
        "max_km_rail_terminal": Decimal(30),
        "max_km_airport": Decimal(60),
    },
    "logistics land with rail": {
        "wants": "land",
        "land_purposes": ["logistics", "industry"],
        "land_rail": True,
        "land_water_sewer": True,
        "max_km_motorway": Decimal(5),
    },
}


def landmarks(per_kind: int, spread: bool) -> None:
    """`per_kind` landmarks of each kind at generated premises' positions, then ANALYZE.

    By default at the first premises by id, which lie in one region (some 35 × 25 km): most
    listings are far from every landmark. With `spread`, at every 250th premises: landmarks
    all over the country, so that most listings are near one (the harder case for the
    boxes that narrow the rows down before distances are measured).
    """
    Landmark.objects.filter(name__startswith="Bench ").delete()
    premises = Premises.objects.order_by("pk")
    if spread:
        premises = premises.annotate(_m=Mod("pk", 250)).filter(_m=0)
    points = list(premises.values_list("location", flat=True)[: per_kind * 4])
    rows = []
    for i, kind in enumerate([k for k in LandmarkKind.values]):
        for j, point in enumerate(points[i::4][:per_kind]):
            rows.append(Landmark(kind=kind, name=f"Bench {kind} {j}", location=point))
    Landmark.objects.bulk_create(rows)
    # Statistics as after any load: without them the planner guesses the table is empty
    # (the state the bench used to leave), which chose very different plans.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE land_landmark")


def store_requests() -> list[EstablishmentRequest]:
    """The typical requests as cases (company "Bench …"), replacing the bench's earlier ones."""
    EstablishmentRequest.objects.filter(company_name__startswith="Bench ").delete()
    return [
        EstablishmentRequest.objects.create(
            company_name=f"Bench {name}",
            contact_name="Bench",
            contact_email="bench@example.invalid",
            **fields,
        )
        for name, fields in REQUESTS.items()
    ]


def timing(case: EstablishmentRequest, runs: int) -> dict:
    """`match(case)` warm, `runs` times: median and worst ms, queries, matches, near misses."""
    match(case)  # warm: caches, plans
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = match(case)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "request": case.company_name.removeprefix("Bench "),
        "premises": Premises.objects.count(),
        "median_ms": round(statistics.median(times), 1),
        "worst_ms": round(max(times), 1),
        "queries": len(queries.captured_queries),
        "matches": len(result.matches),
        "near_misses": len(result.near_misses),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--landmarks", type=int, default=100, help="landmarks of each kind")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--spread", action="store_true", help="landmarks all over the country")
    parser.add_argument(
        "--setup-only",
        action="store_true",
        help="place the landmarks and store the requests, keep them, time nothing",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the requests stored by --setup-only (make bench), keep them",
    )
    args = parser.parse_args()
    if args.reuse:
        cases = list(EstablishmentRequest.objects.filter(company_name__startswith="Bench ").order_by("pk"))
    else:
        landmarks(args.landmarks, args.spread)
        cases = store_requests()
    if args.setup_only:
        print(f"{len(cases)} requests and {args.landmarks} landmarks of each kind stored", file=sys.stderr)
        return
    for case in cases:
        print(json.dumps(timing(case, args.runs), ensure_ascii=False), flush=True)
    if not args.reuse:
        EstablishmentRequest.objects.filter(company_name__startswith="Bench ").delete()


if __name__ == "__main__":
    main()
