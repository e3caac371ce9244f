"""Load (or refresh) the demo programme: COP29 as published, and an invented upcoming event."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from pavilion.programme.demo import demo_load

# The rest of the demo, in the order each part needs the one before: fee schedules and
# members, then pages, contact routes, applications, and the members' invoices. Each
# returns how many rows of each kind it created (0 on a second run), or the rows it
# holds with the new ones under "created".
OTHER_DEMOS = [
    "pavilion.membership.demo.demo_load",
    "pavilion.pages.demo.demo_load",
    "pavilion.enquiries.demo.demo_load",
    "pavilion.applications.demo.demo_load",
    "pavilion.billing.demo.demo_load",
]


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
        today = options["today"] or timezone.localdate()
        try:
            with transaction.atomic():  # all of it or nothing
                counts = demo_load(today=today)
                others = 0
                for path in OTHER_DEMOS:
                    part = import_string(path)(today=today)
                    others += part["created"] if "created" in part else sum(part.values())
        except ValidationError as exc:
            raise CommandError(
                _("The demo data could not be loaded: %(errors)s") % {"errors": exc}
            ) from exc
        self.stdout.write(
            _(
                "Demo data loaded: %(events)d events, %(venues)d venues, %(sessions)d sessions, "
                "%(people)d people, %(organisations)d organisations, %(terms)d glossary terms "
                "(%(created)d new, %(updated)d updated); membership, invoices, pages and "
                "contact routes: %(others)d new rows."
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
                "others": others,
            }
        )
