"""Public pages: an editable page at /<lang>/<slug>/, and robots.txt."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from pavilion.core.i18n import current_lang

from . import selectors
from .glossary import footnoter
from .rendering import render_content


def _page_path(page, lang: str) -> str:
    with translation.override(lang):
        return reverse("pages:page", kwargs={"slug": page.slug_for(lang)})


@require_GET
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lang = current_lang()
    page = selectors.page_get_public(slug=slug)
    if slug != page.slug_for(lang):
        # The other language's address: go to this language's one.
        return HttpResponsePermanentRedirect(_page_path(page, lang))
    fn = footnoter()
    title = page.tr("title", lang)
    body = page.tr("body", lang)
    alternates = [
        {
            "code": code,
            "name": {"en": "English", "ja": "日本語"}.get(code, code),
            "url": _page_path(page, code),
            "current": code == lang,
        }
        for code, _name in settings.LANGUAGES
    ]
    return render(
        request,
        "pages/page.html",
        {
            "page": page,
            "title": fn.mark(title),
            "title_text": title,
            "summary_text": page.tr("summary", lang),
            "body": render_content(body, lang=body.lang, footnoter=fn),
            "body_text": body,
            "footnotes": fn.notes,
            "alternates": alternates,
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; the back office may not."""
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /*/admin/",
        f"Sitemap: {settings.PAVILION_SITE_URL}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
