"""``manage.py send_dues_reminders [--today YYYY-MM-DD] [--dry-run]``: run daily (cron).
For each unpaid invoice, one reminder from ``PAVILION_REMINDER_BEFORE_DAYS`` days
before its due date and one from ``PAVILION_REMINDER_AFTER_DAYS`` days after it,
each sent once. ``--dry-run`` lists who would be reminded, sending and recording
nothing."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.billing import conf
from pavilion.billing.models import ReminderLog
from pavilion.billing.presenters import money
from pavilion.billing.selectors import reminders_due
from pavilion.billing.services import reminders_send


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Send the dues reminders that are due, each once per invoice: for every unpaid "
            "invoice, a first reminder from %(before)d days before its due date and a second "
            "from %(after)d days after it (settings PAVILION_REMINDER_BEFORE_DAYS and "
            "PAVILION_REMINDER_AFTER_DAYS), to the member's billing address, else its "
            "contact address, in the member's language. Run it daily; --dry-run shows who "
            "would be reminded."
        ) % {"before": conf.reminder_before_days(), "after": conf.reminder_after_days()}

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day to act as (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("List who would be reminded; send nothing and record nothing."),
        )

    def handle(self, *args, today: dt.date | None, dry_run: bool, **options):
        if dry_run:
            self._preview(today or timezone.localdate())
            return
        sent = reminders_send(today=today)
        for kind, count in sent.items():
            self.stdout.write(f"{kind}: {count} reminder(s) sent.")

    def _preview(self, today: dt.date) -> None:
        due = reminders_due(today=today)
        self.stdout.write(
            _("Reminders due on %(date)s (dry run: nothing is sent or recorded):")
            % {"date": date_format(today, "DATE_FORMAT")}
        )
        headings = {
            ReminderLog.Kind.BEFORE_DUE: lambda count: (
                ngettext(
                    "Before the due date (from %(days)d days before it): %(count)d invoice",
                    "Before the due date (from %(days)d days before it): %(count)d invoices",
                    count,
                )
                % {"days": conf.reminder_before_days(), "count": count}
            ),
            ReminderLog.Kind.AFTER_DUE: lambda count: (
                ngettext(
                    "After the due date (from %(days)d days after it): %(count)d invoice",
                    "After the due date (from %(days)d days after it): %(count)d invoices",
                    count,
                )
                % {"days": conf.reminder_after_days(), "count": count}
            ),
        }
        for kind in ReminderLog.Kind.values:
            items = [item for item in due if item.kind == kind]
            self.stdout.write(headings[kind](len(items)))
            for item in items:
                invoice = item.invoice
                facts = {
                    "number": invoice.number,
                    "member": invoice.member.tr("name"),
                    "balance": money(item.balance, invoice.currency),
                    "due_on": date_format(invoice.due_on, "DATE_FORMAT"),
                    "address": item.address,
                }
                if item.address:
                    line = _(
                        "%(number)s %(member)s: %(balance)s still due (due on %(due_on)s), "
                        "to %(address)s"
                    )
                else:
                    line = _(
                        "%(number)s %(member)s: %(balance)s still due (due on %(due_on)s); "
                        "not sent: the member has no e-mail address"
                    )
                self.stdout.write("  " + line % facts)
