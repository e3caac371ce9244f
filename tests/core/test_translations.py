"""The Japanese catalogue: complete, compiled, and what a Japanese visitor sees.

The catalogue is made with `make messages` (makemessages, then compilemessages).
These tests fail when a string is added to the code and not translated, when a
translation breaks a placeholder, or when the committed .mo lags behind the .po.
"""

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    SessionHostFactory,
    SessionLinkFactory,
    VenueFactory,
)

SOURCE_DIR = Path(settings.LOCALE_PATHS[0]).parent
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES"
PO_PATH = CATALOGUE / "django.po"
MO_PATH = CATALOGUE / "django.mo"

# The gettext functions makemessages looks for, as Babel keyword specs.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def read_catalogue():
    with PO_PATH.open("rb") as f:
        return read_po(f)


def translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def marked_in_source() -> dict[tuple[str | None, str], str]:
    """Every string the code marks for translation, as makemessages extracts it.

    Templates go through Django's own ``templatize`` (what makemessages feeds to
    xgettext), so ``{% blocktranslate %}`` bodies come out with the same
    ``%(name)s`` placeholders as in the catalogue.
    """
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(SOURCE_DIR.rglob("*")):
        if "locale" in path.parts or path.suffix not in {".py", ".html", ".txt"}:
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            source = templatize(source, origin=str(path))
        for lineno, message, _comments, context in extract(
            "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault((context, msgid), f"{path.relative_to(SOURCE_DIR)}:{lineno}")
    return found


def text_of(response) -> str:
    """The page's visible text and its labels for assistive technology."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', html))
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", f"{text} {labels}").strip()


# The catalogue itself


def test_the_japanese_catalogue_declares_japanese_with_one_plural_form():
    catalogue = read_catalogue()
    assert str(catalogue.locale) == "ja"
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "ja"
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert not catalogue.fuzzy


def test_every_string_in_the_catalogue_is_translated_and_none_is_fuzzy():
    catalogue = read_catalogue()
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 100

    untranslated = [msgid_of(m) for m in messages if not translated(m)]
    fuzzy = [msgid_of(m) for m in messages if m.fuzzy]

    assert untranslated == [], "Translate these in the Japanese .po: " + "; ".join(untranslated)
    assert fuzzy == [], "Check these translations and remove `#, fuzzy`: " + "; ".join(fuzzy)


def test_every_string_marked_in_the_code_is_in_the_catalogue():
    in_catalogue = {(m.context, msgid_of(m)) for m in read_catalogue() if m.id}

    missing = {key: where for key, where in marked_in_source().items() if key not in in_catalogue}

    assert missing == {}, (
        "These strings are marked for translation but missing from the Japanese .po; "
        "run `make messages` and translate them (a call inside an f-string is not "
        "extracted by makemessages: move it out): "
        + "; ".join(f"{where}: {msgid!r}" for (_ctx, msgid), where in missing.items())
    )


def test_translations_keep_the_placeholders_of_the_english():
    catalogue = read_catalogue()

    problems = [
        f"{msgid_of(message)!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalogue.check()
    ]

    assert problems == []


def test_the_japanese_uses_the_programmes_agreed_terms():
    strings = {msgid_of(m): m.string for m in read_catalogue() if m.id}

    assert strings["Programme"] == "プログラム"
    assert strings["Speakers"] == "登壇者"
    assert strings["Organiser"] == "主催"
    assert strings["Co-organiser"] == "共催"
    assert strings["In cooperation with"] == "協力"
    assert strings["Supported by"] == "後援"
    assert strings["Opening remarks"] == "開会挨拶"
    assert strings["Keynote"] == "基調講演"
    assert strings["Recording"] == "録画映像"
    assert strings["Cancelled"] == "中止"
    assert strings["(in %(language)s)"] == "（%(language)s）"


def test_the_compiled_catalogue_holds_every_translation_of_the_po():
    # Read the .mo as Django does (Python's gettext), contexts and plurals included.
    with MO_PATH.open("rb") as f:
        compiled = gettext.GNUTranslations(f)

    stale = []
    for message in read_catalogue():
        if not message.id or not translated(message):
            continue
        if isinstance(message.id, tuple | list):
            singular, plural = message.id[0], message.id[1]
            got = (
                compiled.npgettext(message.context, singular, plural, 1)
                if message.context
                else compiled.ngettext(singular, plural, 1)
            )
            expected = _as_tuple(message.string)[0]
        else:
            got = (
                compiled.pgettext(message.context, message.id)
                if message.context
                else compiled.gettext(message.id)
            )
            expected = message.string
        if got != expected:
            stale.append(msgid_of(message))

    assert stale == [], "Recompile the catalogue (`make messages`); out of date: " + "; ".join(
        stale
    )


def _as_tuple(value):
    return value if isinstance(value, (list, tuple)) else (value,)


# What a Japanese visitor sees


@pytest.fixture
def japanese_programme():
    event = EventFactory(slug="cop29", name_en="COP29", name_ja="COP29（バクー）")
    venue = VenueFactory(event=event, name_en="Japan Pavilion", name_ja="ジャパン・パビリオン")
    session = SessionFactory(
        event=event,
        venue=venue,
        slug="opening",
        title_en="Opening",
        title_ja="開会セッション",
        recording_url="https://example.org/recording",
    )
    person = PersonFactory(name_en="Hayato Shimizu", name_ja="清水 勇人")
    ParticipationFactory(session=session, person=person, role="opening")
    SessionHostFactory(
        session=session, organisation=OrganisationFactory(name_ja="さいたま市"), role="organiser"
    )
    SessionLinkFactory(session=session, kind="event_page", label_en="", label_ja="")
    return session


@pytest.mark.django_db
def test_the_japanese_programme_speaks_japanese_throughout(client, japanese_programme):
    response = client.get("/ja/events/cop29/programme/")

    assert response.status_code == 200
    page = text_of(response)
    for japanese in [
        "プログラム",
        "全日程",
        "検索",
        "本文へ移動",
        "すべての会場",
        "1件のセッション",
    ]:
        assert japanese in page
    assert "主催" in page and "さいたま市" in page
    for english in [
        "All days",
        "Search",
        "Skip to content",
        "All venues",
        "1 session",
        "Organiser",
    ]:
        assert english not in page


@pytest.mark.django_db
def test_a_japanese_session_page_labels_roles_links_and_recording_in_japanese(
    client, japanese_programme
):
    response = client.get("/ja/events/cop29/sessions/opening/")

    assert response.status_code == 200
    page = text_of(response)
    for japanese in [
        "日時",
        "開会挨拶",
        "清水 勇人",
        "関連リンク",
        "イベントページ",
        "録画映像を見る",
    ]:
        assert japanese in page
    for english in [
        "When",
        "Where",
        "Opening remarks",
        "Links",
        "Event page",
        "Watch the recording",
    ]:
        assert english not in page


@pytest.mark.django_db
def test_the_english_programme_stays_english(client, japanese_programme):
    page = text_of(client.get("/en/events/cop29/programme/"))

    assert "All days" in page
    assert "全日程" not in page


@pytest.mark.django_db
def test_the_back_office_login_is_in_japanese(client):
    response = client.get("/ja/admin/login/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Pavilion 管理サイト" in page
    assert "ユーザー名" in page
    assert "Pavilion back office" not in page
    assert "Username" not in page
