"""Issuing a year's dues for 2,500 members, then rendering every invoice's PDF.

    .venv/bin/python bench/dues.py                       # SQLite at var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pavilion_bench .venv/bin/python bench/dues.py

What it does:

1. Migrates the benchmark database, loads the demo fee schedules (EUR and JPY, the
   published figures) and the shipped income classification, and replaces the bench
   members (slugs ``bench-dues-…``) with ``--members`` new ones: mostly local
   governments of every size, some associations and associate partners, in
   countries of every income group, half writing Japanese (billed in JPY), half
   English (EUR). Earlier invoices of the bench year are removed and its counter reset.
2. Starts ``--workers`` (2) ``manage.py db_worker`` processes and waits until they
   are idle, as in production, where the worker is always running; then times
   ``manage.py issue_dues YEAR`` (each batch of 50 invoices numbered and written in
   one transaction with the counter row locked, and one render task queued with it
   in the database's task table) and counts its SQL queries. The workers render
   each batch as soon as it is committed, so issuing and rendering overlap; SQLite
   runs in WAL mode, so they read while the command writes.
3. Times from the start of issuing until every invoice has its PDF in private
   storage, then until every invoice's mail has been sent (to the console,
   discarded). With ``--after`` the workers are started only once issuing is over
   (``--batch``), and the rendering is timed from then on.
4. Measures the CPU time of one PDF in this process (``time.process_time()``, which
   other load on the machine barely changes): layout and writing, for English and
   Japanese invoices; and the workers' CPU time per invoice, all included.

Prints members, invoices, seconds to issue, seconds until all PDFs exist, the total,
queries per invoice and CPU milliseconds per PDF. Target: at most 60 s in all. Exit
status 1 if an invoice is missing, lacks its PDF or was not mailed.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.run import setup_django  # noqa: E402

TARGET_SECONDS = 60
GIVE_UP_SECONDS = 900
PREFIX = "bench-dues-"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2500, help="members to invoice (2500)")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes (2)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--after",
        action="store_true",
        help="start the workers once issuing is over (default: running from the start)",
    )
    return parser.parse_args(argv)


def make_members(*, count: int, seed: int, today) -> list[int]:
    from pavilion.membership.fees import snapshot_in_force
    from pavilion.membership.models import CountryIncome, Member

    rng = random.Random(seed)
    snapshot = snapshot_in_force(on=today)
    countries = list(
        CountryIncome.objects.filter(snapshot=snapshot).values_list("country", flat=True)
    )
    kinds = (
        ["local_government"] * 14
        + ["regional_government"] * 3
        + ["national_association", "subnational_association", "ngo", "university"]
    )
    category = {
        "local_government": "local_regional",
        "regional_government": "local_regional",
        "national_association": "association",
        "subnational_association": "association",
    }
    members = []
    for n in range(count):
        kind = rng.choice(kinds)
        ja = n % 2 == 0
        members.append(
            Member(
                slug=f"{PREFIX}{n}",
                name_en=f"Bench City {n}",
                name_ja=f"ベンチ市{n}",
                kind=kind,
                category=category.get(kind, "associate"),
                country="JP" if ja else rng.choice(countries),
                population=rng.choice(
                    [8_000, 50_000, 50_001, 180_000, 640_000, 3_800_000, 9_000_000]
                ),
                language="ja" if ja else "en",
                currency="JPY" if ja else "EUR",
                contact_name=f"Contact {n}",
                billing_email=f"billing{n}@example.org",
                joined_on=today.replace(month=1, day=1),
            )
        )
    Member.objects.bulk_create(members, batch_size=500)
    return list(Member.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))


def reset(*, year: int) -> None:
    from django_tasks_db.models import DBTaskResult

    from pavilion.billing.models import Invoice, InvoiceCounter, InvoiceLine, Payment, ReminderLog
    from pavilion.core.models import AuditEntry
    from pavilion.membership.models import Member

    invoices = Invoice.objects.filter(year=year)
    ReminderLog.objects.filter(invoice__in=invoices).delete()
    Payment.objects.filter(invoice__in=invoices).delete()
    InvoiceLine.objects.filter(invoice__in=invoices).delete()
    for invoice in invoices.exclude(pdf=""):
        invoice.pdf.delete(save=False)
    invoices.delete()
    InvoiceCounter.objects.filter(year=year).delete()
    AuditEntry.objects.filter(action__startswith="pavilion.billing.").delete()
    DBTaskResult.objects.all().delete()
    Invoice.objects.filter(member__slug__startswith=PREFIX).delete()
    Member.objects.filter(slug__startswith=PREFIX).delete()


def pdf_cpu_ms(*, invoice_ids: list[int], per_language: int = 10) -> dict[str, float]:
    """CPU milliseconds per PDF in this process (WeasyPrint set up beforehand, as in
    a worker), by language: HTML, layout and writing together."""
    from pavilion.billing.models import Invoice
    from pavilion.billing.pdf import invoice_pdf_bytes

    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids)
        .select_related("member")
        .prefetch_related("lines")
        .order_by("pk")
    )
    invoice_pdf_bytes(invoices[0])  # set-up: fonts, stylesheet
    figures = {}
    for lang in ("en", "ja"):
        chosen = [invoice for invoice in invoices if invoice.language == lang][:per_language]
        started = time.process_time()
        for invoice in chosen:
            invoice_pdf_bytes(invoice)
        figures[lang] = (time.process_time() - started) * 1000 / max(len(chosen), 1)
    return figures


class QueryCounter:
    """Counts the SQL queries run on a connection (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def start_workers(*, count: int, batch: bool) -> list[subprocess.Popen]:
    env = {**os.environ, "PAVILION_DEBUG": "false", "PAVILION_SECRET_KEY": "bench-only"}
    env.setdefault("PAVILION_LOG_LEVEL", "WARNING")
    options = ["--batch"] if batch else ["--interval", "0.2"]
    return [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                *options,
                "--no-reload",
                "--no-startup-delay",
                "-v",
                "0",
                "--worker-id",
                f"bench-dues-{n}",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def wait_until_idle(workers: list[subprocess.Popen], *, limit: float = 30.0) -> None:
    """Wait until every worker has started and is polling the empty queue: its CPU
    time (from /proc) has stopped growing. Elsewhere than Linux: five seconds."""
    if not workers:
        return
    if not Path("/proc/self/stat").exists():
        time.sleep(5)
        return

    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks

    deadline = time.perf_counter() + limit
    last = [cpu(worker.pid) for worker in workers]
    quiet = 0
    while quiet < 4 and time.perf_counter() < deadline:
        time.sleep(0.25)
        now = [cpu(worker.pid) for worker in workers]
        quiet = quiet + 1 if all(b - a <= 2 for a, b in zip(last, now, strict=True)) else 0
        last = now


def queue_is_empty() -> bool:
    from django_tasks_db.models import DBTaskResult

    return not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def main(argv=None) -> int:
    args = parse_args(argv)
    label = setup_django()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # no progress lines
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pavilion.billing.models import Invoice
    from pavilion.membership.demo import demo_schedules

    sequential = args.after
    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    year = today.year
    demo_schedules(year=year)
    reset(year=year)
    # Only the bench members: the others (demo ones) would be invoiced too.
    from pavilion.membership.models import Member

    Member.objects.exclude(slug__startswith=PREFIX).update(ended_on=today.replace(day=1, month=1))
    member_ids = make_members(count=args.members, seed=args.seed, today=today)

    print(f"Database: {label}")
    mine = Invoice.objects.filter(year=year, member_id__in=member_ids)
    workers = [] if sequential else start_workers(count=args.workers, batch=False)
    wait_until_idle(workers)
    started = time.perf_counter()
    out, err = StringIO(), StringIO()
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        issue_started = time.perf_counter()
        try:
            call_command("issue_dues", str(year), stdout=out, stderr=err)
        except Exception as error:  # members without a fee: listed, the rest issued
            print(f"issue_dues: {error}")
        issue_seconds = time.perf_counter() - issue_started
    invoices = mine.count()
    print(out.getvalue().strip())
    if err.getvalue().strip():
        print(err.getvalue().strip()[:2000])

    if sequential:
        started = time.perf_counter()
        workers = start_workers(count=args.workers, batch=True)
    render_seconds = None
    while True:
        if render_seconds is None and not mine.filter(rendered_at__isnull=True).exists():
            render_seconds = time.perf_counter() - started
        if all(worker.poll() is not None for worker in workers):
            break  # --batch workers are done (or a worker died)
        if not sequential and render_seconds is not None and queue_is_empty():
            break
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            print(f"Gave up after {GIVE_UP_SECONDS} s.")
            break
        time.sleep(0.25)
    workers_seconds = time.perf_counter() - started
    for worker in workers:
        worker.send_signal(signal.SIGTERM)  # idle: stops at once (no-op once exited)
    for worker in workers:
        worker.wait()
    if render_seconds is None:
        render_seconds = workers_seconds
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu_seconds = workers_cpu.ru_utime + workers_cpu.ru_stime
    rendered = mine.filter(rendered_at__isnull=False).count()
    mailed = mine.filter(mailed_at__isnull=False).count()
    total = issue_seconds + render_seconds if sequential else render_seconds
    per_invoice = queries.count / invoices if invoices else 0
    cpu = pdf_cpu_ms(invoice_ids=list(mine.values_list("pk", flat=True)))
    print()
    print(f"members                      {len(member_ids)}")
    print(f"invoices issued              {invoices}")
    print(f"seconds to issue             {issue_seconds:.1f}")
    since = "after issuing" if sequential else "from the start, workers running"
    print(
        f"seconds until all PDFs exist {render_seconds:.1f}  ({rendered} PDFs, "
        f"{args.workers} workers, {since})"
    )
    print(f"total seconds                {total:.1f}  (target ≤ {TARGET_SECONDS})")
    print(f"queries per invoice          {per_invoice:.1f}  (issuing)")
    print(
        f"CPU ms per PDF               {cpu['en']:.0f} English, {cpu['ja']:.0f} Japanese"
        "  (one process, time.process_time)"
    )
    print(
        f"worker CPU ms per invoice    {workers_cpu_seconds * 1000 / max(invoices, 1):.0f}"
        "  (render, store, mail; process start-up included)"
    )
    print(f"seconds until queue empty    {workers_seconds:.1f}  ({mailed} invoices mailed)")
    return 0 if invoices and rendered == invoices and mailed == invoices else 1


if __name__ == "__main__":
    sys.exit(main())
