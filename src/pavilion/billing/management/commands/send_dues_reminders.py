"""``manage.py send_dues_reminders [--today YYYY-MM-DD]``: run daily (cron). For each
unpaid invoice, one reminder before its due date and one after it, each sent once."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from pavilion.billing.services import reminders_send


class Command(BaseCommand):
    help = "Send the dues reminders that are due (each one once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day to act as (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args, today: dt.date | None, **options):
        sent = reminders_send(today=today)
        for kind, count in sent.items():
            self.stdout.write(f"{kind}: {count} reminder(s) sent.")
