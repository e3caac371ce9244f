"""Import a programme spreadsheet (CSV or XLSX) into an event: all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from pavilion.programme.models import Event
from pavilion.programme.spreadsheet.services import programme_import_file

# Files with fewer rows than this are checked too fast for a progress bar to help.
PROGRESS_MIN_ROWS = 200


class ProgressBars:
    """One tqdm bar per step of the import, on stderr, for large files only."""

    def __init__(self, stream, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.bars: dict = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled or total < PROGRESS_MIN_ROWS:
            return
        from tqdm import tqdm

        bar = self.bars.get(step)
        if bar is None:
            label = _("Checking rows") if step == "check" else _("Saving")
            bar = self.bars[step] = tqdm(
                total=total, desc=label, unit=_("rows"), file=self.stream, leave=True
            )
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = (
        "Import a programme spreadsheet (CSV or XLSX, columns as in docs/import.md) into an "
        "event. Nothing is saved if any row has a problem; the exit status is then 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--event", required=True, help="The event's slug, such as cop29.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; save nothing."
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create organisations the file names that do not exist yet "
            "(given as English name | Japanese name | kind).",
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="The language of the report (default: the site's default language).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            self._import(options)

    def _import(self, options) -> None:
        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(_("No event has the slug “%(slug)s”.") % {"slug": options["event"]})
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("The file %(file)s could not be opened: %(reason)s")
                % {"file": path, "reason": exc.strerror or exc}
            ) from exc
        bars = ProgressBars(
            getattr(self.stderr, "_out", self.stderr),
            enabled=not options["no_progress"] and options["verbosity"] > 0,
        )
        try:
            report = programme_import_file(
                event=event,
                data=data,
                file_name=path.name,
                dry_run=options["dry_run"],
                create_missing=options["create_missing"],
                progress=bars,
            )
        finally:
            bars.close()
        for line in report.problem_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
