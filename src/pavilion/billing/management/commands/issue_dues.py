"""``manage.py issue_dues YEAR [--dry-run]``: the year's dues invoice for every current
member who has none. Safe to run twice: the second run issues nothing and says so.
A member whose fee cannot be computed is listed and skipped; the command then exits
with status 1. The PDFs are rendered, and the invoices mailed, by the background
worker (one task per 50 invoices). ``--render`` queues the rendering again for every
invoice of the year that has no PDF (after the queue was lost, say)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pavilion.billing.models import Invoice
from pavilion.billing.services import dues_issue, invoices_queue_render


class Command(BaseCommand):
    help = "Issue the year's dues invoice to every current member who has none."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be issued; issue nothing."
        )
        parser.add_argument(
            "--render",
            action="store_true",
            help="Queue the PDF of every invoice of the year that has none; issue nothing.",
        )
        parser.add_argument(
            "--issued-on",
            type=dt.date.fromisoformat,
            default=None,
            help="Date of issue (YYYY-MM-DD); today by default.",
        )

    def handle(
        self, *args, year: int, dry_run: bool, render: bool, issued_on: dt.date | None, **options
    ):
        if not 2000 <= year <= 2999:
            raise CommandError(f"Not a year: {year}")
        if render:
            ids = list(
                Invoice.objects.filter(year=year, rendered_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            tasks = invoices_queue_render(invoice_ids=ids) if not dry_run else 0
            self.stdout.write(f"{len(ids)} invoice(s) without a PDF; {tasks} task(s) queued.")
            return
        result = dues_issue(year=year, dry_run=dry_run, issued_on=issued_on)
        verb = "Would issue" if dry_run else "Issued"
        self.stdout.write(f"{verb} {result.issued} invoice(s) for {year}.")
        for currency, total in sorted(result.totals.items()):
            self.stdout.write(f"  {currency} {total}")
        self.stdout.write(f"{result.already} member(s) already had an invoice for {year}.")
        if not result.issued and not result.failed:
            self.stdout.write(f"Nothing to issue: every current member has an invoice for {year}.")
        if result.failed:
            self.stderr.write(f"{len(result.failed)} member(s) could not be invoiced:")
            for member, error in result.failed:
                self.stderr.write(f"  {member.slug} ({member}): {_messages(error)}")
            raise CommandError(f"{len(result.failed)} member(s) could not be invoiced.")


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
