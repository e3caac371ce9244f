"""Pavilion's benchmark of the public programme pages.

Builds (once) a conference-scale event in a database of its own, then requests
each public page through Django's test client, uncached, and prints the time
(p50, p95), the response size and the number of SQL queries of each, with the
targets beside them. The figures are also written to bench/results/latest.json.

    .venv/bin/python bench/run.py                  # SQLite at var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --profile day-en # where the day page spends its time

See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"

MAX_QUERIES = 10
DAY_PAGE_P50_MS = 100.0
SESSION_PAGE_P50_MS = 15.0


def setup_django() -> str:
    """Point Django at the benchmark's own database and start it; describe the database.

    DATABASE_URL wins when set (PostgreSQL, say); otherwise SQLite at
    var/bench.sqlite3, so the development database is never touched. A missing
    PostgreSQL database is created. DEBUG is turned off, as in production, so
    that neither queries nor template debug information are recorded.
    """
    for path in (ROOT, ROOT / "src"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pavilion.settings")
    if not os.environ.get("DATABASE_URL"):
        var_dir = Path(os.environ.get("PAVILION_VAR_DIR") or ROOT / "var")
        var_dir.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"

    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    _ensure_database()
    return database_label()


def _ensure_database() -> None:
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        print(f"Created the PostgreSQL database {name}.")


def database_info() -> dict:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        number = connection.pg_version
        version = f"{number // 10000}.{number % 10000}"
    elif connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = ""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = os.path.relpath(name, ROOT) if name.startswith(str(ROOT)) else name
    return {"vendor": connection.vendor, "version": version, "name": name}


def database_label() -> str:
    info = database_info()
    return f"{info['vendor']} {info['version']} ({info['name']})"


@dataclass
class Page:
    key: str
    label: str
    url: str
    p50_target_ms: float | None = None


@dataclass
class Result:
    key: str
    label: str
    url: str
    status: int
    statuses: list[int]
    queries: int
    sql_ms: float
    bytes: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float
    targets: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t["met"] for t in self.targets)


def ensure_data(*, regenerate: bool, sizes: dict, seed: int) -> None:
    from bench.generate import EVENT_SLUG, generate
    from pavilion.programme.models import Event

    event = Event.objects.filter(slug=EVENT_SLUG).first()
    matches = (
        event is not None
        and event.sessions.count() == sizes["sessions"]
        and event.venues.count() == sizes["venues"]
        and len(event.days()) == sizes["days"]
    )
    if matches and not regenerate:
        return
    print("Generating the bench event …", flush=True)
    began = time.perf_counter()
    generate(**sizes, seed=seed, verbose=True)
    print(f"Generated in {time.perf_counter() - began:.1f} s.", flush=True)


SIZES = {"sessions": 10_000, "people": 15_000, "venues": 120, "days": 12, "orgs": 2_000}


def add_data_arguments(parser) -> None:
    """The options that choose the bench event's size (shared by every bench script)."""
    parser.add_argument("--regenerate", action="store_true", help="rebuild the bench event")
    for name, default in SIZES.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seed", type=int, default=1)


def prepare(args):
    """Set Django up on the bench database, migrate, make sure the bench event has the
    asked size; return the event."""
    database = setup_django()
    print(f"Database: {database}", flush=True)

    from django.core.management import call_command

    from bench.generate import EVENT_SLUG
    from pavilion.programme.models import Event

    call_command("migrate", interactive=False, verbosity=0)
    sizes = {name: getattr(args, name, default) for name, default in SIZES.items()}
    ensure_data(regenerate=args.regenerate, sizes=sizes, seed=args.seed)
    return Event.objects.get(slug=EVENT_SLUG)


def data_counts(event) -> dict:
    from django.db.models import Count

    from pavilion.programme.models import (
        Organisation,
        Participation,
        Person,
        SessionHost,
        SessionLink,
    )

    statuses = dict(
        event.sessions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "days": len(event.days()),
        "venues": event.venues.count(),
        "sessions": event.sessions.count(),
        "sessions_by_status": statuses,
        "sessions_date_to_be_confirmed": event.sessions.filter(starts_at__isnull=True).count(),
        "people": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "participations": Participation.objects.filter(session__event=event).count(),
        "hosts": SessionHost.objects.filter(session__event=event).count(),
        "links": SessionLink.objects.filter(session__event=event).count(),
    }


def build_pages(event, *, text: str = "climate", ja_text: str = "気候") -> list[Page]:
    """The pages measured, each pointed at the heaviest case the data offers."""
    from django.db.models import Count

    from pavilion.programme import selectors
    from pavilion.programme.models import Person, Session

    counts = selectors.programme_day_counts(
        event=event, queryset=selectors.programme_queryset(event=event, filters={})
    )
    busiest_day = max((d for d in counts if d is not None), key=lambda d: (counts[d], d))
    venue = event.venues.annotate(n=Count("sessions")).order_by("-n", "order", "id").first()
    session = (
        Session.objects.public()
        .filter(event=event, status=Session.Status.PUBLISHED)
        .exclude(recording_url="")
        .annotate(n=Count("participations"))
        .order_by("-n", "id")
        .first()
    )
    person = (
        Person.objects.filter(participations__session__event=event)
        .annotate(n=Count("participations"))
        .order_by("-n", "id")
        .first()
    )
    base = f"/en/events/{event.slug}"
    day = urlencode({"day": busiest_day.isoformat()})
    return [
        Page(
            "day-en",
            f"programme, busiest day ({counts[busiest_day]} sessions), en",
            f"{base}/programme/?{day}",
            DAY_PAGE_P50_MS,
        ),
        Page(
            "day-ja",
            f"programme, busiest day ({counts[busiest_day]} sessions), ja",
            f"/ja/events/{event.slug}/programme/?{day}",
            DAY_PAGE_P50_MS,
        ),
        Page(
            "filtered",
            f"programme, venue + text “{text}”",
            f"{base}/programme/?{urlencode({'venue': venue.slug, 'q': text})}",
        ),
        Page(
            "search",
            f"programme, text “{ja_text}”, no day chosen",
            f"{base}/programme/?{urlencode({'q': ja_text})}",
        ),
        Page(
            "session",
            f"session page ({session.n} speakers)",
            f"{base}/sessions/{session.slug}/",
            SESSION_PAGE_P50_MS,
        ),
        Page("speaker", f"speaker page ({person.n} sessions)", f"/en/speakers/{person.slug}/"),
        Page("speakers", "speakers index (page 1)", f"{base}/speakers/"),
        Page("home", "home page", "/en/"),
    ]


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


class _QueryTimer:
    """Time spent in the database driver's execute() (fetching rows is not included)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    @property
    def seconds(self) -> float:
        return sum(self.times)

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append(time.perf_counter() - began)


def measure(client, page: Page, *, iterations: int, warmup: int) -> Result:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        cache.clear()
        client.get(page.url)
    # Queries are counted on a request of their own, so that recording them
    # does not slow the timed ones.
    cache.clear()
    timer = _QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        response = client.get(page.url)
    queries = len(captured.captured_queries)
    sql_ms = timer.seconds * 1000
    times = []
    statuses = set()
    for _ in range(iterations):
        cache.clear()
        began = time.perf_counter()
        timed = client.get(page.url)
        times.append((time.perf_counter() - began) * 1000)
        statuses.add(timed.status_code)
    result = Result(
        key=page.key,
        label=page.label,
        url=page.url,
        status=response.status_code,
        statuses=sorted(statuses),
        queries=queries,
        sql_ms=round(sql_ms, 1),
        bytes=len(response.content),
        p50_ms=round(statistics.median(times), 2),
        p95_ms=round(_percentile(times, 95), 2),
        mean_ms=round(statistics.fmean(times), 2),
        min_ms=round(min(times), 2),
        max_ms=round(max(times), 2),
    )
    result.targets.append(
        {
            "name": "status",
            "limit": 200,
            "value": result.status,
            "met": result.status == 200 and result.statuses == [200],
        }
    )
    result.targets.append(
        {"name": "queries", "limit": MAX_QUERIES, "value": queries, "met": queries <= MAX_QUERIES}
    )
    if page.p50_target_ms is not None:
        result.targets.append(
            {
                "name": "p50_ms",
                "limit": page.p50_target_ms,
                "value": result.p50_ms,
                "met": result.p50_ms <= page.p50_target_ms,
            }
        )
    return result


def _verdict(result: Result, name: str) -> str:
    target = next((t for t in result.targets if t["name"] == name), None)
    if target is None:
        return "—"
    return "PASS" if target["met"] else "MISS"


def print_table(results: list[Result]) -> None:
    headers = [
        "page",
        "status",
        "queries",
        "≤10",
        "KB",
        "sql ms",
        "p50 ms",
        "p95 ms",
        "p50 target",
        "",
    ]
    rows = []
    for r in results:
        target = next((t for t in r.targets if t["name"] == "p50_ms"), None)
        status = str(r.status) if r.statuses == [r.status] else f"{r.status} {r.statuses}"
        rows.append(
            [
                r.label,
                status + ("" if _verdict(r, "status") == "PASS" else " FAIL"),
                str(r.queries),
                _verdict(r, "queries"),
                f"{r.bytes / 1024:.1f}",
                f"{r.sql_ms:.1f}",
                f"{r.p50_ms:.1f}",
                f"{r.p95_ms:.1f}",
                f"≤ {target['limit']:.0f}" if target else "—",
                _verdict(r, "p50_ms"),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    left = {0}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(widths[i]) if i in left else c.rjust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return ""


def write_json(results: list[Result], *, meta: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        **meta,
        "targets": {
            "max_queries": MAX_QUERIES,
            "day_page_p50_ms": DAY_PAGE_P50_MS,
            "session_page_p50_ms": SESSION_PAGE_P50_MS,
        },
        "all_targets_met": all(r.ok for r in results),
        "pages": [asdict(r) | {"ok": r.ok} for r in results],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    latest = RESULTS_DIR / "latest.json"
    latest.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"latest-{meta['database']['vendor']}.json").write_text(text, encoding="utf-8")
    return latest


def _where(func: tuple) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = filename
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({name})"


def profile(client, page: Page, *, runs: int, warmup: int, top: int = 25) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        cache.clear()
        client.get(page.url)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    for _ in range(runs):
        cache.clear()
        profiler.enable()
        client.get(page.url)
        profiler.disable()
    wall = (time.perf_counter() - began) * 1000 / runs
    stats = pstats.Stats(profiler)
    rows = [
        (func, primitive, calls, own, cumulative)
        for func, (primitive, calls, own, cumulative, _callers) in stats.stats.items()
    ]
    print(f"\nProfile of {page.label}: {page.url}")
    print(f"{runs} requests, {wall:.1f} ms each under the profiler; figures per request.\n")
    ours = str(ROOT / "src") + os.sep
    tables = (
        ("by cumulative time", 4, rows),
        ("by own time", 3, rows),
        ("of Pavilion's own code, by cumulative time", 4, [r for r in rows if ours in r[0][0]]),
    )
    for title, index, selected in tables:
        print(f"Top {top} {title}:")
        print(f"{'cum ms':>9} {'own ms':>9} {'calls':>9}  function")
        for func, _primitive, calls, own, cumulative in sorted(
            selected, key=lambda row: row[index], reverse=True
        )[:top]:
            print(
                f"{cumulative * 1000 / runs:9.1f} {own * 1000 / runs:9.1f} "
                f"{calls / runs:9.0f}  {_where(func)}"
            )
        print()

    cache.clear()
    timer = _QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        client.get(page.url)
    print(f"SQL queries of one request ({len(captured.captured_queries)}; execute time only):")
    for query, seconds in zip(captured.captured_queries, timer.times, strict=False):
        sql = " ".join(query["sql"].split())
        print(f"{seconds * 1000:8.2f} ms  {sql[:240]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the public programme pages on a conference-scale event."
    )
    parser.add_argument("--iterations", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="print a cProfile top-25 of one page instead (day-en, day-ja, filtered, search, "
        "session, speaker, speakers, home)",
    )
    parser.add_argument("--profile-runs", type=int, default=5, help="requests to profile")
    add_data_arguments(parser)
    args = parser.parse_args(argv)

    event = prepare(args)

    from django.test import Client

    pages = build_pages(event)
    by_key = {page.key: page for page in pages}
    # A page that fails is reported with its status (500) rather than ending the run.
    client = Client(raise_request_exception=False)

    if args.profile:
        if args.profile not in by_key:
            parser.error(f"--profile takes one of: {', '.join(by_key)}")
        profile(client, by_key[args.profile], runs=args.profile_runs, warmup=args.warmup)
        return 0

    if args.pages:
        wanted = [key.strip() for key in args.pages.split(",") if key.strip()]
        unknown = [key for key in wanted if key not in by_key]
        if unknown:
            parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(by_key)}")
        pages = [by_key[key] for key in wanted]

    counts = data_counts(event)
    print(
        f"Event {event.slug}: {counts['days']} days, {counts['venues']} venues, "
        f"{counts['sessions']} sessions, {counts['people']} people, "
        f"{counts['organisations']} organisations, {counts['participations']} speakers' "
        f"parts, {counts['hosts']} hosts."
    )
    print(f"{args.iterations} timed requests per page after {args.warmup} warm-up, uncached.\n")
    results = []
    for page in pages:
        results.append(measure(client, page, iterations=args.iterations, warmup=args.warmup))
        print(f"  {page.key}: p50 {results[-1].p50_ms:.1f} ms", flush=True)
    print()
    print_table(results)
    met = all(r.ok for r in results)
    print(
        f"\nTargets: at most {MAX_QUERIES} queries per page; p50 ≤ {DAY_PAGE_P50_MS:.0f} ms for a "
        f"day page, ≤ {SESSION_PAGE_P50_MS:.0f} ms for a session page. "
        + ("All met." if met else "Not all met (MISS above).")
    )

    import django

    meta = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": database_info(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "commit": _git_commit(),
        "iterations": args.iterations,
        "warmup": args.warmup,
        "event": {
            "slug": event.slug,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "timezone": event.timezone,
            "secondary_timezones": event.secondary_timezones,
        },
        "data": counts,
    }
    path = write_json(results, meta=meta)
    print(f"Figures written to {os.path.relpath(path, ROOT)}.")
    return 0 if all(_verdict(r, "status") == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
