"""End to end in headless Chromium: a Japanese visitor sends an enquiry."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from pavilion.enquiries.forms import MIN_SECONDS
from pavilion.enquiries.models import Enquiry
from tests.enquiries.factories import TopicRouteFactory


@pytest.fixture
def routes(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return [TopicRouteFactory(topic=topic) for topic in ("membership", "press", "other")]


def test_a_japanese_visitor_sends_an_enquiry_and_gets_an_acknowledgement_in_japanese(
    page: Page, live_server, routes
):
    page.goto(f"{live_server.url}/ja/contact/?topic=press")
    expect(page.locator("h1")).to_have_text("お問い合わせ")
    expect(page.locator("#id_topic")).to_have_value("press")
    expect(page.locator("#id_language")).to_have_value("ja")
    # The honeypot is out of sight.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    page.locator("#id_name").fill("田中 愛子")
    page.locator("#id_organisation").fill("さいたま市")
    page.locator("#id_email").fill("aiko.tanaka@example.jp")
    page.locator("#id_message").fill("パビリオンの取材について伺いたいです。<b>よろしく</b>")
    page.wait_for_timeout((MIN_SECONDS + 0.5) * 1000)  # a person takes a moment
    page.get_by_role("button", name="送信する").click()

    expect(page).to_have_url(re.compile(r"/ja/contact/thanks/$"))
    expect(page.locator("h1")).to_have_text("お問い合わせありがとうございます")
    enquiry = Enquiry.objects.get()
    assert (enquiry.topic, enquiry.language, enquiry.name) == ("press", "ja", "田中 愛子")
    assert enquiry.message == "パビリオンの取材について伺いたいです。<b>よろしく</b>"
    staff, ack = mail.outbox
    assert staff.to == ["press@example.org"] and staff.reply_to == ["aiko.tanaka@example.jp"]
    assert ack.to == ["aiko.tanaka@example.jp"]
    assert ack.subject.startswith("お問い合わせを受け付けました")
    assert "田中 愛子様" in ack.body


def test_a_form_sent_at_once_is_shown_again_with_what_was_typed(page: Page, live_server, routes):
    page.goto(f"{live_server.url}/ja/contact/")
    page.locator("#id_name").fill("田中 愛子")
    page.locator("#id_email").fill("aiko.tanaka@example.jp")
    page.locator("#id_message").fill("急ぎの質問です。")
    page.get_by_role("button", name="送信する").click()
    expect(page.locator(".form-errors")).to_contain_text("送信が早すぎました")
    expect(page.locator("#id_name")).to_have_value("田中 愛子")
    expect(page.locator("#id_message")).to_have_value("急ぎの質問です。")
    assert Enquiry.objects.count() == 0


def test_the_contact_block_turns_the_address_into_a_mail_link(page: Page, live_server, routes):
    page.goto(f"{live_server.url}/en/membership/")
    link = page.locator(".contact-block a.protected-email")
    expect(link).to_have_attribute("href", "mailto:membership@example.org")
    expect(link).to_have_text("membership@example.org")
    expect(link).to_have_attribute("aria-label", re.compile(r"E-mail Aiko Sato: membership@"))
