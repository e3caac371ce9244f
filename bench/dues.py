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
2. Times ``manage.py issue_dues YEAR`` (each invoice in its own transaction with the
   counter row locked; the render tasks queued in the database's task table) and
   counts its SQL queries.
3. Starts ``--workers`` (2) ``manage.py db_worker --batch`` processes and times them
   until every invoice has its PDF in private storage.

Prints members, invoices, seconds to issue, seconds until all PDFs exist, the total,
and queries per invoice. Target: at most 60 s in all. Exit status 1 if an invoice
is missing or lacks its PDF.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.run import setup_django  # noqa: E402

TARGET_SECONDS = 60
PREFIX = "bench-dues-"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2500, help="members to invoice (2500)")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes (2)")
    parser.add_argument("--seed", type=int, default=7)
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


def main(argv=None) -> int:
    args = parse_args(argv)
    label = setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from pavilion.billing.models import Invoice
    from pavilion.membership.demo import demo_schedules

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
    out, err = StringIO(), StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        try:
            call_command("issue_dues", str(year), stdout=out, stderr=err)
        except Exception as error:  # members without a fee: listed, the rest issued
            print(f"issue_dues: {error}")
        issue_seconds = time.perf_counter() - started
    invoices = Invoice.objects.filter(year=year, member_id__in=member_ids).count()
    print(out.getvalue().strip())
    if err.getvalue().strip():
        print(err.getvalue().strip()[:2000])

    env = {**os.environ, "PAVILION_DEBUG": "false", "PAVILION_SECRET_KEY": "bench-only"}
    env.setdefault("PAVILION_LOG_LEVEL", "WARNING")
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                "--batch",
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
        for n in range(args.workers)
    ]
    for worker in workers:
        worker.wait()
    render_seconds = time.perf_counter() - started
    rendered = Invoice.objects.filter(
        year=year, member_id__in=member_ids, rendered_at__isnull=False
    ).count()
    total = issue_seconds + render_seconds
    per_invoice = len(queries.captured_queries) / invoices if invoices else 0
    print()
    print(f"members                      {len(member_ids)}")
    print(f"invoices issued              {invoices}")
    print(f"seconds to issue             {issue_seconds:.1f}")
    print(
        f"seconds until all PDFs exist {render_seconds:.1f}  ({rendered} PDFs, {args.workers} workers)"
    )
    print(f"total seconds                {total:.1f}  (target ≤ {TARGET_SECONDS})")
    print(f"queries per invoice          {per_invoice:.1f}")
    return 0 if invoices and rendered == invoices else 1


if __name__ == "__main__":
    sys.exit(main())
