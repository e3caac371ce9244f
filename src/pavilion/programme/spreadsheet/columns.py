"""The documented columns of a programme spreadsheet, and the words their cells accept.

One row is one session. Headers are matched after normalising (see
``normalise``), so ``Title (Japanese)``-style variations of the Japanese
aliases written with full-width brackets (``タイトル（日本語）``) and with
half-width ones (``タイトル(日本語)``) both match. docs/import.md describes each
column with examples; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Organisation, Participation, Session, SessionHost, SessionLink


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...]
    description: str | Promise


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        ("外部ID", "ID", "セッションID"),
        _("The session's identifier in the spreadsheet; a re-import updates that session."),
    ),
    Column("status", ("状態", "ステータス"), _("draft, published or cancelled.")),
    Column(
        "date",
        ("日付", "開催日"),
        _("The day in the venue's zone, YYYY-MM-DD; empty while the date is to be confirmed."),
    ),
    Column("start", ("開始", "開始時刻"), _("The start, HH:MM in the venue's time.")),
    Column("end", ("終了", "終了時刻"), _("The end, HH:MM in the venue's time.")),
    Column(
        "japan_start",
        ("日本時間開始", "開始（日本時間）", "日本時間"),
        _("Optional: the start in Japan time, checked against the venue's time."),
    ),
    Column("venue", ("会場",), _("The venue's slug or exact name in English or Japanese.")),
    Column("title_en", ("タイトル（英語）", "title"), _("The title in English.")),
    Column("title_ja", ("タイトル（日本語）", "タイトル"), _("The title in Japanese.")),
    Column("summary_en", ("概要（英語）", "summary"), _("The summary in English.")),
    Column("summary_ja", ("概要（日本語）", "概要"), _("The summary in Japanese.")),
    Column("hosts", ("主催", "主催・協力"), _("Organisations with their roles.")),
    Column("speakers", ("登壇者",), _("Speakers with their roles, names and titles.")),
    Column("links", ("リンク",), _("Links with their kinds and labels.")),
    Column("recording", ("録画", "録画URL"), _("The address of the recording.")),
    Column("chapters", ("チャプター",), _("Points in the recording with their titles.")),
)

KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
REQUIRED: tuple[str, ...] = ("external_id", "date", "start", "end", "venue")
TITLES: tuple[str, ...] = ("title_en", "title_ja")
# A header starting with this is a note column, kept in the file and ignored.
NOTE_PREFIX = "#"

_SEPARATORS = re.compile(r"[\s\-]+")


def normalise(text: str) -> str:
    """A header or keyword as compared: NFKC (full-width to half-width), case-folded,
    runs of spaces and hyphens as one underscore."""
    text = unicodedata.normalize("NFKC", text or "").strip().casefold()
    return _SEPARATORS.sub("_", text)


HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, *_column.aliases):
        HEADERS[normalise(_name)] = _column.key


def _words(choices: dict[str, tuple[str, ...]]) -> dict[str, str]:
    words: dict[str, str] = {}
    for value, aliases in choices.items():
        for word in (value, *aliases):
            words[normalise(word)] = value
    return words


STATUSES = _words(
    {
        Session.Status.DRAFT: ("下書き",),
        Session.Status.PUBLISHED: ("公開",),
        Session.Status.CANCELLED: ("canceled", "中止"),
    }
)

SPEAKER_ROLES = _words(
    {
        Participation.Role.OPENING: ("開会挨拶", "開会", "オープニング"),
        Participation.Role.KEYNOTE: ("基調講演",),
        Participation.Role.MODERATOR: ("モデレーター", "司会"),
        Participation.Role.PANELLIST: ("panelist", "パネリスト"),
        Participation.Role.SPEAKER: ("登壇者", "講演", "スピーカー"),
        Participation.Role.PRESENTER: ("発表者", "プレゼンター"),
        Participation.Role.CLOSING: ("閉会挨拶", "閉会", "クロージング"),
    }
)

HOST_ROLES = _words(
    {
        SessionHost.Role.ORGANISER: ("organizer", "主催"),
        SessionHost.Role.CO_ORGANISER: ("co_organizer", "共催"),
        SessionHost.Role.COOPERATION: ("協力",),
        SessionHost.Role.SUPPORTER: ("support", "後援"),
    }
)

LINK_KINDS = _words(
    {
        SessionLink.Kind.WEBSITE: ("ウェブサイト", "ホームページ"),
        SessionLink.Kind.EVENT_PAGE: ("イベントページ",),
        SessionLink.Kind.LIVESTREAM: ("ライブ配信",),
        SessionLink.Kind.RECORDING: ("録画",),
        SessionLink.Kind.SLIDES: ("スライド", "資料"),
    }
)

ORGANISATION_KINDS = _words({value: () for value in Organisation.Kind.values})

# A speaker still to be announced.
TBA = "TBA"
TBA_WORDS = frozenset(normalise(word) for word in (TBA, "TBD", "未定", "調整中"))


def keys_of(choices: type) -> str:
    """The accepted values of a choice, as listed in messages: "draft, published, cancelled"."""
    return ", ".join(choices.values)
