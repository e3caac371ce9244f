"""Benchmark of the JSON API's session list on the conference-scale bench event.

Uses the same database, data and measuring as bench/run.py: the 10,000-session
event is generated once, each address is requested through Django's test
client (whole middleware stack, DEBUG off, cache cleared before every request),
and the p50/p95 time and the SQL queries of each are printed with the target
beside them (p50 at most 30 ms for 100 sessions a page). The figures are also
written to bench/results/api-latest.json (and api-latest-<database>.json).

    .venv/bin/python bench/api.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --profile first  # where one address spends its time

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402  (the path above makes the package importable)

PAGE_SIZE = 100
P50_TARGET_MS = 30.0


def build_pages(event) -> list[run.Page]:
    """The session list, first and middle pages, unfiltered and with each kind of filter."""
    from django.db.models import Count

    from pavilion.api.pagination import NEXT, Cursor
    from pavilion.api.selectors import SESSION_KEYSET, SESSION_VALUES, sessions_queryset
    from pavilion.programme import selectors
    from pavilion.programme.models import Organisation, Person

    def middle_cursor(filters: dict) -> str:
        """The cursor of the page halfway through the filtered list."""
        qs = (
            sessions_queryset(event=event, filters=filters)
            .order_by(*SESSION_KEYSET.ordering())
            .values(*SESSION_VALUES)
        )
        total = qs.count()
        row = qs[max(total // 2 - 1, 0)]
        return SESSION_KEYSET.encode(Cursor(NEXT, SESSION_KEYSET.key_of(row)))

    counts = selectors.programme_day_counts(
        event=event, queryset=selectors.programme_queryset(event=event, filters={})
    )
    busiest_day = max((d for d in counts if d is not None), key=lambda d: (counts[d], d))
    venue = event.venues.annotate(n=Count("sessions")).order_by("-n", "order", "id").first()
    host = (
        Organisation.objects.filter(hosted__session__event=event)
        .annotate(n=Count("hosted"))
        .order_by("-n", "id")
        .first()
    )
    speaker = (
        Person.objects.filter(participations__session__event=event)
        .annotate(n=Count("participations"))
        .order_by("-n", "id")
        .first()
    )
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=3650)

    def url(**params) -> str:
        return "/api/v1/sessions?" + urlencode(
            {"event": event.slug, "page_size": PAGE_SIZE, **params}
        )

    day = busiest_day.isoformat()
    return [
        run.Page("first", "sessions, first page", url(), P50_TARGET_MS),
        run.Page(
            "middle",
            f"sessions, middle page (of {event.sessions.count()})",
            url(cursor=middle_cursor({})),
            P50_TARGET_MS,
        ),
        run.Page(
            "day",
            f"sessions, busiest day ({counts[busiest_day]}), first page",
            url(day=day),
            P50_TARGET_MS,
        ),
        run.Page(
            "day-middle",
            "sessions, busiest day, middle page",
            url(day=day, cursor=middle_cursor({"day": busiest_day})),
            P50_TARGET_MS,
        ),
        run.Page("venue", f"sessions, venue {venue.slug}", url(venue=venue.slug), P50_TARGET_MS),
        run.Page("host", f"sessions, host ({host.n} sessions)", url(host=host.slug), P50_TARGET_MS),
        run.Page(
            "speaker",
            f"sessions, speaker ({speaker.n} sessions)",
            url(speaker=speaker.slug),
            P50_TARGET_MS,
        ),
        run.Page("text", "sessions, text “climate”", url(text="climate"), P50_TARGET_MS),
        run.Page("text-ja", "sessions, text “気候”", url(text="気候"), P50_TARGET_MS),
        run.Page(
            "updated-since",
            "sessions, updated_since",
            url(updated_since=since.isoformat(timespec="seconds")),
            P50_TARGET_MS,
        ),
        run.Page(
            "all-events",
            "sessions of every event, first page",
            "/api/v1/sessions?" + urlencode({"page_size": PAGE_SIZE}),
            P50_TARGET_MS,
        ),
    ]


def write_json(results: list[run.Result], *, meta: dict) -> Path:
    run.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        **meta,
        "targets": {"max_queries": run.MAX_QUERIES, "p50_ms": P50_TARGET_MS},
        "all_targets_met": all(r.ok for r in results),
        "pages": [asdict(r) | {"ok": r.ok} for r in results],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    latest = run.RESULTS_DIR / "api-latest.json"
    latest.write_text(text, encoding="utf-8")
    vendor = meta["database"]["vendor"]
    (run.RESULTS_DIR / f"api-latest-{vendor}.json").write_text(text, encoding="utf-8")
    return latest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the API's session list.")
    parser.add_argument("--iterations", type=int, default=50, help="timed requests per address")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument("--pages", default="", help="comma-separated keys (default: all)")
    parser.add_argument("--profile", metavar="KEY", help="profile one address instead")
    parser.add_argument("--profile-runs", type=int, default=10)
    run.add_data_arguments(parser)
    args = parser.parse_args(argv)

    event = run.prepare(args)

    from django.test import Client

    pages = build_pages(event)
    by_key = {page.key: page for page in pages}
    client = Client(raise_request_exception=False)

    if args.profile:
        if args.profile not in by_key:
            parser.error(f"--profile takes one of: {', '.join(by_key)}")
        run.profile(client, by_key[args.profile], runs=args.profile_runs, warmup=args.warmup)
        return 0
    if args.pages:
        wanted = [key.strip() for key in args.pages.split(",") if key.strip()]
        unknown = [key for key in wanted if key not in by_key]
        if unknown:
            parser.error(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(by_key)}")
        pages = [by_key[key] for key in wanted]

    print(
        f"{args.iterations} timed requests per address after {args.warmup} warm-up, "
        f"{PAGE_SIZE} sessions a page, uncached.\n"
    )
    results = []
    for page in pages:
        results.append(run.measure(client, page, iterations=args.iterations, warmup=args.warmup))
        print(f"  {page.key}: p50 {results[-1].p50_ms:.1f} ms", flush=True)
    print()
    run.print_table(results)
    met = all(r.ok for r in results)
    print(
        f"\nTargets: at most {run.MAX_QUERIES} queries and p50 ≤ {P50_TARGET_MS:.0f} ms per "
        "page of 100 sessions. " + ("All met." if met else "Not all met (MISS above).")
    )

    import django

    meta = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": run.database_info(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "commit": run._git_commit(),
        "iterations": args.iterations,
        "warmup": args.warmup,
        "page_size": PAGE_SIZE,
        "data": run.data_counts(event),
    }
    path = write_json(results, meta=meta)
    print(f"Figures written to {os.path.relpath(path, ROOT)}.")
    return 0 if all(run._verdict(r, "status") == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
