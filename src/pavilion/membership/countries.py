"""Countries: one canonical list, names in English and Japanese, world regions.

The list is pycountry's ISO 3166-1 (every officially assigned alpha-2 code). Names
come from Babel's CLDR data for the language asked (``Locale("ja").territories``),
falling back to pycountry's English name where CLDR has none. The UN M49 region of
each country (its continent) ships as data in ``data/regions.csv``: Babel does not
expose CLDR's territory containment, so the table was derived once (see the file's
header for its source).
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from pathlib import Path

import pycountry
from babel import Locale
from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent / "data"

# UN M49 continental regions.
REGIONS: dict[str, object] = {
    "002": _("Africa"),
    "019": _("Americas"),
    "142": _("Asia"),
    "150": _("Europe"),
    "009": _("Oceania"),
}


@functools.cache
def _codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@functools.cache
def _names(lang: str) -> dict[str, str]:
    territories = Locale.parse(lang).territories
    names = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = territories.get(code) or getattr(country, "common_name", None) or country.name
    return names


@functools.cache
def _regions() -> dict[str, str]:
    with (DATA_DIR / "regions.csv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {row["country"]: row["region"] for row in csv.DictReader(lines)}


def normalise(code: str | None) -> str:
    return (code or "").strip().upper()


def is_country(code: str | None) -> bool:
    return normalise(code) in _codes()


def country_name(code: str, lang: str) -> str:
    """The country's name in ``lang`` (en or ja); the code itself if it is unknown."""
    code = normalise(code)
    return _names(lang if lang in ("en", "ja") else "en").get(code, code)


# Readings (in katakana) of the Japanese names that begin with kanji, so that the
# Japanese list follows the order of the syllabary (CLDR's other names are katakana).
_JA_READINGS = {
    "AQ": "ナンキョク",
    "AS": "ベイリョウサモア",
    "CF": "チュウオウアフリカキョウワコク",
    "CN": "チュウゴク",
    "EH": "ニシサハラ",
    "GF": "フツリョウギアナ",
    "GQ": "セキドウギニア",
    "HK": "ホンコン",
    "IO": "エイリョウインドヨウチイキ",
    "JP": "ニホン",
    "KP": "キタチョウセン",
    "KR": "カンコク",
    "MK": "キタマケドニア",
    "MO": "マカオ",
    "MP": "キタマリアナショトウ",
    "PF": "フツリョウポリネシア",
    "SS": "ミナミスーダン",
    "TF": "フツリョウキョクナンショトウ",
    "TL": "ヒガシティモール",
    "TW": "タイワン",
    "UM": "ガッシュウコクリョウユウショウリトウ",
    "VG": "エイリョウヴァージンショトウ",
    "VI": "ベイリョウヴァージンショトウ",
    "ZA": "ミナミアフリカ",
}


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.cache
def _choices(lang: str) -> tuple[tuple[str, str], ...]:
    names = _names(lang)
    if lang == "ja":
        return tuple(
            sorted(
                names.items(),
                key=lambda item: unicodedata.normalize("NFKC", _JA_READINGS.get(item[0], item[1])),
            )
        )
    return tuple(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def country_choices(lang: str) -> list[tuple[str, str]]:
    """Every country as ``(code, name)``, sorted by name for ``lang``."""
    return list(_choices(lang if lang in ("en", "ja") else "en"))


def region_of(code: str) -> str:
    """The country's UN M49 region code (002, 019, 142, 150, 009); "" if it has none."""
    return _regions().get(normalise(code), "")


def region_name(code: str, lang: str) -> str:
    from django.utils import translation

    label = REGIONS.get(code)
    if label is None:
        return code
    with translation.override(lang):
        return str(label)
