"""Bilingual fields: the active language first, the other one visibly as fallback."""

import pytest
from django.utils import translation

from pavilion.core.i18n import Translated, current_lang, other_lang, translate_field
from tests.factories import PersonFactory, SessionFactory


def test_field_in_the_requested_language_is_not_a_fallback():
    session = SessionFactory.build(
        title_en="Urban7 High-Level Talks", title_ja="アーバン7ハイレベル対話"
    )

    title = translate_field(session, "title", "ja")

    assert title == "アーバン7ハイレベル対話"
    assert title.lang == "ja"
    assert title.is_fallback is False


def test_missing_japanese_falls_back_to_english_and_says_so():
    session = SessionFactory.build(title_en="LGMA Response to COP29", title_ja="")

    title = translate_field(session, "title", "ja")

    assert title == "LGMA Response to COP29"
    assert title.lang == "en"
    assert title.is_fallback is True


def test_missing_english_falls_back_to_japanese_and_says_so():
    person = PersonFactory.build(name_en="", name_ja="竹本 和彦")

    name = translate_field(person, "name", "en")

    assert name == "竹本 和彦"
    assert name.lang == "ja"
    assert name.is_fallback is True


@pytest.mark.parametrize("blank", ["", "   ", "\n\t", None])
def test_blank_text_never_hides_the_other_language(blank):
    session = SessionFactory.build(summary_en=blank, summary_ja="地域の気候変動対策。")

    summary = translate_field(session, "summary", "en")

    assert summary == "地域の気候変動対策。"
    assert summary.is_fallback is True


def test_field_empty_in_both_languages_is_empty_and_not_a_fallback():
    session = SessionFactory.build(summary_en="", summary_ja="")

    summary = translate_field(session, "summary", "ja")

    assert summary == ""
    assert summary.is_fallback is False


def test_tr_follows_the_active_language():
    person = PersonFactory.build(name_en="Yuriko Koike", name_ja="小池 百合子")

    with translation.override("ja"):
        assert person.tr("name") == "小池 百合子"
    with translation.override("en"):
        assert person.tr("name") == "Yuriko Koike"


def test_regional_variant_of_a_language_reads_as_that_language():
    with translation.override("ja-jp"):
        assert current_lang() == "ja"


def test_unsupported_active_language_reads_as_the_default():
    with translation.override("fr"):
        assert current_lang() == "en"


def test_other_language_of_each_language():
    assert other_lang("en") == "ja"
    assert other_lang("ja") == "en"


def test_translated_value_behaves_as_a_plain_string():
    value = Translated("Baku", "en", False)

    assert isinstance(value, str)
    assert value.upper() == "BAKU"
    assert f"{value} time" == "Baku time"
