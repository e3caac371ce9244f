"""The publishing guard: what keeps unfinished text off the public site.

``content_problems(obj)`` lists what blocks publishing a page, a testimonial or
a programme session (and, for ``manage.py check_content``, a glossary term):

- placeholder text: lorem ipsum and its variants ("Sed ut perspiciatis",
  "dolor sit amet", "consectetur adipiscing" …), Japanese dummy text, "xxx",
  "○○", and "TBD" in a title;
- an empty translation: a text given in one language and not the other (and a
  title or page text missing in both);
- a member figure typed by hand ("more than 1,500 members", 「1,500以上の自治体」):
  such figures go stale, so content writes ``[[members:local_regional]]`` and the
  figure comes from the data;
- a ``[[members:…]]`` placeholder naming no membership category.

Drafts may hold anything; the services refuse to publish while there is a problem,
and the admin forms show each problem on its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LANGS = ("en", "ja")

# Which bilingual fields are checked, per model: (base name, is a title, required).
# A required pair must be filled in both languages; any other pair, when filled in
# one language, must be filled in the other too.
GUARDED: dict[str, list[tuple[str, bool, bool]]] = {
    "pages.page": [("title", True, True), ("summary", False, False), ("body", False, True)],
    "pages.testimonial": [
        ("quote", False, True),
        ("person", True, True),
        ("role", False, False),
        ("organisation", False, False),
    ],
    "programme.session": [("title", True, True), ("summary", False, False)],
    "pages.glossaryterm": [
        ("term", True, True),
        ("expansion", False, False),
        ("definition", False, True),
    ],
}

PLACEHOLDER_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\blorem\b",
        r"\bipsum\s+dolor\b",
        r"\bdolor\s+sit\s+amet\b",
        r"\bconsectetur\s+adipiscing\b",
        r"\bsed\s+ut\s+perspiciatis\b",
        r"\bsed\s+do\s+eiusmod\b",
        r"\bvoluptatem\s+accusantium\b",
        r"\bquis\s+nostrud\b",
        r"ダミーテキスト",
        r"(?:文章|テキスト|本文)が入ります",
        r"(?<![A-Za-z0-9])x{3,}(?![A-Za-z0-9])",
        r"[○〇]{2,}",
    )
]
TITLE_PATTERNS = [re.compile(r"(?<![A-Za-z0-9])TB[DA](?![A-Za-z0-9])", re.IGNORECASE)]

_NUMBER = r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d{3,})"
FIGURE_PATTERNS = [
    re.compile(
        r"(?:\b(?:more\s+than|over|nearly|almost|about|around|some|approximately)\s+)?"
        + _NUMBER
        + r"\+?\s+(?:[A-Za-z-]+\s+){0,4}?"
        + r"(?:members?|governments|cities|municipalities|local\s+authorities)\b",
        re.IGNORECASE,
    ),
    re.compile(
        _NUMBER + r"(?!\s*(?:年|月|日|時|分|㎡|m|人|名|か国|カ国|ヶ国))"
        r"\s*(?:以上|超|余り|を超える|を超す)?\s*の?[^。\n\d]{0,12}?(?:会員|自治体|加盟)"
    ),
]
PLACEHOLDER_TAG = re.compile(r"\[\[members:([a-z_]*)\]\]")


@dataclass(frozen=True)
class Problem:
    """One thing that blocks publishing: on which field, of what kind, and what to do."""

    field: str
    code: str
    message: str


def _label(model: Any, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:  # a field the guard checks always exists; be safe for callers
        return field


def _categories() -> set[str]:
    try:
        from pavilion.membership.models import Category
    except ImportError:  # pragma: no cover - membership is always installed
        return set()
    return {value for value, _label in Category.choices}


def text_problems(text: str, *, field: str, label: str, is_title: bool) -> list[Problem]:
    """The placeholders and hand-typed figures in one text."""
    problems: list[Problem] = []
    if not text:
        return problems
    for pattern in PLACEHOLDER_PATTERNS + (TITLE_PATTERNS if is_title else []):
        match = pattern.search(text)
        if match:
            problems.append(
                Problem(
                    field,
                    "placeholder",
                    _(
                        "The %(field)s holds placeholder text: “%(text)s”. Replace it with the real text."
                    )
                    % {"field": label, "text": match.group(0)},
                )
            )
            break
    for pattern in FIGURE_PATTERNS:
        match = pattern.search(text)
        if match:
            problems.append(
                Problem(
                    field,
                    "member_figure",
                    _(
                        "The %(field)s types a member figure by hand: “%(text)s”. Such figures "
                        "go out of date: write [[members:local_regional]] instead, and the "
                        "figure comes from the membership data."
                    )
                    % {"field": label, "text": match.group(0)},
                )
            )
            break
    categories = _categories()
    for match in PLACEHOLDER_TAG.finditer(text):
        if match.group(1) not in categories:
            problems.append(
                Problem(
                    field,
                    "unknown_figure",
                    _(
                        "The %(field)s asks for “%(text)s”, which is not a membership "
                        "category; use one of: %(categories)s."
                    )
                    % {
                        "field": label,
                        "text": match.group(0),
                        "categories": ", ".join(sorted(categories)),
                    },
                )
            )
    return problems


def content_problems(obj: Any, values: Mapping[str, Any] | None = None) -> list[Problem]:
    """Everything that blocks publishing ``obj``; ``values`` override its fields
    (a form's cleaned data, checked before the object is changed)."""
    spec = GUARDED.get(obj._meta.label_lower)
    if spec is None:
        raise ValueError(f"The publishing guard does not know {obj._meta.label}.")
    values = values or {}

    def value(name: str) -> str:
        raw = values[name] if name in values else getattr(obj, name, "")
        return str(raw or "")

    problems: list[Problem] = []
    for base, is_title, required in spec:
        texts = {lang: value(f"{base}_{lang}") for lang in LANGS}
        filled = {lang for lang, text in texts.items() if text.strip()}
        for lang in LANGS:
            field = f"{base}_{lang}"
            label = _label(obj, field)
            if lang not in filled and (filled or required):
                problems.append(
                    Problem(
                        field,
                        "empty_translation",
                        _("The %(field)s is empty: write it before publishing.") % {"field": label},
                    )
                )
            problems.extend(text_problems(texts[lang], field=field, label=label, is_title=is_title))
    return problems


def content_validate(obj: Any, values: Mapping[str, Any] | None = None) -> None:
    """Raise a ValidationError keyed by field listing every problem, if there is one."""
    problems = content_problems(obj, values)
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(
                ValidationError(problem.message, code=problem.code)
            )
        raise ValidationError(errors)
