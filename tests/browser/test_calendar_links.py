"""End to end in headless Chromium: a visitor putting the demo programme in a calendar."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from icalendar import Calendar
from playwright.sync_api import Page, expect


@pytest.fixture
def demo(transactional_db):
    cache.clear()
    call_command("load_demo", verbosity=0)


def test_visitor_downloads_a_session_and_finds_the_add_links(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/en/events/cop29/programme/?q=Urban7")
    page.get_by_role("link", name=re.compile("The Urban7")).first.click()
    section = page.get_by_role("region", name="Add to your calendar")
    expect(section).to_be_visible()

    with page.expect_download() as info:
        section.get_by_role("link", name="Download this session (.ics)").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == dt.datetime(2024, 11, 12, 16, 30, tzinfo=ZoneInfo("Asia/Baku"))
    assert "The Urban7" in str(event["SUMMARY"])

    google = section.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert parse_qs(urlsplit(google).query)["dates"] == ["20241112T123000Z/20241112T133000Z"]
    outlook = section.get_by_role("link", name="Add to Outlook").get_attribute("href")
    assert parse_qs(urlsplit(outlook).query)["startdt"] == ["2024-11-12T12:30:00Z"]
    subscribe = section.get_by_role("link", name="Subscribe to the whole programme")
    expect(subscribe).to_have_attribute(
        "href", re.compile(r"^webcal://.+/events/cop29/programme\.ics\?lang=en$")
    )


def test_programme_page_subscribes_to_the_filtered_feed(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/en/events/cop29/programme/")
    page.get_by_label("Venue").select_option("japan-pavilion")
    page.get_by_role("button", name="Show").click()
    section = page.get_by_role("region", name="Follow in your calendar")
    subscribe = section.get_by_role("link", name="Subscribe to these sessions")
    expect(subscribe).to_have_attribute("href", re.compile(r"venue=japan-pavilion"))
    href = subscribe.get_attribute("href")
    assert href.startswith("webcal://")
    feed = page.request.get(href.replace("webcal://", "http://", 1))
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert any("C2P2" in str(e["SUMMARY"]) for e in events)
    assert {str(e["LOCATION"]) for e in events} == {"Japan Pavilion, Baku, Azerbaijan"}


def test_a_session_without_a_date_says_why_it_has_no_calendar_links(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/en/events/cop29/programme/")
    page.locator("#day-tbc").get_by_role("link").first.click()
    section = page.get_by_role("region", name="Add to your calendar")
    expect(section).to_contain_text("cannot be added to a calendar yet")
    expect(section.get_by_role("link")).to_have_count(0)
