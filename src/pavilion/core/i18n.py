"""Bilingual content: every text staff write exists in English and Japanese.

A model field ``title`` is stored as ``title_en`` and ``title_ja``. Reading it
in the active language falls back to the other language, and says so, so a
missing translation is visible and never an empty string.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language, gettext_noop

LANGS: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# Django's forms end every label with gettext(":"). Naming it here puts it in our
# catalogue, which Django reads before its own: Japanese labels end with a full-width
# colon (「国：」), as Japanese forms write them.
# Translators: the mark after a form field's label, as in "Country:".
LABEL_SUFFIX = gettext_noop(":")


def current_lang() -> str:
    lang = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in LANGS else settings.LANGUAGE_CODE


def other_lang(lang: str) -> str:
    return next(code for code in LANGS if code != lang)


class Translated(str):
    """A string that knows its language and whether it is a fallback."""

    lang: str
    is_fallback: bool

    def __new__(cls, value: str, lang: str, is_fallback: bool) -> Translated:
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.is_fallback = is_fallback
        return obj


def translate_field(obj: object, field: str, lang: str | None = None) -> Translated:
    """Value of ``<field>_<lang>``, else the other language's, marked as fallback."""
    lang = lang or current_lang()
    value = getattr(obj, f"{field}_{lang}", "") or ""
    if value.strip():
        return Translated(value, lang, False)
    other = other_lang(lang)
    value = getattr(obj, f"{field}_{other}", "") or ""
    if value.strip():
        return Translated(value, other, True)
    return Translated("", lang, False)


class BilingualMixin:
    """Adds ``obj.tr("title")`` to models with ``title_en``/``title_ja`` fields."""

    def tr(self, field: str, lang: str | None = None) -> Translated:
        return translate_field(self, field, lang)
