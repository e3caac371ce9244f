"""The publishing guard: no placeholder text, empty translation or hand-typed member
figure goes live, on pages, testimonials or sessions; check_content lists them all."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from pavilion.pages.guard import content_problems
from pavilion.pages.models import Status
from pavilion.programme import services as programme_services
from pavilion.programme.models import Session
from tests.factories import SessionFactory, StaffFactory

from .factories import PageFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def codes(obj, **values):
    return {(p.field, p.code) for p in content_problems(obj, values)}


@pytest.mark.parametrize(
    "text",
    [
        "Lorem ipsum dolor sit amet.",
        "Sed ut perspiciatis uncle omnis iste natus error sit voluptatem accusantium.",
        "Something dolor sit amet here.",
        "Consectetur adipiscing elit.",
        "Call xxx for details.",
        "ダミーテキストです。",
        "〇〇市の取り組み",
    ],
)
def test_placeholder_text_blocks_publishing(text):
    page = PageFactory.build(body_en=text)
    assert ("body_en", "placeholder") in codes(page)


def test_tbd_blocks_a_title_but_is_allowed_in_the_text():
    page = PageFactory.build(title_en="Keynote TBD", body_en="The room is TBD.")
    assert codes(page) == {("title_en", "placeholder")}


def test_an_empty_translation_blocks_publishing():
    page = PageFactory.build(title_ja="", summary_ja="", body_ja="")
    assert codes(page) == {
        ("title_ja", "empty_translation"),
        ("summary_ja", "empty_translation"),
        ("body_ja", "empty_translation"),
    }
    # An optional text left empty in both languages is fine.
    assert codes(PageFactory.build(summary_en="", summary_ja="")) == set()


@pytest.mark.parametrize(
    "field,text",
    [
        ("body_en", "Joining means connecting to more than 1,500 local and regional governments."),
        ("body_en", "Over 2500 members worldwide."),
        ("body_ja", "1,500以上の自治体が参加しています。"),
        ("body_ja", "会員は2,500を超える自治体です。"),
    ],
)
def test_a_hand_typed_member_figure_blocks_publishing(field, text):
    page = PageFactory.build(**{field: text})
    problems = content_problems(page)
    assert [p.code for p in problems] == ["member_figure"]
    assert "[[members:local_regional]]" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Signed by 72 countries, including Japan.",
        "About 100 m², open 11–22 November 2024.",
        "2024年11月11日から22日まで、約100㎡のスペースです。",
        "Write [[members:local_regional]] here.",
    ],
)
def test_real_content_passes(text):
    assert content_problems(PageFactory.build(body_en=text, body_ja=text)) == []


def test_an_unknown_figure_placeholder_is_flagged():
    page = PageFactory.build(body_en="[[members:everyone]]")
    assert ("body_en", "unknown_figure") in codes(page)


def test_a_testimonial_needs_both_languages():
    quote = QuoteFactory.build(person_ja="", role_ja="")
    assert codes(quote) == {("person_ja", "empty_translation"), ("role_ja", "empty_translation")}


def test_a_session_with_placeholder_text_cannot_be_published_through_the_service():
    session = SessionFactory(status=Session.Status.DRAFT, title_en="Keynote TBD")
    with pytest.raises(ValidationError) as exc:
        programme_services.session_set_status(session=session, status=Session.Status.PUBLISHED)
    assert "TBD" in str(exc.value.message_dict["title_en"])
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT
    # A draft may hold anything.
    session.summary_en = "Lorem ipsum"
    session.full_clean()


def test_a_session_without_its_japanese_title_cannot_be_published_in_the_admin(client):
    session = SessionFactory(status=Session.Status.DRAFT, title_ja="")
    client.force_login(StaffFactory())
    url = f"/en/admin/programme/session/{session.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "event": session.event_id,
            "venue": session.venue_id,
            "status": "published",
            "date": form.initial["date"].isoformat(),
            "start_time": form.initial["start_time"].strftime("%H:%M"),
            "end_time": form.initial["end_time"].strftime("%H:%M"),
        }
    )
    for prefix in ("participations", "hosts", "links", "chapters"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The title (Japanese) is empty: write it before publishing." in errors["title_ja"]
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_a_page_with_lorem_ipsum_cannot_be_published_in_the_admin(client):
    client.force_login(StaffFactory())
    data = {
        "status": "published",
        "menu_order": "0",
        "contact_topic": "",
        "title_en": "About",
        "title_ja": "概要",
        "slug_en": "about",
        "slug_ja": "",
        "summary_en": "",
        "summary_ja": "",
        "body_en": "Lorem ipsum dolor sit amet",
        "body_ja": "本文です。",
    }
    response = client.post("/en/admin/pages/page/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The text (English) holds placeholder text: “Lorem”." in html
    assert "This cannot be published yet: one problem is marked below." in html
    data["status"] = "draft"
    assert client.post("/en/admin/pages/page/add/", data).status_code == 302


def test_check_content_passes_on_the_demo_data():
    from pavilion.enquiries.demo import demo_load as enquiries_demo
    from pavilion.pages.demo import demo_load as pages_demo

    call_command("load_demo", verbosity=0)
    pages_demo()
    enquiries_demo()
    call_command("check_content", "--all")


def test_check_content_lists_a_planted_problem_with_its_admin_link_and_fails(capsys):
    page = PageFactory(body_en="More than 1,500 members.")
    PageFactory(slug_en="draft", status=Status.DRAFT, body_en="Lorem ipsum")
    with pytest.raises(CommandError) as exc:
        call_command("check_content")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert f"/en/admin/pages/page/{page.pk}/change/" in out
    assert "More than 1,500 members" in out
    assert "Lorem" not in out  # drafts only with --all
    with pytest.raises(CommandError):
        call_command("check_content", "--all")
    assert "Lorem" in capsys.readouterr().out
