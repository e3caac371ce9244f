"""End to end in headless Chromium: the membership pages on a phone, and for
assistive technology."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize(
    "path",
    [
        "/ja/membership/rates/",
        "/en/membership/rates/",
        "/ja/membership/members/",
        "/en/membership/members/",
        "/ja/membership/calculator/?currency=JPY",
    ],
)
def test_membership_pages_do_not_scroll_sideways_on_a_phone(browser, live_server, demo, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    context.close()


def test_japanese_rates_keep_the_population_band_on_one_line_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/ja/membership/rates/")
    band = page.locator("table th[scope=row]", has_text="人口50,000人以下").first
    box = band.bounding_box()
    # Set on one or two lines, not one character a line down the screen.
    assert box["width"] > 80 and box["height"] < 100, box
    context.close()


@pytest.mark.parametrize(
    "path", ["/ja/membership/rates/", "/en/membership/members/", "/ja/contact/"]
)
def test_membership_and_contact_pages_have_no_serious_accessibility_violations(
    page, live_server, demo, path
):
    page.goto(f"{live_server.url}{path}")
    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
    ]
