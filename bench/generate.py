#!/usr/bin/env python
"""Generate the deterministic national-scale benchmark dataset on PostGIS.

    .venv/bin/python bench/generate.py --scale 1 STEP [options]

Steps (bench/run.sh runs each under /usr/bin/time -v, so each is timed on its own):

    municipalities  all 290 Swedish municipalities (codes and names from the national
                    boundary file; Örebro County's from fixtures/municipalities.json,
                    with their office details). Boundaries are then loaded by the core
                    command `import_municipality_boundaries --skip-unknown`.
    premises        100,000 × scale premises, points inside their municipality
    land            20,000 × scale land plots, small polygons inside their municipality
    surveys         rounds 2011..2025 and 1,000,000 × scale survey responses
    analyze         VACUUM ANALYZE, as after any bulk load
    csv             a premises CSV for `manage.py import_premises` (default 10,000 rows)
    mix             the load generator's URL mix, with real ids and codes (JSON)
    stats           row counts and table sizes (JSON)

Rows are made by `INSERT … SELECT` in PostgreSQL: points with ST_GeneratePoints
(seeded per municipality), every other value from a hash of the row number
(`hashint8extended`), so the same scale gives the same data on every run and the
work is done where the data lives. Columns are taken from the app models; a column
that this script does not set gets the model field's default (or '' for a blank
text field), so a new field with a default does not break the benchmark.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brorebro.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from brorebro.models import Municipality  # noqa: E402

SEED = 20261126
# Not shipped with the portal (only the county's twelve are, in fixtures/): bench/run.sh
# passes it with --boundaries.
NATIONAL_BOUNDARIES = BASE_DIR.parent / "shared" / "data" / "sweden_municipalities.geojson"
FIXTURE = BASE_DIR / "fixtures" / "municipalities.json"
# Reference rows that a data migration creates; --reset keeps them (the survey step
# needs the authority areas, and nothing would put them back short of a new database).
SEEDED_BY_MIGRATIONS = {"surveys.AuthorityArea", "surveys.ServiceFactor"}
YEARS = list(range(2011, 2026))
ORE_COUNTY = "18"
# Large towns get more listings and responses than a village; a weight multiplies
# a seeded log-normal base weight per municipality.
BIG = {
    "0180": 10,
    "1480": 7,
    "1280": 6,
    "0380": 4,
    "0580": 3,
    "1880": 4,
    "0680": 3,
    "1980": 3,
    "1281": 2,
    "2480": 2,
    "0880": 2,
    "1283": 2,
}

FULL = {"premises": 100_000, "land": 20_000, "responses": 1_000_000}

# Pseudo-random numbers in SQL: a hash of (row number, salt), so every value is fixed
# by the row number alone, whatever plan PostgreSQL picks.
SQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.u(i bigint, salt bigint) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT (hashint8extended(i, salt) & 9007199254740991)::double precision / 9007199254740992.0 $$;
CREATE OR REPLACE FUNCTION pg_temp.z(i bigint, salt bigint) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT sqrt(-2 * ln(1 - pg_temp.u(i, salt))) * cos(2 * pi() * pg_temp.u(i, salt + 7919)) $$;
CREATE OR REPLACE FUNCTION pg_temp.pick(i bigint, salt bigint, options text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT options[1 + floor(pg_temp.u(i, salt) * array_length(options, 1))::int] $$;
"""


def log(message: str) -> None:
    print(f"[generate {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def sql_functions(cursor) -> None:
    cursor.execute("SET max_parallel_workers_per_gather = 0")
    cursor.execute(SQL_FUNCTIONS)


def counts(scale: float) -> dict[str, int]:
    return {key: int(round(value * scale)) for key, value in FULL.items()}


# --- generic column filling -----------------------------------------------------------------
def insert_select(cursor, model, exprs: dict[str, str], from_sql: str) -> int:
    """INSERT INTO model's table (columns) SELECT exprs FROM from_sql.

    `exprs` maps field names to SQL expressions. Every other NOT NULL column gets the
    field's Python default as a parameter (or now() for auto_now dates, '' for blank
    text); anything else is an error that names the field, so a model change that the
    benchmark does not know about fails loudly instead of writing wrong data.
    """
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        column = field.column
        key = field.attname if field.attname in exprs else field.name
        if key in exprs:
            columns.append(connection.ops.quote_name(column))
            values.append(exprs[key])
            continue
        if field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns.append(connection.ops.quote_name(column))
            values.append("now()")
        elif field.has_default():
            columns.append(connection.ops.quote_name(column))
            value = field.get_db_prep_save(field.get_default(), connection)
            values.append(connection.ops.compose_sql("%s", [value]))
        elif isinstance(field, (models.CharField, models.TextField, models.FileField)) and field.blank:
            columns.append(connection.ops.quote_name(column))
            values.append("''")
        else:
            raise SystemExit(f"bench/generate.py does not know how to fill {model.__name__}.{field.name}")
    unknown = set(exprs) - {n for f in model._meta.concrete_fields for n in (f.name, f.attname)}
    if unknown:
        raise SystemExit(
            f"bench/generate.py sets fields that {model.__name__} does not have: {sorted(unknown)}"
        )
    # No query parameters: defaults are inlined as quoted literals, so a '%' in the
    # caller's SQL (modulo) needs no escaping.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {from_sql}"
    )
    cursor.execute(sql)
    return cursor.rowcount


def municipality_weights() -> dict[int, float]:
    rng = random.Random(SEED)
    weights = {}
    for mid, code, county in Municipality.objects.order_by("code").values_list("id", "code", "county_code"):
        w = math.exp(rng.gauss(0, 0.7)) * BIG.get(code, 1)
        if county == ORE_COUNTY:
            w *= 2  # the portal's own region lists more than an average county
        weights[mid] = w
    return weights


def allocate(total: int, weights: dict[int, float]) -> dict[int, int]:
    """Split `total` over the keys by weight (largest remainder, deterministic)."""
    s = sum(weights.values())
    exact = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    rest = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:rest]:
        out[k] += 1
    return out


def make_points(cursor, table: str, total: int, salt: int) -> None:
    """A temp table (i, mid, geom) of `total` points, each inside its municipality.

    ST_GeneratePoints may return a point fewer than asked for (its rejection sampling
    gives up on thin slivers), so it is asked for a few more and the first n are kept.
    """
    with_boundary = dict(Municipality.objects.filter(boundary__isnull=False).values_list("id", "code"))
    weights = {k: v for k, v in municipality_weights().items() if k in with_boundary}
    alloc = allocate(total, weights)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table}_counts (mid bigint, n int, seed int)")
    rows = [(mid, n, int(with_boundary[mid]) * 100 + salt) for mid, n in alloc.items() if n > 0]
    cursor.executemany(f"INSERT INTO {table}_counts VALUES (%s, %s, %s)", rows)
    cursor.execute(
        f"""
        CREATE TEMP TABLE {table} AS
        SELECT row_number() OVER (ORDER BY c.mid, d.path) AS i, c.mid, d.geom
        FROM {table}_counts c
        JOIN brorebro_municipality m ON m.id = c.mid
        CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(m.boundary, c.n + 5, c.seed)) d
        WHERE d.path[1] <= c.n
        """
    )
    cursor.execute(f"SELECT count(*) FROM {table}")
    got = cursor.fetchone()[0]
    if got != total:
        raise SystemExit(f"expected {total} points, got {got}")


# --- steps ----------------------------------------------------------------------------------------
def step_municipalities(args) -> None:
    features = json.loads(Path(args.boundaries).read_text())["features"]
    fixture = {row["fields"]["code"]: row["fields"] for row in json.loads(FIXTURE.read_text())}
    with transaction.atomic():
        if args.reset:
            with connection.cursor() as cursor:
                from django.apps import apps

                tables = ["brorebro_municipality"]
                for label in ("premises", "land", "surveys"):
                    try:
                        models_ = apps.get_app_config(label).get_models()
                    except LookupError:
                        continue
                    tables += [m._meta.db_table for m in models_ if m._meta.label not in SEEDED_BY_MIGRATIONS]
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        slugs: set[str] = set()
        rows = []
        for feature in sorted(features, key=lambda f: f["properties"]["id"]):
            props = feature["properties"]
            code = props["id"]
            fields = dict(fixture.get(code, {}))
            name = fields.pop("name", None) or props["kom_namn"]
            slug = fields.pop("slug", None) or slugify(name)
            if slug in slugs:  # Håbo and Habo, for one
                slug = f"{slug}-{code}"
            slugs.add(slug)
            fields.pop("code", None)
            rows.append(
                Municipality(
                    code=code,
                    name=name,
                    slug=slug,
                    county_code=fields.pop("county_code", props.get("lan_code") or code[:2]),
                    member=fields.pop("member", False),
                    **fields,
                )
            )
        Municipality.objects.bulk_create(rows)
    log(f"{len(rows)} municipalities")


def step_premises(args) -> None:
    from premises.models import Premises

    n = counts(args.scale)["premises"]
    with transaction.atomic(), connection.cursor() as cursor:
        sql_functions(cursor)
        make_points(cursor, "bench_pts", n, salt=11)
        kinds = "office,retail,industrial,warehouse,workshop,restaurant,care,education,other".split(",")
        # cumulative shares of the kinds above
        cum = [0.30, 0.45, 0.57, 0.72, 0.80, 0.86, 0.89, 0.92, 1.0]
        kind_case = (
            "CASE "
            + " ".join(f"WHEN pg_temp.u(p.i, 1) < {c} THEN '{k}'" for k, c in zip(kinds[:-1], cum[:-1]))
            + f" ELSE '{kinds[-1]}' END"
        )
        medians = {
            "office": 250,
            "retail": 180,
            "industrial": 1500,
            "warehouse": 2500,
            "workshop": 400,
            "restaurant": 150,
            "care": 500,
            "education": 700,
            "other": 300,
        }
        median_case = "CASE p.kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in medians.items()) + " END"
        streets = "{Storgatan,Industrigatan,Kungsgatan,Verkstadsgatan,Lagervägen,Hamngatan,Järnvägsgatan,Terminalvägen,Företagsvägen,Handelsvägen}"
        words = "{Ljus,Flexibel,Nyrenoverad,Centralt belägen,Modern,Rymlig,Effektiv,Välplanerad}"
        kind_sv = {
            "office": "kontorslokal",
            "retail": "butikslokal",
            "industrial": "industrilokal",
            "warehouse": "lagerlokal",
            "workshop": "verkstadslokal",
            "restaurant": "restauranglokal",
            "care": "vårdlokal",
            "education": "lokal för utbildning",
            "other": "lokal",
        }
        kind_sv_case = (
            "CASE p.kind " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in kind_sv.items()) + " END"
        )
        amenity_share = {
            "has_parking": 0.6,
            "has_loading_dock": 0.25,
            "has_rail_siding": 0.03,
            "has_fibre": 0.7,
            "has_lift": 0.35,
            "has_step_free": 0.5,
            "has_sprinkler": 0.3,
            "has_high_ceiling": 0.25,
            "has_three_phase": 0.4,
        }
        field_names = {n for f in Premises._meta.concrete_fields for n in (f.name, f.attname)}
        exprs = {
            "municipality_id": "p.mid",
            "external_ref": "'B' || lpad(p.i::text, 7, '0')",
            "title": f"initcap(pg_temp.pick(p.i, 5, '{words}')) || ' ' || {kind_sv_case} || ' ' || "
            "p.area_max_m2 || ' m² i ' || m.name",
            "kind": "p.kind",
            "status": "p.status",
            "street": f"pg_temp.pick(p.i, 6, '{streets}') || ' ' || (1 + floor(pg_temp.u(p.i, 7) * 80))::int",
            "postal_code": "lpad((10000 + floor(pg_temp.u(p.i, 8) * 89999))::int::text, 5, '0')",
            "locality": "m.name",
            "location": "p.geom",
            "area_min_m2": "CASE WHEN pg_temp.u(p.i, 9) < 0.3 "
            "THEN greatest(10, (p.area_max_m2 * (0.3 + 0.5 * pg_temp.u(p.i, 10)))::int) "
            "ELSE p.area_max_m2 END",
            "area_max_m2": "p.area_max_m2",
            "tenure": "CASE WHEN pg_temp.u(p.i, 12) < 0.85 THEN 'rent' ELSE 'sale' END",
            "rent_sek_per_m2_year": "CASE WHEN pg_temp.u(p.i, 12) < 0.85 AND pg_temp.u(p.i, 13) < 0.9 "
            "THEN (600 + 1800 * pg_temp.u(p.i, 14))::int END",
            "price_sek": "CASE WHEN pg_temp.u(p.i, 12) >= 0.85 "
            "THEN (p.area_max_m2 * (4000 + 16000 * pg_temp.u(p.i, 15)))::bigint END",
            "available_from": "CASE WHEN pg_temp.u(p.i, 16) < 0.3 "
            "THEN current_date + (pg_temp.u(p.i, 17) * 365)::int END",
            "description_sv": f"initcap(pg_temp.pick(p.i, 5, '{words}')) || ' ' || {kind_sv_case} || ' på ' || "
            "p.area_max_m2 || ' m² i ' || m.name || '. ' || "
            "'Goda kommunikationer, närhet till E18/E20 och kollektivtrafik. ' || "
            "'Lokalen kan anpassas efter hyresgästens behov. Kontakta oss för visning.'",
            "description_en": "CASE WHEN pg_temp.u(p.i, 18) < 0.4 THEN 'Premises of ' || p.area_max_m2 || "
            "' m² in ' || m.name || '. Good transport links. Can be adapted for the tenant.' "
            "ELSE '' END",
            "contact_name": "pg_temp.pick(p.i, 19, '{Anna Lind,Erik Berg,Sara Holm,Johan Ek,Maria Sjö}')",
            "contact_organisation": "m.name || ' Fastigheter AB'",
            "contact_email": "'info' || p.mid || '@fastighet.example'",
            "contact_phone": "'019-' || lpad((p.i % 1000000)::text, 6, '0')",
            "published_at": "CASE WHEN p.status <> 'draft' THEN now() - p.age END",
            "confirmed_at": "CASE WHEN p.status <> 'draft' THEN now() - p.confirmed_age END",
            "created_at": "now() - p.age - interval '1 day'",
            "updated_at": "now() - p.confirmed_age",
        }
        for name, share in amenity_share.items():
            exprs[name] = f"pg_temp.u(p.i, {100 + len(name)}) < {share}"
        exprs = {k: v for k, v in exprs.items() if k in field_names or not k.startswith("has_")}
        base = f"""
            (SELECT q.*,
               least(200000, greatest(15, round({median_case.replace("p.kind", "q.kind")}
                     * exp(0.9 * pg_temp.z(q.i, 3)))))::int AS area_max_m2
             FROM (SELECT p.*, {kind_case} AS kind,
                     CASE WHEN u < 0.80 THEN 'published' WHEN u < 0.85 THEN 'published'
                          WHEN u < 0.90 THEN 'published' WHEN u < 0.94 THEN 'draft'
                          WHEN u < 0.97 THEN 'let' WHEN u < 0.98 THEN 'sold' ELSE 'archived' END AS status,
                     -- 80 % confirmed within 90 days, 5 % flagged (90-170), 5 % hidden (> 180)
                     CASE WHEN u < 0.80 THEN make_interval(days => (pg_temp.u(p.i, 21) * 89)::int)
                          WHEN u < 0.85 THEN make_interval(days => 95 + (pg_temp.u(p.i, 21) * 75)::int)
                          WHEN u < 0.90 THEN make_interval(days => 185 + (pg_temp.u(p.i, 21) * 300)::int)
                          ELSE make_interval(days => (pg_temp.u(p.i, 21) * 400)::int) END AS confirmed_age,
                     make_interval(days => 500 + (pg_temp.u(p.i, 22) * 900)::int) AS age
                   FROM (SELECT bench_pts.*, pg_temp.u(bench_pts.i, 2) AS u FROM bench_pts) p) q
            ) p JOIN brorebro_municipality m ON m.id = p.mid
        """
        # confirmed_age must not exceed age; age is at least 500 days, confirmed_age at most 485+
        inserted = insert_select(cursor, Premises, exprs, base + " ORDER BY p.i")
    log(f"{inserted} premises")


def step_land(args) -> None:
    from land.models import LandPlot

    n = counts(args.scale)["land"]
    with transaction.atomic(), connection.cursor() as cursor:
        sql_functions(cursor)
        make_points(cursor, "bench_land_pts", n, salt=23)
        purposes = ["industry", "logistics", "retail", "office", "mixed", "other"]
        purpose_sets = [
            ",industry,",
            ",logistics,",
            ",industry,logistics,",
            ",retail,",
            ",office,",
            ",industry,logistics,office,",
            ",mixed,",
            ",retail,office,",
            ",other,",
            ",industry,",
        ]
        assert all(p.strip(",").split(",")[0] in purposes for p in purpose_sets)
        sets_literal = "{" + ",".join(f'"{s}"' for s in purpose_sets) + "}"
        trakt = (
            "{Törsjö,Mosås,Hallsberg,Bredsand,Viby,Kumla,Logistikparken,Norra industriområdet,Västra verken}"
        )
        field_names = {n for f in LandPlot._meta.concrete_fields for n in (f.name, f.attname)}
        exprs = {
            "municipality_id": "p.mid",
            "external_ref": "'M' || lpad(p.i::text, 6, '0')",
            "status": "p.status",
            "name": f"pg_temp.pick(p.i, 5, '{trakt}') || ' ' || (1 + p.i % 40) || ':' || (1 + p.i % 17)",
            "area_name": "m.name || ' verksamhetsområde etapp ' || (1 + p.i % 4)",
            "geom": "p.geom",
            "area_m2": "round(ST_Area(p.geom))::int",
            "spot": "ST_PointOnSurface(p.geom)",
            "purposes": f"pg_temp.pick(p.i, 6, '{sets_literal}')",
            "description_sv": "'Detaljplanelagd mark för verksamheter i ' || m.name || '. ' || "
            "'Vatten, avlopp och fiber finns i gatan. Marken är förberedd för byggnation.'",
            "description_en": "CASE WHEN pg_temp.u(p.i, 7) < 0.4 THEN 'Zoned land for business in ' || m.name "
            "|| '.' ELSE '' END",
            "plan_id": "m.code || '-P' || (100 + p.i % 900)",
            "plan_status": "CASE WHEN pg_temp.u(p.i, 8) < 0.8 THEN 'in_force' "
            "WHEN pg_temp.u(p.i, 8) < 0.95 THEN 'in_progress' ELSE 'none' END",
            "plan_purpose_codes": "'J1, Z1'",
            "max_site_coverage_pct": "(30 + pg_temp.u(p.i, 9) * 40)::int",
            "max_building_height_m": "round((8 + pg_temp.u(p.i, 10) * 22)::numeric, 1)",
            "price_sek_per_m2": "CASE WHEN pg_temp.u(p.i, 11) < 0.85 "
            "THEN round((50 + pg_temp.u(p.i, 12) * 650)::numeric, 2) END",
            "divisible": "pg_temp.u(p.i, 13) < 0.4",
            "min_plot_m2": "CASE WHEN pg_temp.u(p.i, 13) < 0.4 THEN 5000 END",
            "water_sewer": "pg_temp.u(p.i, 14) < 0.8",
            "district_heating": "pg_temp.u(p.i, 15) < 0.4",
            "fibre": "pg_temp.u(p.i, 16) < 0.7",
            "electricity_kw": "CASE WHEN pg_temp.u(p.i, 17) < 0.7 THEN (200 + pg_temp.u(p.i, 18) * 4800)::int END",
            "rail_siding_possible": "pg_temp.u(p.i, 19) < 0.08",
            "contact_name": "'Näringslivskontoret'",
            "contact_organisation": "m.name || ' kommun'",
            "contact_email": "'mark' || p.mid || '@kommun.example'",
            "contact_phone": "'019-' || lpad((p.i % 1000000)::text, 6, '0')",
            "published_at": "CASE WHEN p.status <> 'draft' THEN now() - p.age END",
            "confirmed_at": "CASE WHEN p.status <> 'draft' THEN now() - p.confirmed_age END",
            "created_at": "now() - p.age - interval '1 day'",
            "updated_at": "now() - p.confirmed_age",
        }
        exprs = {k: v for k, v in exprs.items() if k in field_names}
        # Plots: octagons (60 %) or rotated rectangles (40 %), 0.5 to about 25 ha.
        base = f"""
            (SELECT q.*, ST_Multi(CASE WHEN pg_temp.u(q.i, 31) < 0.6
                  THEN ST_Buffer(q.pt, q.r, 'quad_segs=2')
                  ELSE ST_Rotate(ST_MakeEnvelope(ST_X(q.pt) - q.r * 1.3, ST_Y(q.pt) - q.r * 0.7,
                                                 ST_X(q.pt) + q.r * 1.3, ST_Y(q.pt) + q.r * 0.7, {settings.SRID}),
                                 pg_temp.u(q.i, 32) * pi(), q.pt) END) AS geom
             FROM (SELECT bp.i, bp.mid, bp.geom AS pt,
                     40 + 240 * pg_temp.u(bp.i, 30) ^ 2 AS r,
                     CASE WHEN u < 0.85 THEN 'published' WHEN u < 0.90 THEN 'published'
                          WHEN u < 0.94 THEN 'draft' WHEN u < 0.97 THEN 'reserved'
                          WHEN u < 0.98 THEN 'sold' ELSE 'archived' END AS status,
                     CASE WHEN u < 0.85 THEN make_interval(days => (pg_temp.u(bp.i, 21) * 89)::int)
                          WHEN u < 0.90 THEN make_interval(days => 185 + (pg_temp.u(bp.i, 21) * 300)::int)
                          ELSE make_interval(days => (pg_temp.u(bp.i, 21) * 400)::int) END AS confirmed_age,
                     make_interval(days => 500 + (pg_temp.u(bp.i, 22) * 900)::int) AS age
                   FROM (SELECT b.*, pg_temp.u(b.i, 2) AS u FROM bench_land_pts b) bp) q
            ) p JOIN brorebro_municipality m ON m.id = p.mid
        """
        inserted = insert_select(cursor, LandPlot, exprs, base + " ORDER BY p.i")
    log(f"{inserted} land plots")


def step_surveys(args) -> None:
    from surveys.models import ANSWER_FIELDS, FACTOR_FIELDS, AuthorityArea, Response, SurveyRound

    n = counts(args.scale)["responses"]
    with transaction.atomic(), connection.cursor() as cursor:
        sql_functions(cursor)
        rounds = []
        for year in YEARS:
            rnd, _created = SurveyRound.objects.get_or_create(year=year, defaults={"scale_max": 6})
            rounds.append(rnd)
        areas_all = list(AuthorityArea.objects.order_by("order", "slug"))
        if not areas_all:
            raise SystemExit("no authority areas: the surveys migrations should create them")
        from surveys.models import AREAS_FROM_2024

        areas_new = [a for a in areas_all if a.slug in AREAS_FROM_2024] or areas_all
        # 1000 slots of municipality ids by weight: a response's municipality is slot[u].
        alloc = allocate(1000, municipality_weights())
        slots = [mid for mid, k in sorted(alloc.items()) for _ in range(k)]
        round_ids = [r.pk for r in rounds]
        round_years = [r.year for r in rounds]
        # Each municipality has its own service level; each response varies around it.
        answer = "greatest(1, least(6, round(r.level + 0.6 * pg_temp.z(r.i, {salt}))))::smallint"
        exprs = {"round_id": "r.round_id", "municipality_id": "r.mid", "area_id": "r.area_id"}
        for k, name in enumerate(ANSWER_FIELDS):
            e = answer.format(salt=40 + k)
            if name == "q_ideal":
                e = f"CASE WHEN pg_temp.u(r.i, 60) < 0.03 THEN NULL ELSE {e} END"
            elif name in FACTOR_FIELDS:
                e = f"CASE WHEN pg_temp.u(r.i, {61 + k}) < 0.10 THEN NULL ELSE {e} END"
            exprs[name] = e
        source = """
            (SELECT g.i, g.round_id, g.year, g.mid,
                    CASE WHEN g.year >= 2024
                         THEN (%(areas_new)s::bigint[])[1 + floor(pg_temp.u(g.i, 4) * %(n_new)s)::int]
                         ELSE (%(areas_all)s::bigint[])[1 + floor(pg_temp.u(g.i, 4) * %(n_all)s)::int] END AS area_id,
                    4.4 + 0.45 * pg_temp.z(g.mid, 77) + 0.05 * (g.year - 2011) / 14.0
                        + 0.9 * pg_temp.z(g.i, 5) AS level
             FROM (SELECT s.i, (%(round_ids)s::bigint[])[s.k] AS round_id, (%(years)s::int[])[s.k] AS year,
                          (%(slots)s::bigint[])[1 + floor(pg_temp.u(s.i, 3) * 1000)::int] AS mid
                   FROM (SELECT gs AS i, 1 + floor(pg_temp.u(gs, 1) * %(n_rounds)s)::int AS k
                         FROM generate_series(1, %(n)s) gs) s) g
            ) r ORDER BY r.i
        """
        params = {
            "areas_new": [a.pk for a in areas_new],
            "n_new": len(areas_new),
            "areas_all": [a.pk for a in areas_all],
            "n_all": len(areas_all),
            "round_ids": round_ids,
            "years": round_years,
            "slots": slots,
            "n_rounds": len(round_ids),
            "n": n,
        }
        inserted = insert_select(cursor, Response, exprs, connection.ops.compose_sql(source, params))
    log(f"{inserted} survey responses in {len(rounds)} rounds")


def step_analyze(args) -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("vacuum analyze done")


def step_csv(args) -> None:
    """A premises CSV in the importer's documented columns, points inside their municipality."""
    from premises.importing import PremisesImporter  # noqa: F401 (fails early if the importer is missing)

    rows = args.rows
    out = Path(args.out)
    with transaction.atomic(), connection.cursor() as cursor:
        sql_functions(cursor)
        # Only Örebro County: an officer imports for the municipalities they serve.
        county = dict(
            Municipality.objects.filter(county_code=ORE_COUNTY, boundary__isnull=False).values_list(
                "id", "code"
            )
        )
        weights = {k: v for k, v in municipality_weights().items() if k in county}
        alloc = allocate(rows, weights)
        cursor.execute("CREATE TEMP TABLE csv_counts (mid bigint, n int, seed int)")
        cursor.executemany(
            "INSERT INTO csv_counts VALUES (%s, %s, %s)",
            [(m, k, int(county[m]) * 100 + 97) for m, k in alloc.items() if k],
        )
        cursor.execute(
            """
            SELECT row_number() OVER (ORDER BY c.mid, d.path) AS i, m.code, m.name,
                   ST_Y(ST_Transform(d.geom, 4326)), ST_X(ST_Transform(d.geom, 4326))
            FROM csv_counts c JOIN brorebro_municipality m ON m.id = c.mid
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(m.boundary, c.n + 5, c.seed)) d
            WHERE d.path[1] <= c.n
            ORDER BY 1
            """
        )
        points = cursor.fetchall()
        transaction.set_rollback(True)
    rng = random.Random(SEED + 5)
    kinds = ["office", "retail", "industrial", "warehouse", "workshop", "restaurant", "other"]
    header = csv_columns()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for i, code, name, lat, lon in points:
            kind = rng.choice(kinds)
            area_max = int(min(50000, max(20, rng.lognormvariate(math.log(400), 0.9))))
            divisible = rng.random() < 0.3
            rent = rng.random() < 0.85
            values = {
                "external_ref": f"IMP{i:06d}",
                "municipality": code,
                "municipality_code": code,
                "title": f"{kind.capitalize()} {area_max} m² i {name}",
                "kind": kind,
                "status": "published",
                "street": f"Importgatan {1 + i % 90}",
                "postal_code": f"{70000 + i % 9999:05d}"[:5],
                "locality": name,
                "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}",
                "latitude": f"{lat:.6f}",
                "longitude": f"{lon:.6f}",
                "area_min_m2": int(area_max * 0.5) if divisible else area_max,
                "area_max_m2": area_max,
                "tenure": "rent" if rent else "sale",
                "rent_sek_per_m2_year": rng.randint(600, 2400) if rent else "",
                "price_sek": "" if rent else area_max * rng.randint(4000, 20000),
                "available_from": "",
                "description_sv": f"Importerad lokal nummer {i} i {name}. Goda kommunikationer.",
                "description_en": "",
                "amenities": ",".join(sorted(rng.sample(["parking", "fibre", "loading_dock", "lift"], 2))),
                "contact_name": "Anna Import",
                "contact_organisation": f"{name} Fastigheter AB",
                "contact_email": "import@fastighet.example",
                "contact_phone": "019-123456",
            }
            writer.writerow({k: values.get(k, "") for k in header})
    log(f"{len(points)} CSV rows -> {out}")


def csv_columns() -> list[str]:
    """The importer's documented columns (README, "Premises import format"), lat/lon for the position."""
    from premises import importing

    cols = [
        c
        for c in getattr(importing, "COLUMNS", importing.PremisesImporter.required_columns)
        if c not in ("sweref_n", "sweref_e")
    ]
    cols += [c for c in getattr(importing, "OPTIONAL_COLUMNS", []) if c not in cols]
    return cols


def step_mix(args) -> None:
    from bench.mix import build_mix

    mix = build_mix(args.scale)
    Path(args.out).write_text(json.dumps(mix, indent=1, ensure_ascii=False))
    log(f"mix with {len(mix['endpoints'])} endpoints -> {args.out}")


def step_stats(args) -> None:
    from django.apps import apps

    out = {"scale": args.scale, "tables": {}}
    with connection.cursor() as cursor:
        for label, model_name in (
            ("brorebro", "Municipality"),
            ("premises", "Premises"),
            ("land", "LandPlot"),
            ("surveys", "Response"),
            ("surveys", "SurveyRound"),
        ):
            try:
                model = apps.get_model(label, model_name)
            except LookupError:
                continue
            table = model._meta.db_table
            cursor.execute(f"SELECT count(*), pg_total_relation_size(%s) FROM {table}", [table])
            rows, size = cursor.fetchone()
            out["tables"][f"{label}.{model_name}"] = {"rows": rows, "bytes": size}
        cursor.execute("SELECT count(*) FROM brorebro_municipality WHERE boundary IS NOT NULL")
        out["municipalities_with_boundary"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = cursor.fetchone()[0]
        try:
            from land.models import LandPlot
            from premises.models import Premises

            out["visible_premises"] = Premises.objects.visible().count()
            out["visible_land"] = LandPlot.objects.visible().count()
        except Exception as exc:  # the apps may still be incomplete
            out["visible_error"] = str(exc)
    Path(args.out).write_text(json.dumps(out, indent=1))
    log(json.dumps(out))


STEPS = {
    "municipalities": step_municipalities,
    "premises": step_premises,
    "land": step_land,
    "surveys": step_surveys,
    "analyze": step_analyze,
    "csv": step_csv,
    "mix": step_mix,
    "stats": step_stats,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=list(STEPS))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--boundaries",
        default=str(NATIONAL_BOUNDARIES),
        help="national boundary GeoJSON with codes and names (municipalities)",
    )
    parser.add_argument("--reset", action="store_true", help="empty the bench tables first (municipalities)")
    parser.add_argument("--rows", type=int, default=10_000, help="CSV rows (csv)")
    parser.add_argument("--out", default=None, help="output file (csv, mix, stats)")
    args = parser.parse_args()
    if not settings.IS_POSTGIS:
        raise SystemExit("the benchmark needs PostGIS: set DATABASE_URL=postgis://…")
    started = time.perf_counter()
    STEPS[args.step](args)
    log(f"{args.step}: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
