#!/usr/bin/env python3
"""A small, bounded HTTP/1.1 load generator for loopback benchmarks (stdlib only).

It reads a "mix" file (JSON, written by bench/generate.py from the real dataset):

    {"endpoints": [{"name": "premises search", "group": "search",
                    "urls": ["/sv/premises/?municipality=1880", ...],
                    "seconds": 10, "max_requests": 2000}, ...],
     "mixed": {"seconds": 30, "weights": {"premises search": 5, ...}}}

and measures each endpoint on its own: `--clients` connections run concurrently,
each cycling through the endpoint's URLs (in a fixed, seeded order), until the
endpoint's time or request budget is spent. Then a mixed phase draws URLs from all
endpoints by weight, as real traffic would, and reports per-endpoint latency under
that mix. Every loop is bounded in time and count; only loopback hosts are allowed.

Per endpoint: requests, requests/s, p50/p95/p99/max latency (ms), errors (non-2xx or
transport failures) and the largest body in bytes. Throughput is also given as a
ratio of the trivial `/healthz` endpoint measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REQUEST_TIMEOUT = 60.0  # seconds; a request slower than this counts as an error


@dataclass
class Sample:
    latency: float  # seconds
    status: int  # 0 = transport error or timeout
    size: int  # body bytes


@dataclass
class Stats:
    name: str
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    error_examples: list[str] = field(default_factory=list)
    largest_url: str = ""
    max_size: int = 0

    def add(self, sample: Sample, url: str, detail: str = "") -> None:
        if sample.size > self.max_size or not self.samples:
            self.largest_url = url
            self.max_size = sample.size
        self.samples.append(sample)
        if not 200 <= sample.status < 300 and len(self.error_examples) < 5:
            self.error_examples.append(f"{sample.status} {url} {detail}".strip())

    def summary(self) -> dict:
        lat = sorted(s.latency for s in self.samples)
        n = len(lat)

        def pct(p: float) -> float | None:
            if not n:
                return None
            # nearest-rank percentile
            k = max(0, min(n - 1, int(round(p / 100 * n + 0.5)) - 1))
            return round(lat[k] * 1000, 2)

        errors = sum(1 for s in self.samples if not 200 <= s.status < 300)
        return {
            "name": self.name,
            "requests": n,
            "seconds": round(self.elapsed, 3),
            "rps": round(n / self.elapsed, 2) if self.elapsed > 0 else None,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": round(lat[-1] * 1000, 2) if n else None,
            "mean_ms": round(sum(lat) / n * 1000, 2) if n else None,
            "errors": errors,
            "statuses": _count(s.status for s in self.samples),
            "max_bytes": self.max_size,
            "largest_url": self.largest_url,
            "error_examples": self.error_examples,
        }


def _count(values) -> dict:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connects = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, int]:
        """GET `path`; returns (status, body bytes)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connects += 1
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "User-Agent: brorebro-bench/1\r\nAccept: */*\r\nAccept-Language: sv\r\n"
            "Connection: keep-alive\r\n\r\n"
        )
        self.writer.write(request.encode("ascii"))
        await self.writer.drain()
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection before answering")
        parts = status_line.decode("latin-1").split(" ", 2)
        status = int(parts[1])
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        size = 0
        if "content-length" in headers:
            length = int(headers["content-length"])
            await reader.readexactly(length)
            size = length
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = await reader.readline()
                chunk = int(size_line.split(b";")[0].strip(), 16)
                if chunk == 0:
                    # trailers until the empty line
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                await reader.readexactly(chunk + 2)
                size += chunk
        else:
            body = await reader.read()  # until close
            size = len(body)
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, size


async def one(conn: Connection, path: str) -> tuple[Sample, str]:
    start = time.perf_counter()
    try:
        status, size = await asyncio.wait_for(conn.get(path), REQUEST_TIMEOUT)
        detail = ""
    except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        await conn.close()
        status, size, detail = 0, 0, f"{type(exc).__name__}: {exc}"
    return Sample(time.perf_counter() - start, status, size), detail


async def run_phase(
    host, port, clients, pick, seconds, max_requests, stats_for, min_requests=0, hard_seconds=120.0
) -> float:
    """Run `clients` workers until `seconds` pass or `max_requests` are done.

    A slow endpoint still gets `min_requests` (so that its percentiles mean
    something), but never runs past `hard_seconds`. `pick(i)` returns (endpoint
    name, path) for the i-th request of the phase.
    """
    counter = 0
    start = time.perf_counter()
    deadline = start + seconds
    hard_deadline = start + max(seconds, hard_seconds)

    def go_on() -> bool:
        now = time.perf_counter()
        if counter >= max_requests or now >= hard_deadline:
            return False
        return now < deadline or counter < min_requests

    async def worker():
        nonlocal counter
        conn = Connection(host, port)
        try:
            while go_on():
                i = counter
                counter += 1
                name, path = pick(i)
                sample, detail = await one(conn, path)
                stats_for(name).add(sample, path, detail)
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - start


COLD_SUFFIX = " [cold]"


def cold_phase(ep: dict) -> dict:
    """The same endpoint with queries that are never repeated: every response cache misses.

    A cache hit must not hide a slow cold path, so each endpoint is also measured with
    a unique, ignored parameter on every request (`cold_url`): the view, its queries
    and its templates run every time, while what every visitor shares (filter
    choices, stored NKI units) may still come from the cache, as for a real unique query.
    """
    return {
        **ep,
        "name": ep["name"] + COLD_SUFFIX,
        "base_name": ep["name"],
        "cold": True,
        "seconds": min(ep.get("seconds", 10), 10),
        "max_requests": min(ep.get("max_requests", 5000), 2000),
    }


# Unique per run too: a cache that outlives the run (Redis) must not make a later run warm.
RUN_ID = f"{os.getpid()}{int(time.time())}"


def cold_url(url: str, phase: str, i: int) -> str:
    # The phase's name too: two phases may share a URL (the NKI export with 1 and 4 clients).
    nonce = f"{RUN_ID}-{abs(hash(phase)) % 10**6}-{i}"
    return f"{url}{'&' if '?' in url else '?'}cold={nonce}"


CLK_TCK = os.sysconf("SC_CLK_TCK")


def _ticks(pid: str) -> int:
    """utime + stime of a process, in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def cpu_snapshot(master_pid: int | None, db_name: str | None) -> dict[str, dict[str, int]]:
    """CPU ticks so far of each gunicorn worker and of each PostgreSQL backend of `db_name`.

    CPU time per request is what a shared machine distorts least: latency there
    includes waiting for other people's processes, CPU time does not.
    """
    app = {pid: _ticks(pid) for pid in _children(master_pid)} if master_pid else {}
    db: dict[str, int] = {}
    if db_name:
        needle = f" {db_name} ".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            # backends are titled "postgres: USER DB HOST(PORT) STATE"
            if cmdline.startswith(b"postgres: ") and needle in cmdline:
                db[entry.name] = _ticks(entry.name)
    return {"app": app, "db": db}


def cpu_per_request(before: dict, after: dict, requests: int) -> dict:
    out = {}
    for key in ("app", "db"):
        used = sum(max(0, t - before[key].get(pid, 0)) for pid, t in after[key].items())
        out[f"{key}_cpu_ms"] = round(used / CLK_TCK * 1000 / requests, 2) if requests else None
    return out


def read_rss(master_pid: int | None) -> list[dict]:
    """VmRSS and VmHWM (peak) of each gunicorn worker, from /proc."""
    if not master_pid:
        return []
    out = []
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        values = {}
        for line in status.splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) // 1024  # kB -> MiB
        out.append({"pid": int(pid), "rss_mb": values.get("VmRSS"), "peak_mb": values.get("VmHWM")})
    return out


async def main_async(args) -> dict:
    mix = json.loads(Path(args.mix).read_text())
    url = urlsplit(args.base)
    host, port = url.hostname, url.port or 80
    if not _loopback(host):
        raise SystemExit(f"refusing to load a non-loopback host: {host}")
    rng = random.Random(args.seed)
    endpoints = mix["endpoints"]
    result: dict = {
        "base": args.base,
        "clients": args.clients,
        "seed": args.seed,
        "endpoints": [],
        "mixed": None,
    }
    result["rss_before"] = read_rss(args.gunicorn_pid)
    result["loadavg_before"] = _loadavg()

    # Warm-up: every distinct URL once, not counted (template and query-plan caches,
    # connection set-up in each worker).
    warm = Connection(host, port)
    for ep in endpoints:
        for path in ep["urls"][: args.warmup_urls]:
            for _ in range(2):
                await one(warm, path)
    await warm.close()

    phases = []
    for ep in endpoints:
        phases.append(ep)
        if args.cold and ep.get("group") != "floor":
            phases.append(cold_phase(ep))
    for ep in phases:
        urls = list(ep["urls"])
        if not ep.get("cold"):  # a cold phase makes each URL unique itself (cold_url)
            rng.shuffle(urls)
        stats = Stats(ep["name"])
        clients = ep.get("clients", args.clients)
        cpu_before = cpu_snapshot(args.gunicorn_pid, args.db_name)
        stats.elapsed = await run_phase(
            host,
            port,
            clients,
            (lambda i, urls=urls, name=ep["name"]: (name, cold_url(urls[i % len(urls)], name, i)))
            if ep.get("cold")
            else (lambda i, urls=urls, name=ep["name"]: (name, urls[i % len(urls)])),
            min(ep.get("seconds", args.seconds), args.seconds) * args.time_factor,
            ep.get("max_requests", args.max_requests),
            lambda _name, stats=stats: stats,
            min_requests=ep.get("min_requests", 0),
            hard_seconds=ep.get("hard_seconds", 120.0),
        )
        summary = stats.summary()
        summary.update(
            cpu_per_request(cpu_before, cpu_snapshot(args.gunicorn_pid, args.db_name), len(stats.samples))
        )
        summary["group"] = ep.get("group", "")
        summary["cold"] = bool(ep.get("cold"))
        summary["base_name"] = ep.get("base_name", ep["name"])
        summary["clients"] = clients
        summary["distinct_urls"] = len(urls)
        summary["example_url"] = ep["urls"][0]
        result["endpoints"].append(summary)
        print(
            f"{summary['name']:<34} {summary['requests']:>6} req {summary['rps'] or 0:>8.1f}/s "
            f"p50 {summary['p50_ms']} p95 {summary['p95_ms']} p99 {summary['p99_ms']} ms "
            f"err {summary['errors']} max {summary['max_bytes']} B "
            f"cpu/req app {summary.get('app_cpu_ms')} db {summary.get('db_cpu_ms')} ms",
            file=sys.stderr,
            flush=True,
        )

    floor = next((e for e in result["endpoints"] if e["group"] == "floor"), None)
    for e in result["endpoints"]:
        e["ratio_to_healthz"] = (
            round(e["rps"] / floor["rps"], 4) if floor and floor["rps"] and e["rps"] else None
        )

    mixed = mix.get("mixed")
    if mixed:
        weights = mixed["weights"]
        by_name = {ep["name"]: ep["urls"] for ep in endpoints if weights.get(ep["name"])}
        names = list(by_name)
        cum = []
        total = 0.0
        for name in names:
            total += weights[name]
            cum.append(total)
        seq_rng = random.Random(args.seed + 1)
        sequence = []
        budget = mixed.get("max_requests", 100000)
        for _ in range(budget):
            x = seq_rng.random() * total
            name = names[next(i for i, c in enumerate(cum) if x <= c)]
            sequence.append((name, seq_rng.choice(by_name[name])))
        per: dict[str, Stats] = {}

        def stats_for(name):
            return per.setdefault(name, Stats(name))

        cpu_before = cpu_snapshot(args.gunicorn_pid, args.db_name)
        elapsed = await run_phase(
            host,
            port,
            args.clients,
            lambda i: sequence[i],
            mixed["seconds"] * args.time_factor,
            budget,
            stats_for,
        )
        rows = []
        for name in names:
            if name in per:
                per[name].elapsed = elapsed
                rows.append(per[name].summary())
        all_samples = Stats("all")
        for s in per.values():
            all_samples.samples.extend(s.samples)
        all_samples.elapsed = elapsed
        total = all_samples.summary()
        total.update(
            cpu_per_request(
                cpu_before, cpu_snapshot(args.gunicorn_pid, args.db_name), len(all_samples.samples)
            )
        )
        result["mixed"] = {
            "seconds": round(elapsed, 3),
            "weights": weights,
            "total": total,
            "endpoints": rows,
        }
        t = result["mixed"]["total"]
        print(
            f"mixed: {t['requests']} req {t['rps']}/s p95 {t['p95_ms']} ms err {t['errors']}", file=sys.stderr
        )

    result["rss_after"] = read_rss(args.gunicorn_pid)
    result["loadavg_after"] = _loadavg()
    return result


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def _loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8190")
    parser.add_argument("--mix", required=True, help="JSON file with the endpoints and their URLs")
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="upper bound per endpoint")
    parser.add_argument("--time-factor", type=float, default=1.0, help="scale every phase's duration")
    parser.add_argument("--max-requests", type=int, default=5000, help="upper bound per endpoint")
    parser.add_argument("--warmup-urls", type=int, default=20, help="distinct URLs per endpoint to warm up")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cold",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure every endpoint with never-repeated URLs (cache misses)",
    )
    parser.add_argument("--gunicorn-pid", type=int, default=None)
    parser.add_argument("--db-name", default=None, help="database whose backends' CPU time is counted")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
