"""End to end in headless Chromium: a page with placeholder text cannot be published."""

import pytest
from playwright.sync_api import Page, expect

from pavilion.pages.models import Page as ContentPage
from tests.factories import StaffFactory


@pytest.fixture
def staff(transactional_db):
    return StaffFactory(username="editor", password="correct horse battery")


def test_a_page_with_placeholder_text_cannot_be_published_in_the_admin(
    page: Page, live_server, staff
):
    page.goto(f"{live_server.url}/en/admin/login/?next=/en/admin/pages/page/add/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("input[type=submit]").click()

    page.locator("#id_title_en").fill("About the pavilion")
    page.locator("#id_title_ja").fill("パビリオンについて")
    page.locator("#id_slug_en").fill("about-the-pavilion")
    page.locator("#id_body_en").fill("Sed ut perspiciatis unde omnis iste natus error sit.")
    page.locator("#id_body_ja").fill("パビリオンの紹介です。")
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-body_en .errorlist")).to_contain_text(
        "The text (English) holds placeholder text: “Sed ut perspiciatis”."
    )
    expect(page.locator(".field-status .errorlist")).to_contain_text("This cannot be published yet")
    assert not ContentPage.objects.exists()

    # Saved as a draft, it is kept, and still not public.
    page.locator("#id_status").select_option("draft")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert ContentPage.objects.get().status == "draft"
    page.goto(f"{live_server.url}/en/about-the-pavilion/")
    expect(page.locator("h1")).not_to_have_text("About the pavilion")
