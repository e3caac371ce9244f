"""List every problem the publishing guard finds across the site; exit 1 if there is one.

Published pages, testimonials and sessions (cancelled ones too: visitors still
see them) and every glossary term; ``--all`` adds drafts. CI runs it on the demo
data."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.pages.guard import content_problems
from pavilion.pages.models import GlossaryTerm, Page, Status, Testimonial
from pavilion.programme.models import Session


def _checked(include_drafts: bool):
    pages = Page.objects.order_by("pk")
    testimonials = Testimonial.objects.order_by("pk")
    sessions = Session.objects.select_related("event").order_by("event__start_date", "pk")
    if not include_drafts:
        pages = pages.filter(status=Status.PUBLISHED)
        testimonials = testimonials.filter(status=Status.PUBLISHED)
        sessions = sessions.public()
    yield from pages
    yield from testimonials
    yield from sessions
    yield from GlossaryTerm.objects.order_by("slug")


class Command(BaseCommand):
    help = _(
        "List placeholder text, empty translations and hand-typed member figures in the "
        "site's content; exit with status 1 when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help=_("Check drafts too, not only what is public.")
        )

    def handle(self, *args, **options):
        count = 0
        for obj in _checked(options["all"]):
            problems = content_problems(obj)
            if not problems:
                continue
            meta = obj._meta
            url = settings.PAVILION_SITE_URL + reverse(
                f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]
            )
            self.stdout.write(f"{meta.verbose_name} “{obj}” ({url})")
            for problem in problems:
                self.stdout.write(f"  - {problem.message}")
            count += len(problems)
        if count:
            raise CommandError(
                ngettext(
                    "%(count)d problem found: fix it before it is published.",
                    "%(count)d problems found: fix them before they are published.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )
        self.stdout.write(_("No problems found."))
