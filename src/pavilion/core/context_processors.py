from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import pgettext

from .i18n import current_lang


def site(request: HttpRequest) -> dict:
    """The site's name and the same page in each language, for the switcher."""
    lang = current_lang()
    path = request.get_full_path()
    alternates = [
        {
            "code": code,
            "name": {"en": "English", "ja": "日本語"}.get(code, code),
            "url": _translated(path, code, lang),
            "current": code == lang,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {
        "site_name": settings.PAVILION_SITE_NAME.get(lang, "Pavilion"),
        "alternates": alternates,
        # Punctuation between names and between groups, per language.
        "list_sep": pgettext("between names in a list", ", "),
        "group_sep": pgettext("between groups of names", "; "),
    }


def _translated(path: str, code: str, lang: str) -> str:
    url = translate_url(path, code)
    if url == path and code != lang and path.startswith(f"/{lang}/"):
        # A page that does not resolve (a 404): keep the same path in the other language.
        url = f"/{code}/{path[len(lang) + 2 :]}"
    return url
