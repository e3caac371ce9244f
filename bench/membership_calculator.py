"""Benchmark of the membership fee calculator with the demo fee schedules and members.

Uses the same database choice and measuring as bench/run.py (SQLite at
var/bench.sqlite3, or DATABASE_URL; Django's test client, whole middleware stack,
DEBUG off, cache cleared before every request) and prints p50/p95 and the SQL
queries of each calculator address, with the target beside them (p50 ≤ 20 ms).
The figures are also written to bench/results/membership-latest.json (and
membership-latest-<database>.json).

    .venv/bin/python bench/membership_calculator.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/membership_calculator.py

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

P50_TARGET_MS = 20.0


def calculator(lang: str, **params) -> str:
    return f"/{lang}/membership/calculator/" + (f"?{urlencode(params)}" if params else "")


PAGES = [
    run.Page("empty", "calculator, empty form (en)", calculator("en"), P50_TARGET_MS),
    run.Page(
        "local-en",
        "local government, Japan, 50,001, EUR (en)",
        calculator("en", kind="local_government", country="JP", population=50001, currency="EUR"),
        P50_TARGET_MS,
    ),
    run.Page(
        "local-ja",
        "regional government, India, 2,000,001, JPY, discount (ja)",
        calculator(
            "ja",
            kind="regional_government",
            country="IN",
            population=2000001,
            currency="JPY",
            discounts="shared-territory",
        ),
        P50_TARGET_MS,
    ),
    run.Page(
        "flat-en",
        "NGO, Kenya, EUR (en)",
        calculator("en", kind="ngo", country="KE", currency="EUR"),
        P50_TARGET_MS,
    ),
    run.Page(
        "json",
        "local government, JSON (what the live update fetches)",
        calculator(
            "en",
            kind="local_government",
            country="BR",
            population=750000,
            currency="EUR",
            format="json",
        ),
        P50_TARGET_MS,
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the membership fee calculator.")
    parser.add_argument("--iterations", type=int, default=100, help="timed requests per address")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    args = parser.parse_args(argv)

    database = run.setup_django()
    print(f"Database: {database}", flush=True)

    import django
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from pavilion.membership.demo import demo_load
    from pavilion.membership.models import FeeSchedule, Member

    call_command("migrate", interactive=False, verbosity=0)
    created = demo_load(today=timezone.localdate())
    if any(created.values()):
        print(f"Loaded the membership demo data: {created}.")

    client = Client(raise_request_exception=False)
    print(f"{args.iterations} timed requests per address after {args.warmup} warm-up.\n")
    results = []
    for page in PAGES:
        results.append(run.measure(client, page, iterations=args.iterations, warmup=args.warmup))
        print(f"  {page.key}: p50 {results[-1].p50_ms:.1f} ms", flush=True)
    print()
    run.print_table(results)
    met = all(r.ok for r in results)
    print(
        f"\nTargets: at most {run.MAX_QUERIES} queries and p50 ≤ {P50_TARGET_MS:.0f} ms. "
        + ("All met." if met else "Not all met (MISS above).")
    )

    meta = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": run.database_info(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "commit": run._git_commit(),
        "iterations": args.iterations,
        "warmup": args.warmup,
        "data": {
            "fee_schedules": FeeSchedule.objects.count(),
            "members": Member.objects.count(),
        },
        "targets": {"max_queries": run.MAX_QUERIES, "p50_ms": P50_TARGET_MS},
        "all_targets_met": met,
        "pages": [asdict(r) | {"ok": r.ok} for r in results],
    }
    run.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    latest = run.RESULTS_DIR / "membership-latest.json"
    latest.write_text(text, encoding="utf-8")
    vendor = meta["database"]["vendor"]
    (run.RESULTS_DIR / f"membership-latest-{vendor}.json").write_text(text, encoding="utf-8")
    print(f"Figures written to {os.path.relpath(latest, ROOT)}.")
    return 0 if all(run._verdict(r, "status") == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
