"""Site layout helpers: the main menu, canonical and hreflang links, testimonials."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from pavilion.core.i18n import current_lang

from .. import selectors

register = template.Library()

OG_LOCALES = {"en": "en_GB", "ja": "ja_JP"}


def absolute(path: str) -> str:
    return f"{settings.PAVILION_SITE_URL}{path}"


@register.simple_tag
def main_menu() -> list[dict]:
    """The published pages in the main menu, in order: title and address in this language."""
    lang = current_lang()
    return [
        {"title": page.tr("title", lang), "url": page.get_absolute_url()}
        for page in selectors.menu_pages()
    ]


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address without its query string, absolute."""
    request = context.get("request")
    path = context.get("canonical_path") or (request.path if request else "/")
    return absolute(path)


@register.simple_tag(takes_context=True)
def seo_links(context) -> SafeString:
    """<link rel=canonical> and one <link rel=alternate hreflang> per language, plus x-default."""
    alternates = context.get("alternates") or []
    links = [format_html('<link rel="canonical" href="{}">', canonical_url(context))]
    links.extend(
        format_html(
            '<link rel="alternate" hreflang="{}" href="{}">', alt["code"], absolute(alt["url"])
        )
        for alt in alternates
    )
    default = next((a for a in alternates if a["code"] == settings.LANGUAGE_CODE), None)
    if default is not None:
        links.append(
            format_html(
                '<link rel="alternate" hreflang="x-default" href="{}">', absolute(default["url"])
            )
        )
    return format_html_join("\n", "{}", ((link,) for link in links))


@register.simple_tag
def og_locales() -> SafeString:
    lang = current_lang()
    tags = [format_html('<meta property="og:locale" content="{}">', OG_LOCALES.get(lang, lang))]
    tags.extend(
        format_html(
            '<meta property="og:locale:alternate" content="{}">', OG_LOCALES.get(code, code)
        )
        for code, _name in settings.LANGUAGES
        if code != lang
    )
    return format_html_join("\n", "{}", ((tag,) for tag in tags))


@register.inclusion_tag("pages/_testimonials.html", takes_context=True)
def testimonials(context) -> dict:
    """{% testimonials %}: the published testimonials, in order."""
    return {
        "testimonials": selectors.testimonials_published(),
        "list_sep": context.get("list_sep", ", "),
    }
