"""Export an event's programme as a spreadsheet, in the columns the import reads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pavilion.programme.models import Event
from pavilion.programme.spreadsheet.export import FORMATS, export_csv, export_programme


class Command(BaseCommand):
    help = (
        "Export an event's programme (every session, drafts included) as CSV or XLSX, in the "
        "import's columns: the file imports back unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, help="The event's slug, such as cop29.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="csv or xlsx (default: from the output file's name, else csv).",
        )
        parser.add_argument(
            "-o",
            "--output",
            default="-",
            help="The file to write; - (the default) writes CSV to standard output.",
        )

    def handle(self, *args, **options):
        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(_("No event has the slug “%(slug)s”.") % {"slug": options["event"]})
        output = options["output"]
        fmt = options["format"]
        if fmt is None:
            suffix = Path(output).suffix.lower().lstrip(".")
            fmt = suffix if suffix in FORMATS else "csv"
        if output == "-":
            if fmt != "csv":
                raise CommandError(_("Give a file to write XLSX to, with -o FILE."))
            self.stdout.write(export_csv(event=event).decode("utf-8-sig"), ending="")
            return
        data = export_programme(event=event, fmt=fmt)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("The file %(file)s could not be written: %(reason)s")
                % {"file": output, "reason": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            _("The programme of %(event)s was written to %(file)s.")
            % {"event": event, "file": output}
        )
