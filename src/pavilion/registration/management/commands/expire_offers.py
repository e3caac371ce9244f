"""Pass lapsed seat offers on to the next person waiting. Run it every few minutes
(cron, or the worker's schedule); running it twice at once is safe."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.registration.services import offers_expire


class Command(BaseCommand):
    help = "Expire the seat offers whose time limit has passed and offer those seats to the next in line."

    def handle(self, *args, **options):
        count = offers_expire()
        if count:
            self.stdout.write(
                ngettext(
                    "%(count)d lapsed offer was passed on.",
                    "%(count)d lapsed offers were passed on.",
                    count,
                )
                % {"count": count}
            )
        else:
            self.stdout.write(_("No offer has lapsed."))
