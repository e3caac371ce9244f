"""HTML for the rows of a programme listing, built in Python.

A day of a COP-scale programme lists some 800 sessions; through the template
engine their rows cost several hundred milliseconds, here a small fraction of
that. The markup is the one ``programme/_session_item.html`` used to hold;
every value is escaped with the standard library's ``html.escape`` (what
Django's ``escape`` calls, without its per-call lazy-string check).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from pavilion.core.i18n import Translated, current_lang, translate_field
from pavilion.core.templatetags.pavilion import LANGUAGE_NAMES

from .models import SessionHost
from .presenters import SessionCard


class SessionRowRenderer:
    """Renders session rows for one request: labels and URLs are looked up once."""

    def __init__(self, *, session_query: str = "", show_event: bool = False) -> None:
        self.lang = current_lang()
        self.session_query = session_query
        self.show_event = show_event
        self.list_sep = escape(pgettext("between names in a list", ", "))
        self.group_sep = escape(pgettext("between groups of names", "; "))
        colon = escape(pgettext("label followed by names", "{label}:"))
        self.host_roles = {
            value: colon.replace("{label}", escape(str(label)))
            for value, label in SessionHost.Role.choices
        }
        self.tba = escape(gettext("To be announced"))
        self.cancelled = (
            f' <strong class="badge badge-cancelled">{escape(gettext("Cancelled"))}</strong>'
        )
        self.date_tbc = escape(gettext("Date to be confirmed"))
        self.fallback_notes = {
            code: escape(gettext("(in %(language)s)") % {"language": name})
            for code, name in LANGUAGE_NAMES.items()
        }
        self._url_prefix: dict[str, str] = {}
        self._times: dict = {}

    def _url(self, event_slug: str, slug: str) -> str:
        prefix = self._url_prefix.get(event_slug)
        if prefix is None:
            prefix = reverse("programme:session", kwargs={"event": event_slug, "slug": "-"})[:-2]
            self._url_prefix[event_slug] = prefix
        return f"{prefix}{slug}/{self.session_query}"

    def _text(self, value: Translated) -> str:
        """Escaped text; a fallback to the other language is tagged, as the |tr filter does."""
        if not value.is_fallback:
            return escape(value)
        return (
            f'<span lang="{value.lang}" class="fallback">{escape(value)}</span> '
            f'<small class="fallback-note">{self.fallback_notes[value.lang]}</small>'
        )

    def _name(self, obj) -> str:
        return self._text(translate_field(obj, "name", self.lang))

    def times(self, card: SessionCard) -> str:
        # Sessions in one slot share their (memoised) ranges, and so their markup.
        key = card.ranges or card.tbc_time
        html = self._times.get(key)
        if html is None:
            html = self._times[key] = self._render_times(card)
        return html

    def _render_times(self, card: SessionCard) -> str:
        if not card.ranges:
            return (
                f'<span class="times tbc"><span class="tbc-label">{self.date_tbc}</span> '
                f"{escape(card.tbc_time)}</span>"
            )
        sep = "" if self.lang == "ja" else '<span class="sep"> · </span>'
        parts = [
            f'<time class="zone{" zone-venue" if r.primary else ""}" '
            f'datetime="{r.start.isoformat()}" data-zone="{escape(r.zone)}">{escape(r.text)}</time>'
            for r in card.ranges
        ]
        return f'<span class="times">{sep.join(parts)}</span>'

    def item(self, card: SessionCard) -> str:
        session = card.session  # a selectors.ListingRow
        cancelled = session.is_cancelled
        notes = "".join(
            f'<sup class="fnref"><a href="#fn-{escape(term.slug)}">{number}</a></sup>'
            for number, term in card.footnotes
        )
        out = [
            f'<li class="session{" is-cancelled" if cancelled else ""}">',
            f'<p class="when">{self.times(card)}</p>',
            f'<h3 class="session-title"><a href="{escape(self._url(session.event.slug, session.slug))}">'
            f"{self._text(card.title)}</a>{notes}{self.cancelled if cancelled else ''}</h3>",
        ]
        if self.show_event:
            out.append(f'<p class="event-name">{self._name(session.event)}</p>')
        out.append(f'<p class="where">{self._name(session.venue)}</p>')
        if session.hosts:
            pieces: list[str] = []
            current = None
            for role, organisation in session.hosts:
                if role != current:
                    if current is not None:
                        pieces.append(self.group_sep)
                    pieces.append(f'<span class="role">{self.host_roles.get(role, "")}</span> ')
                    current = role
                else:
                    pieces.append(self.list_sep)
                pieces.append(self._name(organisation))
            out.append(f'<p class="hosts">{"".join(pieces)}</p>')
        if session.speakers:
            names = self.list_sep.join(
                self._name(person) if person else self.tba for person in session.speakers
            )
            out.append(f'<p class="speakers">{names}</p>')
        out.append("</li>")
        return "\n".join(out)

    def items(self, cards: list[SessionCard]) -> SafeString:
        return mark_safe("\n".join(self.item(card) for card in cards))
