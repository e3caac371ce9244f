"""Turning what staff type into safe HTML.

Markdown is rendered by markdown-it (raw HTML switched off, so a typed
``<script>`` shows as text), then cleaned by nh3 with a short allow-list. The
result depends only on the text, so it is cached by the text's hash. Then, on
each read, ``[[members:<category>]]`` becomes the figure from the membership data
and the first use of each glossary term gets its footnote marker.
"""

from __future__ import annotations

import hashlib
import html
import re

import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from .glossary import Footnoter
from .guard import PLACEHOLDER_TAG

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
CACHE_SECONDS = 24 * 3600

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

# Text inside these elements gets no footnote marker (a link in a link is invalid).
_NO_MARKERS = {"a", "code", "pre"}
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")


def markdown_html(text: str) -> str:
    """Markdown → sanitised HTML, its top headings at level 2 (the page's title is the h1)."""
    if not text or not text.strip():
        return ""
    key = "pages:md:" + hashlib.sha256(text.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    tokens = _md.parse(text)
    headings = [t for t in tokens if t.type in {"heading_open", "heading_close"}]
    # The page's title is its h1: the text's top headings become h2, the rest follow.
    shift = 2 - min((int(t.tag[1]) for t in headings), default=2)
    for token in headings:
        token.tag = f"h{max(2, min(int(token.tag[1]) + shift, 6))}"
    raw = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    cache.set(key, clean, CACHE_SECONDS)
    return clean


def members_phrase(category: str, lang: str) -> str | None:
    """The membership data's phrase for a category ("more than 2,500 local and regional
    governments"); None when it cannot be had."""
    try:
        from pavilion.membership.selectors import members_phrase as phrase
    except ImportError:
        return None
    try:
        return str(phrase(category, lang))
    except (LookupError, ValueError):
        return None


def fill_figures(safe_html: str, lang: str) -> str:
    """Replace each ``[[members:<category>]]`` with its phrase, escaped."""

    def replace(match: re.Match) -> str:
        phrase = members_phrase(match.group(1), lang)
        return match.group(0) if phrase is None else html.escape(phrase)

    return PLACEHOLDER_TAG.sub(replace, safe_html)


def footnote_html(safe_html: str, footnoter: Footnoter | None) -> str:
    """Footnote markers after the first use of each glossary term, in text only."""
    if footnoter is None or not safe_html:
        return safe_html
    out: list[str] = []
    skip = 0
    for part in _TAG.split(safe_html):
        if not part:
            continue
        if part.startswith("<"):
            match = _TAG_NAME.match(part)
            if match and match.group(2).lower() in _NO_MARKERS:
                skip += -1 if match.group(1) else 1
                skip = max(skip, 0)
            out.append(part)
        elif skip:
            out.append(part)
        else:
            out.append(footnoter.mark(html.unescape(part)))
    return "".join(out)


def render_content(text: str, *, lang: str, footnoter: Footnoter | None = None) -> SafeString:
    """Staff's Markdown as HTML safe to show: sanitised, figures filled, terms footnoted."""
    return mark_safe(footnote_html(fill_figures(markdown_html(text), lang), footnoter))
