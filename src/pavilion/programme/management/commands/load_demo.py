"""Load (or refresh) the demo programme: COP29 as published, and an invented upcoming event."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pavilion.programme.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data: COP29 as the source page shows it, and an example event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day the example event's dates are counted from (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args, **options):
        try:
            counts = demo_load(today=options["today"])
        except ValidationError as exc:
            raise CommandError(
                _("The demo data could not be loaded: %(errors)s") % {"errors": exc}
            ) from exc
        self.stdout.write(
            _(
                "Demo data loaded: %(events)d events, %(venues)d venues, %(sessions)d sessions, "
                "%(people)d people, %(organisations)d organisations, %(terms)d glossary terms "
                "(%(created)d new, %(updated)d updated)."
            )
            % {
                "events": counts.get("events", 0),
                "venues": counts.get("venues", 0),
                "sessions": counts.get("sessions", 0),
                "people": counts.get("people", 0),
                "organisations": counts.get("organisations", 0),
                "terms": counts.get("glossary_terms", 0),
                "created": counts["created"],
                "updated": counts["updated"],
            }
        )
