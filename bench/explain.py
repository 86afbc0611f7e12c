#!/usr/bin/env python
"""Where the time of one request goes: queries, SQL time and the slowest query, per URL.

    .venv/bin/python bench/explain.py --mix MIX.json --out OUT.json

Runs in-process through Django's test client (the whole middleware stack, no HTTP),
one request at a time, for the first URLs of every endpoint in the load mix, after a
warm-up request. For each it records the number of queries, the time spent in SQL,
the total time, and the slowest statement with its EXPLAIN ANALYZE plan head. This
is what RESULTS.md uses to say *why* an endpoint misses a target (N+1 queries, a
sequential scan, a large aggregation, time spent in Python rendering).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brorebro.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def normalise(sql: str) -> str:
    """The statement with its literals kept; long IN-lists shortened for the report."""
    return sql if len(sql) < 1500 else sql[:1500] + " …"


def explain(sql: str) -> list[str]:
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            return [row[0] for row in cursor.fetchall()][:25]
    except Exception as exc:  # a statement that cannot be explained on its own
        connection.rollback() if not connection.get_autocommit() else None
        return [f"(not explained: {exc})"]


def _unique(url: str, label: str) -> str:
    """The URL with an ignored parameter that no other request has: the response cache misses."""
    return f"{url}{'&' if '?' in url else '?'}cold=explain-{time.time_ns()}-{label}"


def profile(client: Client, url: str) -> dict:
    # Warm-up: templates, plans and the shared fragments; then the cold path of a query
    # nobody asked before (a cached response would only show the cache).
    client.get(_unique(url, "warm-up"), HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(_unique(url, "measured"), HTTP_HOST="127.0.0.1")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        total = time.perf_counter() - start
    queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    sql_time = sum(t for t, _sql in queries)
    slowest = max(queries, default=(0.0, ""))
    # Same statement shape repeated many times is the N+1 signature.
    shapes: dict[str, int] = {}
    for _t, sql in queries:
        shape = sql.split(" WHERE ")[0][:200]
        shapes[shape] = shapes.get(shape, 0) + 1
    repeated = max(shapes.values(), default=0)
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(body),
        "total_ms": round(total * 1000, 1),
        "queries": len(queries),
        "sql_ms": round(sql_time * 1000, 1),
        "python_ms": round((total - sql_time) * 1000, 1),
        "most_repeated_statement": repeated,
        "slowest_ms": round(slowest[0] * 1000, 1),
        "slowest_sql": normalise(slowest[1]),
        "slowest_plan": explain(slowest[1]) if slowest[0] > 0.02 else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mix", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-endpoint", type=int, default=3, help="URLs profiled per endpoint")
    args = parser.parse_args()
    mix = json.loads(Path(args.mix).read_text())
    client = Client(raise_request_exception=False)
    out = []
    for ep in mix["endpoints"]:
        for url in ep["urls"][: args.per_endpoint]:
            try:
                row = profile(client, url)
            except Exception as exc:  # keep going: the report says which URL broke and how
                row = {
                    "url": url,
                    "status": 0,
                    "error": f"{type(exc).__name__}: {exc}",
                    "total_ms": 0,
                    "queries": 0,
                    "sql_ms": 0,
                    "python_ms": 0,
                    "slowest_ms": 0,
                }
            row["endpoint"] = ep["name"]
            out.append(row)
            print(
                f"{ep['name']:<30} {row['status']} {row['total_ms']:>8} ms  {row['queries']:>3} q "
                f"sql {row['sql_ms']:>7} ms  py {row['python_ms']:>7} ms  slowest {row['slowest_ms']} ms  {url}",
                file=sys.stderr,
                flush=True,
            )
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
