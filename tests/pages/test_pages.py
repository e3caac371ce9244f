"""Editable pages: Markdown made safe, an address per language, drafts hidden, the menu,
glossary footnotes, figures from the data, canonical/hreflang/OpenGraph, sitemap, robots."""

import re

import pytest
from django.core.exceptions import ValidationError

from pavilion.core.models import AuditEntry
from pavilion.pages import services
from pavilion.pages.models import Page, Status
from pavilion.pages.rendering import render_content
from tests.factories import GlossaryTermFactory, SessionFactory, StaffFactory

from .factories import PageFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_markdown_becomes_html_with_headings_below_the_title():
    html = render_content(
        "# Aims\n\nWe **meet** [here](https://example.org).\n\n- one\n- two", lang="en"
    )
    assert "<h2>Aims</h2>" in html
    assert "<strong>meet</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">here</a>' in html
    assert "<ul>\n<li>one</li>" in html
    # Written with "##" from the start, the top headings are h2 all the same.
    assert render_content("## Space\n\n### Room", lang="en") == "<h2>Space</h2>\n<h3>Room</h3>\n"


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_html_typed_into_a_page_is_shown_as_text(typed):
    html = render_content(typed, lang="en")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;" in html


def test_javascript_links_are_dropped():
    html = render_content("[click](javascript:alert(1))", lang="en")
    assert "<a" not in html and "href" not in html


def test_a_page_is_shown_at_its_address_in_each_language(client):
    PageFactory(
        title_en="About the pavilion",
        title_ja="パビリオンについて",
        slug_en="about-the-pavilion",
        slug_ja="pavilion",
        body_en="Open **11–22 November 2024**.",
        body_ja="**2024年11月11日から22日まで**開設。",
    )
    en = client.get("/en/about-the-pavilion/")
    assert en.status_code == 200
    assert "<h1>About the pavilion</h1>" in en.content.decode()
    assert "<strong>11–22 November 2024</strong>" in en.content.decode()
    ja = client.get("/ja/pavilion/")
    assert "パビリオンについて" in text_of(ja)
    assert "2024年11月11日から22日まで" in text_of(ja)
    # The other language's address leads to this language's one.
    moved = client.get("/ja/about-the-pavilion/")
    assert (moved.status_code, moved["Location"]) == (301, "/ja/pavilion/")


def test_drafts_are_not_shown_to_the_public(client):
    PageFactory(slug_en="secret", status=Status.DRAFT, body_en="Lorem ipsum")
    assert client.get("/en/secret/").status_code == 404


def test_the_menu_lists_published_pages_in_order_beside_the_fixed_links(client):
    PageFactory(title_en="Second", in_menu=True, menu_order=2)
    PageFactory(title_en="First", in_menu=True, menu_order=1)
    PageFactory(title_en="Not in menu", in_menu=False)
    PageFactory(title_en="Draft", in_menu=True, status=Status.DRAFT)
    html = client.get("/en/events/").content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    labels = re.findall(r">([^<>]+)</a>", nav)
    assert labels == ["Programme", "Speakers", "Events", "First", "Second", "Membership", "Contact"]


def test_a_slug_may_not_take_an_address_of_the_site():
    for slug in ("events", "contact", "membership", "admin", "speakers"):
        page = PageFactory.build(slug_en=slug, slug_ja="")
        with pytest.raises(ValidationError) as exc:
            page.full_clean()
        assert "is used by another part of the site" in str(exc.value.message_dict["slug_en"])


def test_two_pages_may_not_share_an_address_in_either_language():
    PageFactory(slug_en="about", slug_ja="gaiyou")
    page = PageFactory.build(slug_en="gaiyou", slug_ja="")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "slug_en" in exc.value.message_dict


def test_the_first_use_of_a_glossary_term_gets_a_footnote_but_not_inside_a_link(client):
    GlossaryTermFactory(
        slug="lgma", term_en="LGMA", definition_en="The constituency of local governments."
    )
    PageFactory(
        slug_en="terms",
        body_en="[LGMA site](https://example.org) The LGMA meets. The LGMA again.",
    )
    html = client.get("/en/terms/").content.decode()
    assert html.count('class="fnref"') == 1
    assert ">LGMA site</a>" in html
    assert 'The LGMA<sup class="fnref"><a href="#fn-lgma" id="fnref-lgma"' in html
    assert "The constituency of local governments." in text_of(client.get("/en/terms/"))


def test_a_member_figure_placeholder_shows_the_figure_from_the_data(client, monkeypatch):
    import pavilion.membership.selectors as membership

    monkeypatch.setattr(
        membership,
        "members_phrase",
        lambda category, lang: (
            "more than 2,500 local and regional governments"
            if lang == "en"
            else "2,500以上の自治体"
        ),
    )
    PageFactory(
        slug_en="join",
        body_en="Connect with [[members:local_regional]].",
        body_ja="[[members:local_regional]]とつながります。",
    )
    assert "Connect with more than 2,500 local and regional governments." in text_of(
        client.get("/en/join/")
    )
    ja = Page.objects.get(slug_en="join")
    assert "2,500以上の自治体とつながります。" in text_of(client.get(f"/ja/{ja.slug_ja}/"))


def test_canonical_hreflang_and_opengraph_on_a_page(client, settings):
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"
    PageFactory(title_en="About", slug_en="about", slug_ja="gaiyou", summary_en="Who we are.")
    html = client.get("/en/about/?utm=x").content.decode()
    assert '<link rel="canonical" href="https://pavilion.example.org/en/about/">' in html
    assert (
        '<link rel="alternate" hreflang="ja" href="https://pavilion.example.org/ja/gaiyou/">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="en" href="https://pavilion.example.org/en/about/">' in html
    )
    assert 'hreflang="x-default" href="https://pavilion.example.org/en/about/"' in html
    assert '<meta property="og:title" content="About">' in html
    assert '<meta property="og:description" content="Who we are.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:url" content="https://pavilion.example.org/en/about/">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    # The language switcher goes to the Japanese address, not /ja/about/.
    assert 'href="/ja/gaiyou/" hreflang="ja"' in html


def test_a_session_page_fills_its_opengraph_tags(client, settings):
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"
    session = SessionFactory(title_en="Cities and the NDCs", summary_en="How cities help.")
    html = client.get(session.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Cities and the NDCs">' in html
    assert '<meta property="og:description" content="How cities help.">' in html
    assert '<meta property="og:type" content="article">' in html
    path = session.get_absolute_url()
    assert f'<link rel="canonical" href="https://pavilion.example.org{path}">' in html
    assert 'hreflang="ja" href="https://pavilion.example.org/ja/' in html


def test_the_sitemap_lists_public_pages_sessions_and_speakers_in_both_languages(client, settings):
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"
    PageFactory(slug_en="about", slug_ja="gaiyou")
    PageFactory(slug_en="hidden", status=Status.DRAFT)
    session = SessionFactory(slug="talk")
    draft = SessionFactory(slug="draft-talk", status="draft")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<loc>https://pavilion.example.org/en/about/</loc>" in xml
    assert "<loc>https://pavilion.example.org/ja/gaiyou/</loc>" in xml
    assert 'hreflang="ja" href="https://pavilion.example.org/ja/gaiyou/"' in xml
    assert (
        f"<loc>https://pavilion.example.org/en/events/{session.event.slug}/sessions/talk/</loc>"
        in xml
    )
    assert "<loc>https://pavilion.example.org/en/contact/</loc>" in xml
    assert "<loc>https://pavilion.example.org/en/</loc>" in xml
    assert "<loc>https://pavilion.example.org/ja/events/</loc>" in xml
    assert "hidden" not in xml and draft.slug not in xml


def test_robots_txt_allows_the_site_but_not_the_back_office(client, settings):
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines
    assert "Disallow: /*/admin/" in lines
    assert "Sitemap: https://pavilion.example.org/sitemap.xml" in lines


def test_testimonials_show_in_the_page_language(client):
    QuoteFactory(
        quote_en="We sail the boats.", quote_ja="私たちは船を操ります。", person_ja="ジュベール"
    )
    QuoteFactory(quote_en="Hidden draft", status=Status.DRAFT)
    page = text_of(client.get("/ja/membership/"))
    assert "私たちは船を操ります。" in page and "ジュベール" in page
    assert "Hidden draft" not in page


def test_publishing_in_the_admin_is_audited(client):
    staff = StaffFactory()
    client.force_login(staff)
    page = PageFactory(status=Status.DRAFT)
    response = client.post(
        "/en/admin/pages/page/",
        {"action": "publish", "_selected_action": [page.pk]},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED
    entry = AuditEntry.objects.get(action="pavilion.page.published")
    assert entry.actor == staff and entry.data == {"from": "draft", "to": "published"}


def test_the_service_refuses_to_publish_a_page_with_placeholder_text():
    page = PageFactory(status=Status.DRAFT, body_en="Sed ut perspiciatis unde omnis")
    with pytest.raises(ValidationError) as exc:
        services.page_set_status(page=page, status=Status.PUBLISHED)
    assert "Sed ut perspiciatis" in str(exc.value.message_dict["body_en"])
    page.refresh_from_db()
    assert page.status == Status.DRAFT
