"""Footnoting glossary terms wherever a session or page uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import GlossaryTerm


def _pattern_for(form: str) -> str:
    escaped = re.escape(form)
    # Latin forms match whole words only ("NAPs" not inside "SNAPshot"); Japanese forms anywhere.
    if re.search(r"[A-Za-z0-9]", form):
        return rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
    return escaped


@dataclass
class Footnoter:
    """Numbers terms in order of first use on one page, and lists them as notes."""

    terms: list[GlossaryTerm]
    notes: list[tuple[int, GlossaryTerm]] = field(default_factory=list)
    _numbers: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_form: dict[str, GlossaryTerm] = {}
        for term in self.terms:
            for form in term.match_forms():
                self._by_form.setdefault(form.casefold(), term)
        forms = sorted(self._by_form, key=len, reverse=True)
        self._regex = (
            re.compile("|".join(_pattern_for(f) for f in forms), re.IGNORECASE) if forms else None
        )

    def _number(self, term: GlossaryTerm) -> tuple[int, bool]:
        if term.pk in self._numbers:
            return self._numbers[term.pk], False
        number = len(self.notes) + 1
        self._numbers[term.pk] = number
        self.notes.append((number, term))
        return number, True

    def scan(self, text: str) -> list[tuple[int, GlossaryTerm]]:
        """Terms used in a text, numbered; for places where a marker cannot go inline."""
        if not self._regex or not text:
            return []
        found: list[tuple[int, GlossaryTerm]] = []
        for match in self._regex.finditer(text):
            term = self._by_form[match.group(0).casefold()]
            number, _new = self._number(term)
            if (number, term) not in found:
                found.append((number, term))
        return found

    def mark(self, text: str) -> SafeString:
        """The text, escaped, with a footnote marker after a term's first use on the page."""
        if not self._regex or not text:
            return escape(text)
        out: list[str] = []
        last = 0
        for match in self._regex.finditer(text):
            term = self._by_form[match.group(0).casefold()]
            number, new = self._number(term)
            out.append(escape(text[last : match.end()]))
            if new:
                out.append(marker(number, term, first=True))
            last = match.end()
        out.append(escape(text[last:]))
        return mark_safe("".join(out))


def marker(number: int, term: GlossaryTerm, *, first: bool = False) -> str:
    anchor = f' id="fnref-{escape(term.slug)}"' if first else ""
    return (
        f'<sup class="fnref"><a href="#fn-{escape(term.slug)}"{anchor} '
        f'aria-describedby="footnotes-label">{number}</a></sup>'
    )


def footnoter() -> Footnoter:
    return Footnoter(list(GlossaryTerm.objects.all()))
