"""Pavilion's benchmark of the programme's calendar feed (iCalendar).

On the generator's conference-scale event (see bench/README.md), requests
/events/bench-cop/programme.ics through Django's test client: N times with the
cache cleared before each request (the feed is built from the database), then N
times from the cache. Prints p50/p95, the number of SQL queries of each, the
feed's size and the cached speed-up, with the targets beside them:

- built uncached in at most 1 s (p50), with a constant number of queries;
- served from the cache at least 20 times faster.

    .venv/bin/python bench/ical.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/ical.py
    .venv/bin/python bench/ical.py --lang ja --iterations 20
    .venv/bin/python bench/ical.py --profile      # where an uncached build spends its time

The figures are also written to bench/results/ical-<database>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402  (the path above makes the package importable)
    RESULTS_DIR,
    _percentile,
    _QueryTimer,
    add_data_arguments,
    data_counts,
    database_info,
    prepare,
)

UNCACHED_P50_MS = 1000.0
CACHED_SPEED_UP = 20.0
MAX_QUERIES = 10


def _time(client, url: str, *, iterations: int, clear: bool) -> tuple[list[float], set[int]]:
    from django.core.cache import cache

    times, statuses = [], set()
    for _ in range(iterations):
        if clear:
            cache.clear()
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        statuses.add(response.status_code)
    return times, statuses


def _count(client, url: str, *, clear: bool) -> tuple[int, float, object]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if clear:
        cache.clear()
    timer = _QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        response = client.get(url)
    return len(captured.captured_queries), timer.seconds * 1000, response


def _summary(times: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 95), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
    }


def profile(client, url: str, *, runs: int, top: int = 25) -> None:
    from django.core.cache import cache

    client.get(url)
    profiler = cProfile.Profile()
    for _ in range(runs):
        cache.clear()
        profiler.enable()
        client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the programme's calendar feed.")
    parser.add_argument("--iterations", type=int, default=10, help="timed requests each way")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first")
    parser.add_argument("--lang", default="en", choices=["en", "ja"])
    parser.add_argument("--query", default="", help="extra filters, such as venue=…&q=…")
    parser.add_argument("--profile", action="store_true", help="profile an uncached build")
    parser.add_argument("--profile-runs", type=int, default=3)
    add_data_arguments(parser)
    args = parser.parse_args(argv)

    event = prepare(args)

    from django.test import Client

    url = f"/events/{event.slug}/programme.ics?lang={args.lang}"
    if args.query:
        url += "&" + args.query
    client = Client(raise_request_exception=False)

    if args.profile:
        profile(client, url, runs=args.profile_runs)
        return 0

    counts = data_counts(event)
    print(
        f"Event {event.slug}: {counts['sessions']} sessions "
        f"({counts['sessions_date_to_be_confirmed']} without a confirmed date), "
        f"{counts['participations']} speakers' parts, {counts['hosts']} hosts."
    )
    print(f"Feed: {url}; {args.iterations} timed requests each way after {args.warmup} warm-up.\n")

    _time(client, url, iterations=args.warmup, clear=True)
    uncached_queries, sql_ms, response = _count(client, url, clear=True)
    body = response.content
    vevents = body.count(b"BEGIN:VEVENT")
    uncached, uncached_statuses = _time(client, url, iterations=args.iterations, clear=True)

    client.get(url)  # fill the cache
    cached_queries, _sql, cached_response = _count(client, url, clear=False)
    _time(client, url, iterations=args.warmup, clear=False)
    cached, cached_statuses = _time(client, url, iterations=args.iterations, clear=False)

    slow, fast = _summary(uncached), _summary(cached)
    speed_up = slow["p50_ms"] / fast["p50_ms"] if fast["p50_ms"] else float("inf")
    targets = {
        "status": response.status_code == 200 and uncached_statuses | cached_statuses == {200},
        "uncached_p50": slow["p50_ms"] <= UNCACHED_P50_MS,
        "queries": uncached_queries <= MAX_QUERIES,
        "speed_up": speed_up >= CACHED_SPEED_UP,
        "same_bytes": cached_response.content == body,
    }

    def verdict(name: str) -> str:
        return "PASS" if targets[name] else "MISS"

    rows = [
        ("", "p50 ms", "p95 ms", "queries", "target", ""),
        (
            "uncached (built)",
            f"{slow['p50_ms']:.1f}",
            f"{slow['p95_ms']:.1f}",
            str(uncached_queries),
            f"p50 ≤ {UNCACHED_P50_MS:.0f} ms",
            verdict("uncached_p50"),
        ),
        (
            "cached",
            f"{fast['p50_ms']:.2f}",
            f"{fast['p95_ms']:.2f}",
            str(cached_queries),
            f"≥ {CACHED_SPEED_UP:.0f}× faster",
            verdict("speed_up"),
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)
            )
        )
    print(
        f"\n{vevents} events, {len(body) / 1024 / 1024:.2f} MiB; SQL execute time of one uncached "
        f"build {sql_ms:.0f} ms; cached speed-up {speed_up:.0f}×; "
        f"queries {verdict('queries')} (≤ {MAX_QUERIES}); status {verdict('status')}; "
        f"cached bytes identical {verdict('same_bytes')}."
    )

    import django

    info = database_info()
    payload = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": info,
        "django": django.get_version(),
        "url": url,
        "iterations": args.iterations,
        "data": counts,
        "events": vevents,
        "bytes": len(body),
        "uncached": slow | {"queries": uncached_queries, "sql_ms": round(sql_ms, 1)},
        "cached": fast | {"queries": cached_queries},
        "speed_up": round(speed_up, 1),
        "targets": {
            "uncached_p50_ms": UNCACHED_P50_MS,
            "cached_speed_up": CACHED_SPEED_UP,
            "max_queries": MAX_QUERIES,
        },
        "met": targets,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"ical-{info['vendor']}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"Figures written to {os.path.relpath(path, ROOT)}.")
    return 0 if targets["status"] else 1


if __name__ == "__main__":
    sys.exit(main())
