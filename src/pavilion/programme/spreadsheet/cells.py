"""The small syntax of the structured cells: hosts, speakers, links and chapters.

A cell holds items separated by ``;``. An item may start with a head, a
keyword (a role, a kind of link) with optional labels in both languages in
square brackets, ended by the first ``:``::

    moderator [High-level session|ハイレベル・セッション]: Togo Uchida | 内田 東吾

The body after the head has parts separated by ``|``. A backslash makes the
next character plain text, so ``\\;``, ``\\|``, ``\\[``, ``\\]`` and ``\\\\``
stand for themselves; the export escapes every one of them, so any text
survives a round trip. Spaces around items and parts are not significant.
"""

from __future__ import annotations

from dataclasses import dataclass

SPECIAL = frozenset("\\;|[]")
ITEM_SEPARATOR = ";"
PART_SEPARATOR = "|"


class CellSyntaxError(ValueError):
    """An item that cannot be split: an unclosed bracket, text after the labels…"""


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, as staff count the items of a cell
    text: str  # the item as written, for messages
    word: str | None  # the head's keyword, None when the item has no head
    labels: tuple[str, str] | None  # the head's (English, Japanese) labels
    parts: tuple[str, ...]  # the body's parts, unescaped and stripped


def escape(text: str) -> str:
    return "".join(f"\\{char}" if char in SPECIAL else char for char in text)


def unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    out: list[str] = []
    chars = iter(raw)
    for char in chars:
        if char == "\\":
            out.append(next(chars, "\\"))
        else:
            out.append(char)
    return "".join(out)


def _split(raw: str, separator: str, *, maxsplit: int = -1) -> list[str]:
    """Split on ``separator`` where it is neither escaped nor inside brackets."""
    if "\\" not in raw and "[" not in raw and "]" not in raw:  # the common case, fast
        return raw.split(separator, maxsplit)
    pieces: list[str] = []
    start = depth = 0
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth < 0:
                raise CellSyntaxError(raw)
        elif char == separator and depth == 0 and (maxsplit < 0 or len(pieces) < maxsplit):
            pieces.append(raw[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        raise CellSyntaxError(raw)
    pieces.append(raw[start:])
    return pieces


def _find(raw: str, char: str) -> int:
    """The index of the first unescaped ``char``, or -1."""
    i = 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] == char:
            return i
        i += 1
    return -1


def split_items(cell: str) -> list[str]:
    """The raw (still escaped) items of a cell; empty items are dropped."""
    return [item.strip() for item in _split(cell or "", ITEM_SEPARATOR) if item.strip()]


def parts_of(raw: str) -> tuple[str, ...]:
    return tuple(unescape(part).strip() for part in _split(raw, PART_SEPARATOR))


def _head(raw: str) -> tuple[str, tuple[str, str] | None]:
    opening = _find(raw, "[")
    if opening < 0:
        if _find(raw, "]") >= 0:
            raise CellSyntaxError(raw)
        return unescape(raw).strip(), None
    word = unescape(raw[:opening]).strip()
    rest = raw[opening:].rstrip()
    if not rest.endswith("]") or rest.endswith("\\]"):
        raise CellSyntaxError(raw)
    inside = rest[1:-1]
    if _find(inside, "[") >= 0 or _find(inside, "]") >= 0:
        raise CellSyntaxError(raw)
    labels = parts_of(inside)
    if len(labels) > 2:
        raise CellSyntaxError(raw)
    return word, (labels[0], labels[1] if len(labels) > 1 else "")


def parse_items(cell: str, *, heads: bool = True) -> list[Item | CellSyntaxError]:
    """Each item of a cell, or the syntax error found in it.

    With ``heads``, the text before the first ``:`` outside brackets is the
    item's head, unless a ``|`` comes first. Without (chapters), the whole item
    is the body.
    """
    try:
        raws = split_items(cell)
    except CellSyntaxError as exc:
        return [exc]
    items: list[Item | CellSyntaxError] = []
    for number, raw in enumerate(raws, start=1):
        try:
            word, labels, body = None, None, raw
            if heads:
                pieces = _split(raw, ":", maxsplit=1)
                # A head comes before the body's first part: a colon after a "|" is text.
                if len(pieces) == 2 and len(_split(pieces[0], PART_SEPARATOR)) == 1:
                    word, labels = _head(pieces[0])
                    body = pieces[1]
                elif _find(raw, "[") >= 0:
                    raise CellSyntaxError(raw)
            items.append(Item(number, unescape(raw), word, labels, parts_of(body)))
        except CellSyntaxError as exc:
            exc.number = number  # type: ignore[attr-defined]
            exc.text = unescape(raw)  # type: ignore[attr-defined]
            items.append(exc)
    return items


# Writing


def format_item(word: str | None, parts: list[str], labels: tuple[str, str] = ("", "")) -> str:
    """One item: ``word [en|ja]: part | part``; trailing empty parts are left out."""
    while parts and not parts[-1]:
        parts = parts[:-1]
    body = " | ".join(escape(part) for part in parts)
    if word is None:
        return body
    head = word
    if any(labels):
        en, ja = labels
        head += f" [{escape(en)}|{escape(ja)}]" if ja else f" [{escape(en)}]"
    return f"{head}: {body}"


def join_items(items: list[str]) -> str:
    return "; ".join(items)
