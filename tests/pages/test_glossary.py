"""Glossary terms are footnoted at their first use on a page."""

import pytest

from pavilion.pages.glossary import Footnoter
from tests.factories import GlossaryTermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms():
    return [
        GlossaryTermFactory(
            slug="ndcs", term_en="NDCs", term_ja="", aliases="NDC, 国が決定する貢献"
        ),
        GlossaryTermFactory(slug="naps", term_en="NAPs", aliases="NAP\n国家適応計画"),
        GlossaryTermFactory(
            slug="town-hall-cops", term_en="Town Hall COPs", aliases="タウンホールCOP"
        ),
    ]


def test_first_use_gets_a_numbered_marker_and_later_uses_do_not(terms):
    fn = Footnoter(terms)
    first = fn.mark("NDCs and NAPs, then NDCs again.")
    assert first.count('href="#fn-ndcs"') == 1
    assert first.index("#fn-ndcs") < first.index("#fn-naps")
    assert [n for n, _t in fn.notes] == [1, 2]
    second = fn.mark("More on NDCs.")
    assert "fnref" not in second


def test_aliases_and_japanese_forms_match(terms):
    fn = Footnoter(terms)
    html = fn.mark("国が決定する貢献（NDC）とタウンホールCOPについて")
    assert 'href="#fn-ndcs"' in html
    assert 'href="#fn-town-hall-cops"' in html


def test_latin_terms_match_whole_words_only(terms):
    fn = Footnoter(terms)
    assert "fnref" not in fn.mark("SNAPshots of NAPSTER")
    assert fn.notes == []


def test_text_is_escaped(terms):
    fn = Footnoter(terms)
    html = fn.mark("<script>alert(1)</script> NDCs")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_scan_numbers_terms_without_markup(terms):
    fn = Footnoter(terms)
    found = fn.scan("Town Hall COPs and NAPs")
    assert [t.slug for _n, t in found] == ["town-hall-cops", "naps"]
