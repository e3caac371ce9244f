"""End to end in headless Chromium: a visitor reading the demo programme."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def test_japanese_visitor_filters_a_day_opens_a_session_and_switches_to_english(
    page: Page, live_server, demo
):
    page.goto(f"{live_server.url}/ja/events/cop29/programme/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_contain_text("COP29")

    # Filter by a day with the day navigation.
    page.get_by_role("navigation", name=re.compile("日|Days")).get_by_role(
        "link", name=re.compile(r"11月13日")
    ).click()
    expect(page).to_have_url(re.compile(r"day=2024-11-13"))
    sessions = page.locator("li.session")
    expect(sessions).to_have_count(2)
    expect(page.get_by_text("The Urban7", exact=False)).to_have_count(0)
    lgma = page.locator("li.session", has_text="COP29および世界気候行動サミットに対するLGMAの対応")
    expect(lgma).to_contain_text("10:00–11:00（アゼルバイジャン時間）")
    expect(lgma).to_contain_text("15:00–16:00（日本時間）")

    lgma.get_by_role("link", name=re.compile("LGMAの対応")).click()
    expect(page).to_have_url(re.compile(r"/ja/events/cop29/sessions/lgma-response"))
    expect(page.locator("h1")).to_contain_text("COP29および世界気候行動サミットに対するLGMA")
    expect(page.locator(".facts")).to_contain_text("2024年11月13日(水)")
    expect(page.locator("main")).to_contain_text("小池 百合子")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/events/cop29/sessions/lgma-response"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Response to COP29 and World Climate Action Summit")
    times = page.locator(".facts .times")
    expect(times).to_have_text("10:00–11:00 Baku time · 15:00–16:00 Japan time")
    expect(page.locator(".facts")).to_contain_text("Wed 13 Nov 2024")
    expect(page.locator("main")).to_contain_text("Yuriko Koike")
    # LGMA is footnoted.
    expect(page.locator("#fn-lgma")).to_contain_text("Local Governments and Municipal Authorities")


def test_browser_time_zone_is_offered_and_added(browser, live_server, demo):
    context = browser.new_context(timezone_id="Europe/Paris", locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/events/cop29/programme/?day=2024-11-12")
    offer = page.locator("a.tz-offer")
    expect(offer).to_contain_text("Europe/Paris")
    offer.click()
    expect(page).to_have_url(re.compile(r"tz=Europe%2FParis"))
    urban7 = page.locator("li.session", has_text="The Urban7")
    expect(urban7).to_contain_text("16:30–17:30 Baku time")
    expect(urban7).to_contain_text("21:30–22:30 Japan time")
    expect(urban7).to_contain_text("13:30–14:30 France time")
    context.close()


def test_date_to_be_confirmed_and_chapters(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/en/events/cop29/programme/")
    tbc = page.locator("#day-tbc")
    expect(tbc).to_contain_text("14:00–15:15 Baku time")
    # Baku and Tokyo never change their clocks: the Japan time is certain without the day.
    expect(tbc).to_contain_text("19:00–20:15 Japan time")
    page.goto(f"{live_server.url}/en/events/cop29/sessions/japan-pavilion-c2p2-yokohama-bangkok/")
    chapter = page.locator(".chapters a").first
    expect(chapter).to_contain_text("23:05")
    assert "1385" in chapter.get_attribute("href")


@pytest.mark.parametrize(
    "path",
    [
        "/ja/",
        "/en/events/cop29/programme/",
        "/ja/events/cop29/sessions/lgma-response-to-cop29-and-world-climate-action-summit/",
    ],
)
def test_pages_have_no_serious_accessibility_violations(page: Page, live_server, demo, path):
    page.goto(f"{live_server.url}{path}")
    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
    ]


def test_programme_is_usable_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/ja/events/cop29/programme/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    context.close()


def test_programme_prints_without_filters_and_navigation(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/en/events/cop29/programme/")
    page.emulate_media(media="print")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("nav.days")).to_be_hidden()
    expect(page.locator("li.session").first).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_programme_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/events/cop29/programme/")
    page.get_by_label("Search").fill("小池")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("li.session")).to_have_count(1)
    expect(page.locator("li.session")).to_contain_text("LGMA Response to COP29")
    context.close()
