"""sitemap.xml: every public page of the site, in English and Japanese, each with
its hreflang alternates (django.contrib.sitemaps)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from pavilion.core.i18n import current_lang
from pavilion.programme.models import Event, Person, Session

from . import selectors

# Named addresses without arguments; those not (yet) in the site are left out.
STATIC_NAMES = [
    "programme:home",
    "programme:events",
    "programme:featured_speakers",
    "membership:index",
    "membership:rates",
    "membership:calculator",
    "membership:members",
    "enquiries:contact",
]


class _Bilingual(Sitemap):
    """Each address in both languages, with hreflang alternates, on the site's own
    address (PAVILION_SITE_URL), whatever host the request came in on."""

    i18n = True
    alternates = True

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.PAVILION_SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.PAVILION_SITE_URL).netloc


class StaticSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self) -> list[str]:
        names = []
        for name in STATIC_NAMES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item: str) -> str:
        return reverse(item)


class EventSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        return Event.objects.filter(is_public=True).order_by("start_date", "pk")

    def location(self, item: Event) -> str:
        return reverse("programme:programme", kwargs={"event": item.slug})

    def lastmod(self, item: Event):
        return item.updated_at


class SessionSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        return (
            Session.objects.public()
            .filter(event__is_public=True)
            .select_related("event")
            .order_by("event__start_date", "starts_at", "pk")
        )

    def location(self, item: Session) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: Session):
        return item.updated_at


class SpeakerSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return (
            Person.objects.filter(
                participations__session__status__in=[
                    Session.Status.PUBLISHED,
                    Session.Status.CANCELLED,
                ],
                participations__session__event__is_public=True,
            )
            .distinct()
            .order_by("slug")
        )

    def location(self, item: Person) -> str:
        return item.get_absolute_url()


class PageSitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        return selectors.pages_published()

    def location(self, item) -> str:
        # Each language has its own slug: the sitemap framework sets the language.
        return reverse("pages:page", kwargs={"slug": item.slug_for(current_lang())})

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "site": StaticSitemap,
    "events": EventSitemap,
    "sessions": SessionSitemap,
    "speakers": SpeakerSitemap,
    "pages": PageSitemap,
}
