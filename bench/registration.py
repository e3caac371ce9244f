"""Registrations per second through the real registration view, on PostgreSQL, with the
overbooking check at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench \\
        .venv/bin/python bench/registration.py --requests 2000 --clients 8

What it does:

1. Migrates the benchmark database (created if missing) and makes a fresh event with
   one session of 60 seats (``--seats``) and an unlimited waiting list, open now.
2. Starts ``gunicorn pavilion.wsgi -w 2`` (``--workers``) on a free port of the
   loopback, DEBUG off, with the registration rate limits raised: they would
   otherwise stop one address sending thousands of POSTs (the limits are the only
   setting changed, through a settings module written to a temporary folder).
3. Each client thread fetches the form once (for its CSRF cookie and token), then
   all of them fire ``--requests`` POSTs together, each with a new e-mail address;
   ``--duplicates`` of them (5% by default) repeat an address already sent, in
   another case, as a second visitor would. Every POST is the whole path: rate-limit
   counters, the form, the row lock, the insert, the audit entry, and after the commit
   the task that builds the e-mail, queued in the database's task table (the worker
   renders and sends mail, outside requests; none runs here, so nothing is sent).
4. Checks the outcome in the database: exactly ``--seats`` confirmed, the rest waiting
   with places 1, 2, 3 … in the order their rows were written, one registration per
   address, one 303 per new address and one 409 per repeated one, no other answer.
5. Prints requests per second, p50/p95/p99 latency of the POSTs, the SQL queries of
   one registration (measured apart, through Django's test client) and the CPU time
   per request of the server, PostgreSQL and the clients, which share the machine.

Earlier benchmark events, with their registrations, audit entries and queued mail
tasks, are removed first, so runs do not slow down as the tables grow.

The figures are also written to bench/results/registration-latest.json. Exit status 1
if any check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/pavilion_bench"
EVENT_PREFIX = "bench-registration-"
TARGET_PER_SECOND = 200

SETTINGS_OVERLAY = '''"""Pavilion's settings for the registration benchmark: only the rate limits differ."""
from pavilion.settings import *  # noqa: F403

PAVILION_REGISTRATION_POSTS_PER_ADDRESS = 10**9
PAVILION_REGISTRATION_POSTS_PER_EMAIL = 10**9
'''


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="POSTs to send (2000)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (2)")
    parser.add_argument("--seats", type=int, default=60, help="seats in the session (60)")
    parser.add_argument(
        "--duplicates", type=float, default=0.05, help="share of repeated addresses (0.05)"
    )
    parser.add_argument("--seed", type=int, default=5, help="random seed (5)")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The database side (in this process)


def setup_django(settings_dir: Path, var_dir: Path) -> None:
    for path in (ROOT, ROOT / "src", settings_dir):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import django

    django.setup()
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL (see the docstring).")
    try:
        connection.ensure_connection()
    except OperationalError:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        print(f"Created the PostgreSQL database {name}.")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # DEBUG is off, as in production: pages name their static files by the manifest.
    call_command("collectstatic", verbosity=0, interactive=False)


def fresh_session(*, seats: int, tag: str):
    """A new public event with one published session a month ahead, open for registration.
    Earlier benchmark events are removed first."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from pavilion.core.models import AuditEntry
    from pavilion.programme.models import Event, Session, Venue
    from pavilion.registration.models import Registration, RegistrationSettings
    from pavilion.registration.notifications import registration_mail_build

    old = Event.objects.filter(slug__startswith=EVENT_PREFIX)
    gone = Registration.objects.filter(session__event__in=old)
    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(pk) for pk in gone.values_list("pk", flat=True)],
    ).delete()
    # The mail of earlier runs, never sent (no worker runs here).
    DBTaskResult.objects.filter(task_path=registration_mail_build.module_path).delete()
    gone.delete()
    Session.objects.filter(event__in=old).delete()
    Venue.objects.filter(event__in=old).delete()
    old.delete()
    day = timezone.localdate() + dt.timedelta(days=30)
    event = Event.objects.create(
        slug=f"{EVENT_PREFIX}{tag}",
        name_en="Registration benchmark",
        name_ja="登録ベンチマーク",
        start_date=day,
        end_date=day + dt.timedelta(days=2),
        timezone="America/Belem",
        secondary_timezones=["Asia/Tokyo"],
    )
    venue = Venue.objects.create(
        event=event, slug="hall", name_en="Hall", name_ja="ホール", capacity=seats
    )
    starts = dt.datetime.combine(day, dt.time(14, 0), tzinfo=event.tzinfo)
    sessions = [
        Session.objects.create(
            event=event,
            venue=venue,
            slug=slug,
            title_en=f"Benchmark session {slug}",
            title_ja=f"ベンチマーク セッション {slug}",
            starts_at=starts + dt.timedelta(hours=n * 2),
            ends_at=starts + dt.timedelta(hours=n * 2 + 1),
            status=Session.Status.PUBLISHED,
        )
        for n, slug in enumerate(["load", "queries"])
    ]
    for session in sessions:
        RegistrationSettings.objects.create(session=session, is_open=True, capacity=seats)
    return sessions


def count_queries_of_one_registration(session) -> dict:
    """The SQL of one POST that takes a seat, and of one that joins the waiting list."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/en/events/{session.event.slug}/sessions/{session.slug}/register/"
    counts = {}
    for label, n in (("seat", 0), ("waiting list", 1)):
        if label == "waiting list":
            from pavilion.registration.models import RegistrationSettings

            RegistrationSettings.objects.filter(session=session).update(capacity=1)
        data = {
            "name": "Query Count",
            "email": f"queries-{n}@example.org",
            "language": "ja",
            "consent": "on",
            "submission": secrets.token_urlsafe(8),
        }
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        if response.status_code != 303:
            raise SystemExit(f"The query-count POST answered {response.status_code}.")
        counts[label] = len(queries)
    return counts


def check_outcome(session, *, seats: int, unique: int) -> list[str]:
    """Everything the services promise, checked in the database; the failures, in words."""
    from django.db.models import Count

    from pavilion.registration.models import Registration

    Status = Registration.Status
    rows = list(
        Registration.objects.filter(session=session).values_list(
            "id", "status", "position", "email_key"
        )
    )
    failures = []
    by_status = Counter(status for _id, status, _pos, _key in rows)
    expected_confirmed = min(seats, unique)
    if by_status[Status.CONFIRMED] != expected_confirmed:
        failures.append(
            f"{by_status[Status.CONFIRMED]} confirmed for {seats} seats "
            f"(expected {expected_confirmed})"
        )
    if by_status[Status.OFFERED]:
        failures.append(f"{by_status[Status.OFFERED]} offered, expected none")
    if by_status[Status.WAITING] != unique - expected_confirmed:
        failures.append(
            f"{by_status[Status.WAITING]} waiting, expected {unique - expected_confirmed}"
        )
    if len(rows) != unique:
        failures.append(f"{len(rows)} registrations for {unique} addresses")
    duplicates = (
        Registration.objects.filter(session=session, status__in=Registration.ACTIVE)
        .values("email_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if duplicates:
        failures.append(f"{duplicates} addresses registered more than once")
    waiting = sorted((pos, id_) for id_, status, pos, _key in rows if status == Status.WAITING)
    positions = [pos for pos, _id in waiting]
    if positions != list(range(1, len(waiting) + 1)):
        failures.append("waiting places are not 1, 2, 3 … without gaps")
    ids = [id_ for _pos, id_ in waiting]
    if ids != sorted(ids):
        failures.append("waiting places are not in the order the rows were written")
    confirmed_ids = sorted(id_ for id_, status, _p, _k in rows if status == Status.CONFIRMED)
    if ids and confirmed_ids and max(confirmed_ids) > min(ids):
        failures.append("someone who came later got a seat before someone waiting")
    return failures


# The server


def start_gunicorn(*, port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "pavilion.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    with log.open("ab") as output:  # the server's log (a 409 is logged as a warning)
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, start_new_session=True, stdout=output, stderr=output
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit status {server.returncode}).")
        try:
            status, _headers, _body = request(port, "GET", "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s.")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# The clients


def request(port: int, method: str, path: str, *, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        connection.close()


def csrf_of(port: int, path: str) -> tuple[str, str]:
    """(cookie value, form token) from a GET of the form."""
    status, headers, body = request(port, "GET", path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}.")
    cookie = next(
        value.split(";", 1)[0].split("=", 1)[1]
        for name, value in headers
        if name.lower() == "set-cookie" and value.startswith("csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def plan(requests: int, duplicates: float, seed: int) -> list[str]:
    """The address of each POST, in the order they are sent: new ones, and now and then
    one sent before, in capitals."""
    rng = random.Random(seed)
    addresses: list[str] = []
    sent: list[str] = []
    for n in range(requests):
        if sent and rng.random() < duplicates:
            addresses.append(rng.choice(sent).upper())
        else:
            address = f"visitor-{n}@example.org"
            sent.append(address)
            addresses.append(address)
    return addresses


def fire(port: int, path: str, addresses: list[str], clients: int) -> dict:
    """Send the POSTs from ``clients`` threads started together; time each one."""
    tokens = [csrf_of(port, path) for _ in range(clients)]
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    next_index = iter(range(len(addresses)))

    def worker(cookie: str, token: str) -> None:
        barrier.wait()
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            address = addresses[index]
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "name": f"Visitor {index}",
                    "organisation": "Bench City",
                    "email": address,
                    "language": "ja" if index % 2 else "en",
                    "consent": "on",
                    "submission": secrets.token_urlsafe(12),
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            }
            started = time.perf_counter()
            try:
                status, _headers, _body = request(port, "POST", path, body=body, headers=headers)
            except OSError as exc:
                status = f"error: {exc.__class__.__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1

    threads = [threading.Thread(target=worker, args=pair) for pair in tokens]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"wall": wall, "latencies": latencies, "statuses": statuses}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_snapshot(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds used so far by the server (master and workers), the database server
    and this process (the clients), to show where the time goes."""
    if not Path("/proc/self/stat").exists():
        return {}
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    workers = [int(p) for p in children.read_text().split()] if children.exists() else []
    return {
        "gunicorn": sum(_cpu_seconds(pid) for pid in [server.pid, *workers]),
        "postgres": sum(_cpu_seconds(pid) for pid in _processes("postgres")),
        "clients": _cpu_seconds(os.getpid()),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def commit_of() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main() -> int:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    with tempfile.TemporaryDirectory(prefix="pavilion-bench-") as tmp:
        settings_dir = Path(tmp) / "settings"
        settings_dir.mkdir()
        (settings_dir / "bench_registration_settings.py").write_text(SETTINGS_OVERLAY)
        var_dir = Path(tmp) / "var"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_registration_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(settings_dir)]),
            "PAVILION_VAR_DIR": str(var_dir),
            "PAVILION_DEBUG": "false",
            "PAVILION_SECRET_KEY": secrets.token_urlsafe(40),
            "PAVILION_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "PAVILION_SECURE_COOKIES": "false",
            "PAVILION_LOG_LEVEL": "ERROR",
        }
        os.environ.update(env)
        setup_django(settings_dir, var_dir)
        from django.conf import settings
        from django.db import connection

        tag = time.strftime("%Y%m%d%H%M%S")
        session, query_session = fresh_session(seats=args.seats, tag=tag)
        path = f"/en/events/{session.event.slug}/sessions/{session.slug}/register/"
        addresses = plan(args.requests, args.duplicates, args.seed)
        unique = len({a.lower() for a in addresses})
        port = free_port()
        print(
            f"PostgreSQL {connection.pg_version // 10000}, gunicorn with {args.workers} workers "
            f"on 127.0.0.1:{port}, {args.clients} client threads, {platform.python_version()}, "
            f"{os.cpu_count()} CPUs"
        )
        print(
            f"{args.requests} POSTs ({unique} addresses, {args.requests - unique} repeated) "
            f"at a session of {args.seats} seats…"
        )
        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(port=port, workers=args.workers, env=env, log=log)
        try:
            before = cpu_snapshot(server)
            result = fire(port, path, addresses, args.clients)
            after = cpu_snapshot(server)
        finally:
            stop(server)
        cpu = {name: round(after[name] - before[name], 2) for name in after}
        connection.close()
        failures = check_outcome(session, seats=args.seats, unique=unique)
        server_log = log.read_text(errors="replace")
        if "Traceback" in server_log or "Internal Server Error" in server_log:
            failures.append("the server logged errors:\n" + server_log[-3000:])
        statuses = result["statuses"]
        expected = Counter({303: unique, 409: args.requests - unique})
        if statuses != expected:
            failures.append(
                f"answers {dict(statuses)}, expected {dict(expected)} (303 new, 409 repeated)"
            )
        queries = count_queries_of_one_registration(query_session)
        assert args.requests < settings.PAVILION_REGISTRATION_POSTS_PER_ADDRESS

    latencies = result["latencies"]
    per_second = args.requests / result["wall"]
    figures = {
        "requests": args.requests,
        "addresses": unique,
        "seats": args.seats,
        "workers": args.workers,
        "clients": args.clients,
        "seconds": round(result["wall"], 3),
        "requests_per_second": round(per_second, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "max_ms": round(1000 * max(latencies), 1),
        "answers": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "queries_per_registration": queries,
        "cpu_seconds": cpu,
        "failures": failures,
        "commit": commit_of(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    print()
    print(f"{'requests per second':<28}{per_second:>10.1f}   (target ≥ {TARGET_PER_SECOND})")
    print(f"{'latency p50':<28}{figures['p50_ms']:>10.1f} ms")
    print(f"{'latency p95':<28}{figures['p95_ms']:>10.1f} ms")
    print(f"{'latency p99':<28}{figures['p99_ms']:>10.1f} ms")
    print(f"{'answers':<28}{'':>4}{figures['answers']}")
    print(
        f"{'queries per registration':<28}{queries['seat']:>10}   (seat), "
        f"{queries['waiting list']} (waiting list)"
    )
    if cpu:
        split = ", ".join(
            f"{name} {1000 * seconds / args.requests:.1f}" for name, seconds in cpu.items()
        )
        print(f"{'CPU ms per request':<28}{'':>4}{split}")
    if failures:
        print("\nOVERBOOKING CHECK FAILED:")
        for failure in failures:
            print(f"  - {failure}")
    else:
        print(
            f"\nNo overbooking: exactly {min(args.seats, unique)} confirmed, "
            f"{max(0, unique - args.seats)} waiting in places 1…{max(0, unique - args.seats)} "
            "in arrival order, one registration per address."
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "registration-latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
