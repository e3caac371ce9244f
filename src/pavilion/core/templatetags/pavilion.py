"""Template helpers: bilingual fields with a visible fallback, query strings."""

from html import escape as html_escape

from django import template
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from pavilion.core.i18n import Translated, current_lang, translate_field

register = template.Library()

LANGUAGE_NAMES = {"en": gettext_lazy("English"), "ja": gettext_lazy("Japanese")}


def fallback_html(value: Translated) -> SafeString:
    """A fallback is shown in its own language, tagged so readers know why."""
    if not getattr(value, "is_fallback", False):
        return escape(value)
    note = _("(in %(language)s)") % {"language": LANGUAGE_NAMES.get(value.lang, value.lang)}
    return format_html(
        '<span lang="{}" class="fallback">{}</span> <small class="fallback-note">{}</small>',
        value.lang,
        value,
        note,
    )


@register.filter
def tr(obj, field: str) -> SafeString:
    """{{ session|tr:"title" }}: the field in the page's language, or the other, marked."""
    if obj is None:
        return mark_safe("")
    return fallback_html(translate_field(obj, field, current_lang()))


@register.filter
def trtext(obj, field: str) -> str:
    """Plain text of a bilingual field, for attributes and <title>."""
    if obj is None:
        return ""
    return str(translate_field(obj, field, current_lang()))


@register.filter
def fallback(value) -> SafeString:
    """Mark an already translated value (a Translated string) as a fallback if it is one."""
    return fallback_html(value)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed or removed (value None/"")."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.filter
def colon(value) -> SafeString:
    """A label followed by the language's colon: "Organiser:" / "主催："."""
    return format_html(
        pgettext("label followed by names", "{label}:").replace("{label}", "{}"), value
    )


@register.filter
def paren(value) -> SafeString:
    """Text in the language's brackets: "(ICLEI)" / "（イクレイ）"."""
    return format_html(pgettext("text in brackets", "({text})").replace("{text}", "{}"), value)


@register.simple_tag(takes_context=True)
def session_rows(context, cards, show_event=False) -> SafeString:
    """{% session_rows cards %}: the <li> rows of a programme listing."""
    from pavilion.programme.rendering import SessionRowRenderer

    cache = context.render_context
    key = ("session_rows", show_event)
    renderer = cache.get(key)
    if renderer is None:
        renderer = SessionRowRenderer(
            session_query=context.get("session_query", ""), show_event=show_event
        )
        cache[key] = renderer
    return renderer.items(cards)


@register.simple_tag
def select_options(options) -> SafeString:
    """<option> elements from (value, label, selected) triples; long lists render fast."""
    return mark_safe(
        "".join(
            f'<option value="{html_escape(value)}"{" selected" if selected else ""}>'
            f"{html_escape(label)}</option>"
            for value, label, selected in options
        )
    )
