"""Load a World Bank income classification (CLASS.xlsx or CSV) as a new snapshot.

    manage.py load_income_classification CLASS.xlsx --title "World Bank FY2026" \\
        --valid-from 2025-07-01 --source "World Bank, CLASS.xlsx downloaded 2025-07-02"
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pavilion.membership.services import ClassificationProblems, income_snapshot_import


class Command(BaseCommand):
    help = "Load a World Bank income classification file as a new dated snapshot."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--title-ja", default="", help="the title in Japanese")
        parser.add_argument("--valid-from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--source", required=True)
        parser.add_argument("--source-url", default="")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            valid_from = dt.date.fromisoformat(options["valid_from"])
        except ValueError as error:
            raise CommandError("--valid-from must be a date as YYYY-MM-DD.") from error
        try:
            snapshot = income_snapshot_import(
                name=path.name,
                data=path.read_bytes(),
                title=options["title"],
                title_ja=options["title_ja"],
                source=options["source"],
                source_url=options["source_url"],
                valid_from=valid_from,
            )
        except ClassificationProblems as error:
            for problem in error.problems:
                self.stderr.write(f"row {problem.row}: {problem.message}")
            raise CommandError(f"{len(error.problems)} problem(s): nothing was loaded.") from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Loaded “{snapshot.title}” ({snapshot.countries.count()} countries, "
            f"valid from {snapshot.valid_from.isoformat()})."
        )
