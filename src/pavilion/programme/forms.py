"""Parsing the public filters; a bad value is reported beside its field (or, for a
filter with no field on the page, in a notice) and left out, never an error page."""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from zoneinfo import available_timezones

from babel.dates import get_timezone_location
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date_range, is_valid_zone

from .models import Event, Organisation, Person, Venue

_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def _key(text: str) -> str:
    """Compared without case, accents on Latin letters ("São Paulo") or full-width forms."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept))
    return " ".join(text.replace("_", " ").split()).casefold()


@functools.lru_cache(maxsize=1)
def _zone_index() -> dict[str, tuple[str, ...]]:
    """Every way of naming a zone that people type, to the zones it names: the IANA
    name itself, its last part ("Tokyo", "New York", "Argentina/Buenos Aires") and
    the city CLDR names it by, in English and Japanese ("東京")."""
    index: dict[str, set[str]] = {}
    for name in available_timezones():
        if not name.startswith(_REGIONS) and "/" in name:
            continue  # Etc/GMT+5, US/Eastern …: written out in full only
        keys = {_key(name)}
        if "/" in name:
            keys.add(_key(name.split("/", 1)[1]))
            keys.add(_key(name.rsplit("/", 1)[1]))
            for lang in ("en", "ja"):
                with contextlib.suppress(LookupError):  # a zone CLDR does not know
                    keys.add(_key(get_timezone_location(name, locale=lang, return_city=True)))
        for key in keys:
            index.setdefault(key, set()).add(name)
    return {key: tuple(sorted(names)) for key, names in index.items()}


def resolve_zone(value: str) -> str:
    """The IANA zone a visitor means: "Asia/Tokyo", "asia/tokyo", "Tokyo", "東京" and
    "new york" all work. Empty if none: the caller reports it."""
    value = value.strip()
    if is_valid_zone(value):
        return value
    key = _key(value)
    if not key:
        return ""
    names = _zone_index().get(key, ())
    if not names:
        return ""

    def preference(name: str) -> tuple:
        # A region's zone before an old alias ("Egypt"), one whose last part is what was
        # typed before a link with another city's name, the fuller name, then A–Z.
        return (
            not name.startswith(_REGIONS),
            _key(name.rsplit("/", 1)[-1]) != key.rsplit("/", 1)[-1],
            -name.count("/"),
            name,
        )

    return min(names, key=preference)


class ZoneForm(forms.Form):
    tz = forms.CharField(required=False, max_length=64, label=gettext_lazy("Your time zone"))

    def clean_tz(self) -> str:
        value = self.cleaned_data["tz"].strip()
        if not value:
            return ""
        zone = resolve_zone(value)
        if not zone:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a time zone we know. Give a city, such as Tokyo or "
                    "Paris, or a time zone name, such as Europe/Paris."
                )
                % {"value": value}
            )
        return zone


class ProgrammeFilterForm(ZoneForm):
    day = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label=gettext_lazy("Day"),
        error_messages={"invalid": gettext_lazy("Give the day as YYYY-MM-DD, such as 2024-11-12.")},
    )
    venue = forms.SlugField(required=False, label=gettext_lazy("Venue"))
    host = forms.SlugField(required=False, label=gettext_lazy("Host organisation"))
    speaker = forms.SlugField(required=False, label=gettext_lazy("Speaker"))
    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and not (self.event.start_date <= day <= self.event.end_date):
            raise forms.ValidationError(
                _("%(day)s is not a day of this event (%(dates)s).")
                % {
                    "day": day.isoformat(),
                    "dates": format_date_range(
                        self.event.start_date, self.event.end_date, current_lang()
                    ),
                }
            )
        return day

    def clean_venue(self) -> Venue | None:
        slug = self.cleaned_data["venue"]
        if not slug:
            return None
        venue = Venue.objects.filter(event=self.event, slug=slug).first()
        if venue is None:
            raise forms.ValidationError(
                _("There is no venue “%(value)s” at this event.") % {"value": slug}
            )
        return venue

    def clean_host(self) -> Organisation | None:
        slug = self.cleaned_data["host"]
        if not slug:
            return None
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise forms.ValidationError(
                _("There is no organisation “%(value)s”.") % {"value": slug}
            )
        return org

    def clean_speaker(self) -> Person | None:
        slug = self.cleaned_data["speaker"]
        if not slug:
            return None
        person = Person.objects.filter(slug=slug).first()
        if person is None:
            raise forms.ValidationError(_("There is no speaker “%(value)s”.") % {"value": slug})
        return person

    def valid_filters(self) -> dict:
        """The filters that parsed; a bad one is dropped (and reported) rather than failing."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }
