"""``manage.py issue_dues YEAR [--dry-run]``: the year's dues invoice for every current
member who has none. Safe to run twice: the second run issues nothing and says so.

The dry run names the members it would invoice, with their amounts (up to
``LIST_LIMIT`` of them; beyond that the count), and the totals per currency.
Members whose fee cannot be computed are skipped and reported once per reason
(with a few of their names and what to do about it); the others are issued, and
the command then exits with status 1 (``CommandError`` when called from code).
The PDFs are rendered, and the invoices mailed, by the background worker (one
task per 50 invoices). ``--render`` queues the rendering again for every invoice
of the year that has no PDF (after the queue was lost, say)."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pavilion.billing.models import Invoice
from pavilion.billing.presenters import money
from pavilion.billing.services import DuesResult, dues_issue, invoices_queue_render
from pavilion.core.i18n import current_lang

LIST_LIMIT = 20  # a dry run names the members it would invoice up to this many
NAMES_PER_REASON = 3  # a failure reason names this many of its members


class Command(BaseCommand):
    help = "Issue the year's dues invoice to every current member who has none."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be issued (members, amounts, totals); issue nothing.",
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
        self._report_issued(result, year=year, dry_run=dry_run)
        if result.failed:
            self.stderr.write(_failures_report(result.failed, year=year))
            message = ngettext(
                "%(count)d member could not be invoiced.",
                "%(count)d members could not be invoiced.",
                len(result.failed),
            ) % {"count": len(result.failed)}
            if getattr(self, "_called_from_command_line", False):
                # The report above says it all: exit with status 1, without
                # Django's "CommandError: …" line after it.
                sys.exit(1)
            raise CommandError(message)

    def _report_issued(self, result: DuesResult, *, year: int, dry_run: bool) -> None:
        count = result.issued
        if dry_run:
            line = ngettext(
                "Would issue %(count)d invoice for %(year)s.",
                "Would issue %(count)d invoices for %(year)s.",
                count,
            )
        else:
            line = ngettext(
                "Issued %(count)d invoice for %(year)s.",
                "Issued %(count)d invoices for %(year)s.",
                count,
            )
        self.stdout.write(line % {"count": count, "year": year})
        lang = current_lang()
        if dry_run and 0 < len(result.planned) <= LIST_LIMIT:
            for member, amount, currency in result.planned:
                self.stdout.write(f"  {member.tr('name', lang)}: {money(amount, currency, lang)}")
        if result.totals:
            amounts = pgettext("list separator", ", ").join(
                money(total, currency, lang) for currency, total in sorted(result.totals.items())
            )
            self.stdout.write(_("Total: %(amounts)s") % {"amounts": amounts})
        if count and not dry_run:
            self.stdout.write(
                _("The worker (manage.py db_worker) renders their PDFs and mails them.")
            )
        if result.already:
            self.stdout.write(
                ngettext(
                    "%(count)d member already has an invoice for %(year)s.",
                    "%(count)d members already have an invoice for %(year)s.",
                    result.already,
                )
                % {"count": result.already, "year": year}
            )
        if not count and not result.failed:
            self.stdout.write(
                _("Nothing to issue: every current member has an invoice for %(year)s.")
                % {"year": year}
            )


# What to do about a fee that cannot be computed, by the field the error is on.
def _hints(fields: set[str], year: int) -> list[str]:
    hints = []
    if "currency" in fields:
        hints.append(
            _(
                "Publish the %(year)s fee schedules first (back office: Membership › Fee "
                "schedules), in every currency members are billed in, with an amount for "
                "every population band and income group."
            )
            % {"year": year}
        )
    if "country" in fields:
        hints.append(
            _(
                "Check these members' country (Membership › Members) and that the income "
                "classification in force gives it an income group (Membership › Income "
                "classifications)."
            )
        )
    if "population" in fields:
        hints.append(_("Enter these members' population (Membership › Members)."))
    if fields - {"currency", "country", "population"}:
        hints.append(
            _(
                "Check these members' kind of organisation (Membership › Members) and the "
                "%(year)s fee schedules (Membership › Fee schedules)."
            )
            % {"year": year}
        )
    hints.append(_("Then run the command again: it issues only the invoices still missing."))
    return hints


def _reasons(error: ValidationError) -> tuple[tuple[str, ...], set[str]]:
    """The error's messages (without field names) and the fields they are on."""
    if hasattr(error, "error_dict"):
        messages = tuple(m for msgs in error.message_dict.values() for m in msgs)
        return messages, set(error.message_dict)
    return tuple(error.messages), set()


def _failures_report(failed, *, year: int) -> str:
    """One paragraph per reason, largest first, naming a few of its members; then
    what to do."""
    lang = current_lang()
    separator = pgettext("list separator", ", ")
    groups: dict[tuple[str, ...], list] = {}
    fields: set[str] = set()
    for member, error in failed:
        messages, on = _reasons(error)
        groups.setdefault(messages, []).append(member)
        fields |= on
    lines = [
        ngettext(
            "%(count)d member could not be invoiced:",
            "%(count)d members could not be invoiced:",
            len(failed),
        )
        % {"count": len(failed)}
    ]
    for messages, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        names = separator.join(str(m.tr("name", lang)) for m in members[:NAMES_PER_REASON])
        more = len(members) - NAMES_PER_REASON
        if more > 0:
            names = ngettext(
                "%(names)s and %(count)d more", "%(names)s and %(count)d more", more
            ) % {"names": names, "count": more}
        lines.append(f"- {' '.join(messages)}")
        lines.append(
            "  "
            + ngettext("%(count)d member: %(names)s", "%(count)d members: %(names)s", len(members))
            % {"count": len(members), "names": names}
        )
    lines.append(_("What to do:"))
    lines.extend(f"- {hint}" for hint in _hints(fields, year))
    return "\n".join(lines)
