"""Bench for issue 14: `send_search_alerts` with 10,000 confirmed alerts against 100,000 premises.

Builds its own data in the database DATABASE_URL names (use a throwaway PostGIS database),
then times one digest run: finding each alert's new listings and queueing its digest (the
e-mails themselves are sent later by the worker, so SMTP is not part of it). Prints seconds,
queries, digests and listings as one JSON line.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/brorebro_bench_alerts DJANGO_SECRET_KEY=bench \\
        .venv/bin/python bench/alerts_digests.py --premises 100000 --alerts 10000

It migrates that database first and deletes the premises and alerts it made before making
new ones; never point it at a database with real data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brorebro.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts.digests import send_digests  # noqa: E402
from alerts.models import AlertHit, SavedSearch  # noqa: E402
from brorebro.mail.models import OutgoingEmail  # noqa: E402
from brorebro.models import Municipality  # noqa: E402
from brorebro.spatial import wgs84_point  # noqa: E402
from premises.models import Kind, Premises, PremisesStatus, Tenure  # noqa: E402

BENCH_REF = "ALERTBENCH-"


def build(n_premises: int, n_alerts: int, changed_share: float, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    municipalities = list(Municipality.objects.in_county()[:12])
    if not municipalities:
        municipalities = [
            Municipality.objects.get_or_create(
                code=f"18{n:02d}",
                defaults={
                    "name": f"Bänkkommun {n}",
                    "slug": f"bankkommun-{n}",
                    "county_code": "18",
                    "member": True,
                },
            )[0]
            for n in range(60, 72)
        ]
    Premises.objects.filter(external_ref__startswith=BENCH_REF).delete()
    SavedSearch.objects.all().delete()  # their hits go with them
    OutgoingEmail.objects.filter(purpose="alert-digest").delete()
    kinds = [kind for kind, _label in Kind.choices]
    batch = []
    for number in range(n_premises):
        area = rng.choice([50, 120, 300, 800, 2000, 5000])
        batch.append(
            Premises(
                municipality=rng.choice(municipalities),
                external_ref=f"{BENCH_REF}{number}",
                title=f"Lokal {number}",
                kind=rng.choice(kinds),
                street="Storgatan 1",
                locality="Örebro",
                location=wgs84_point(15.0 + rng.random() * 0.5, 59.1 + rng.random() * 0.3),
                area_min_m2=area,
                area_max_m2=area,
                tenure=Tenure.RENT,
                rent_sek_per_m2_year=rng.choice([600, 900, 1200, 1600]),
                status=PremisesStatus.PUBLISHED,
                published_at=now - timedelta(days=20),
                confirmed_at=now - timedelta(days=20),
            )
        )
        if len(batch) == 5000:
            Premises.objects.bulk_create(batch)
            batch = []
    if batch:
        Premises.objects.bulk_create(batch)
    bench = Premises.objects.filter(external_ref__startswith=BENCH_REF)
    bench.update(updated_at=now - timedelta(days=20))
    changed = list(bench.order_by("?").values_list("pk", flat=True)[: int(n_premises * changed_share)])
    Premises.objects.filter(pk__in=changed).update(updated_at=now - timedelta(hours=1))
    day_ago = now - timedelta(days=1)
    alerts = []
    for number in range(n_alerts):
        params = [f"municipality={rng.choice(municipalities).code}", f"kind={rng.choice(kinds)}"]
        if rng.random() < 0.5:
            params.append(f"area_min={rng.choice([100, 300, 1000])}")
        if rng.random() < 0.3:
            params.append(f"rent_max={rng.choice([900, 1200])}")
        alerts.append(
            SavedSearch(
                email=f"bench{number // 2}@example.se",  # two alerts per address
                section="premises",
                query="&".join(sorted(params)),
                frequency="daily",
                language=rng.choice(["sv", "en"]),
                confirmed_at=day_ago,
                active_at=day_ago,
                checked_until=day_ago,
                last_digest_at=day_ago,
            )
        )
    SavedSearch.objects.bulk_create(alerts, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load


def make_due_again() -> None:
    day_ago = timezone.now() - timedelta(days=1)
    AlertHit.objects.all().delete()
    OutgoingEmail.objects.filter(purpose="alert-digest").delete()
    SavedSearch.objects.update(checked_until=day_ago, last_digest_at=day_ago)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument(
        "--changed-share", type=float, default=0.01, help="share of premises changed since the last digest"
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data of the previous run; only make its alerts due again",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    if args.reuse:
        make_due_again()
    else:
        build(args.premises, args.alerts, args.changed_share, args.seed)
    built = time.monotonic() - started
    settings.DEBUG = True  # count the queries
    reset_queries()
    started = time.monotonic()
    result = send_digests()
    seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "premises": args.premises,
                "alerts": args.alerts,
                "changed_share": args.changed_share,
                "build_seconds": round(built, 1),
                "digest_seconds": round(seconds, 2),
                "queries": len(connection.queries),
                "digests": result.digests,
                "listings": result.listings,
                "database": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
