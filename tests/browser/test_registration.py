"""End to end in headless Chromium: a Japanese visitor registers for a seat."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from pavilion.registration.models import Registration
from tests.factories import (
    EventFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    VenueFactory,
)

BAKU = ZoneInfo("Asia/Baku")


@pytest.fixture
def session(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    day = timezone.localdate(timezone=BAKU) + dt.timedelta(days=20)
    event = EventFactory(slug="belem", start_date=day, end_date=day + dt.timedelta(days=3))
    venue = VenueFactory(event=event, capacity=60)
    session = SessionFactory(
        event=event,
        venue=venue,
        slug="cities-and-ndcs",
        title_en="Cities and the NDCs",
        title_ja="都市とNDC",
        starts_at=dt.datetime.combine(day, dt.time(16, 30), tzinfo=BAKU),
    )
    RegistrationSettingsFactory(session=session, capacity=60)
    return session


def test_a_japanese_visitor_registers_and_sees_the_qr_code_and_the_code(
    page: Page, live_server, session
):
    page.goto(f"{live_server.url}/ja/events/belem/sessions/cities-and-ndcs/")
    block = page.locator("section.registration-block")
    expect(block).to_contain_text("60")
    block.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/ja/events/belem/sessions/cities-and-ndcs/register/$"))
    expect(page.locator("h1")).to_contain_text("都市とNDC")
    expect(page.locator("#id_language")).to_have_value("ja")
    page.locator("#id_name").fill("田中 愛子")
    page.locator("#id_organisation").fill("さいたま市")
    page.locator("#id_email").fill("aiko.tanaka@example.jp")
    page.locator("#id_consent").check()
    # An impatient double click: one registration, and its page.
    page.locator("form.registration-form button[type=submit]").dblclick()

    expect(page).to_have_url(
        re.compile(r"/ja/events/belem/sessions/cities-and-ndcs/register/\w+\.[\w-]+/$")
    )
    registration = Registration.objects.get()
    assert registration.name == "田中 愛子"
    assert registration.language == "ja"
    assert registration.status == Registration.Status.CONFIRMED
    qr = page.locator("svg.qr-code")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    expect(page.locator("p.code")).to_have_text(registration.code_display)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_text("21:30–22:30（日本時間）").first).to_be_visible()
    assert [m.to for m in mail.outbox] == [["aiko.tanaka@example.jp"]]
    assert "都市とNDC" in mail.outbox[0].subject


def test_a_visitor_who_leaves_the_address_out_is_told_on_the_field(
    page: Page, live_server, session
):
    page.goto(f"{live_server.url}/ja/events/belem/sessions/cities-and-ndcs/register/")
    page.locator("#id_name").fill("田中 愛子")
    page.locator("#id_consent").check()
    page.locator("form.registration-form button[type=submit]").click()

    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("田中 愛子")
    assert not Registration.objects.exists()
