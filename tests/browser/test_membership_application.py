"""End to end in headless Chromium: a Japanese city applies through every step of
the form, then a staff member approves it in the back office."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from pavilion.applications.models import Application
from pavilion.billing.models import Invoice
from pavilion.membership.demo import demo_schedules
from pavilion.membership.fees import snapshot_in_force
from pavilion.membership.models import IncomeSnapshot, Member
from pavilion.membership.services import income_snapshot_create
from tests.factories import StaffFactory


@pytest.fixture
def membership(transactional_db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    # Earlier browser tests empty the database, shipped classification included.
    if snapshot_in_force() is None:
        income_snapshot_create(
            title="Test classification",
            source="Test data",
            valid_from=dt.date(2023, 7, 1),
            groups={"JP": "H", "DE": "H"},
        )
    demo_schedules(year=timezone.localdate().year)
    staff = StaffFactory(username="secretariat")
    staff.set_password("a test password")
    staff.save()
    return staff


@pytest.fixture
def letter(tmp_path):
    """A small real PDF, as a city would scan or export it."""
    import weasyprint

    path = tmp_path / "参加意向書.pdf"
    path.write_bytes(weasyprint.HTML(string="<p>Letter of intent / 参加意向書</p>").write_pdf())
    return path


def test_a_japanese_city_applies_and_the_secretariat_approves(
    page: Page, live_server, membership, letter
):
    page.goto(f"{live_server.url}/ja/membership/apply/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(".step-indicator")).to_have_text("手順 1／5：団体")

    # Step 1: the organisation. A business is refused with the reason, what was typed kept.
    page.locator("#id_name_en").fill("Example City of Kawaguchi Bay")
    page.locator("#id_name_ja").fill("例：川口湾市")
    page.locator("#id_kind").select_option("business")
    page.locator("#id_country").select_option("JP")
    page.locator("#id_locality").fill("川口湾")
    page.locator("#id_contact_email").fill("kokusai@kawaguchi-bay.example.jp")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.locator("#id_kind_error")).to_contain_text(
        "企業は会員にも賛助パートナーにもなれません"
    )
    expect(page.locator("#id_name_ja")).to_have_value("例：川口湾市")
    page.locator("#id_kind").select_option("local_government")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 2: the contact person (the address and the language are filled in already).
    expect(page.locator(".step-indicator")).to_have_text("手順 2／5：担当者")
    expect(page.locator("#id_contact_email")).to_have_value("kokusai@kawaguchi-bay.example.jp")
    expect(page.locator("#id_language")).to_have_value("ja")
    page.locator("#id_contact_name").fill("田中 愛子")
    page.locator("#id_contact_title").fill("国際交流課長")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 3: category and population; the fee follows what is typed.
    expect(page.locator(".step-indicator")).to_have_text("手順 3／5：区分と人口")
    expect(page.locator(".application-category")).to_contain_text("正会員")
    expect(page.locator("#id_currency")).to_have_value("JPY")
    # Once its script has started, the fee box follows what is typed.
    expect(page.locator(".application-fee[data-live=on]")).to_have_count(1)
    page.locator("#id_population").fill("-3")
    expect(page.locator(".application-fee-body")).to_contain_text("マイナス")
    page.locator("#id_population").fill("48000")
    expect(page.locator(".fee-amount")).to_contain_text("￥72,000")
    page.locator("#id_population_source").fill("国勢調査")
    page.locator("#id_population_year").fill("2020")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 4: the letter of intent, a PDF.
    expect(page.locator(".step-indicator")).to_have_text("手順 4／5：書類")
    page.locator("#id_file").set_input_files(str(letter))
    page.get_by_role("button", name="保存して次へ").click()

    # Step 5: everything to check, with the fee; consent and send.
    expect(page.locator(".step-indicator")).to_have_text("手順 5／5：同意と確認")
    summary = page.locator(".application-summary")
    expect(summary).to_contain_text("例：川口湾市")
    expect(summary).to_contain_text("48,000")
    expect(summary).to_contain_text("参加意向書.pdf")
    expect(summary).to_contain_text("￥72,000")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="申請を送信する").click()
    expect(page.locator("h1")).to_have_text("ご申請ありがとうございます")
    expect(page.locator(".what-next")).to_be_visible()

    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.language == "ja"
    assert application.quoted_amount == 72000
    assert application.documents.get().original_name == "参加意向書.pdf"

    # The back office: the queue, the application, start the review, approve.
    page.goto(f"{live_server.url}/ja/admin/login/?next=/ja/admin/applications/application/")
    page.locator("#id_username").fill("secretariat")
    page.locator("#id_password").fill("a test password")
    page.locator("input[type=submit]").click()
    expect(page.locator("#result_list")).to_contain_text("例：川口湾市")
    page.locator("#result_list a", has_text="例：川口湾市").click()
    expect(page.locator("body")).to_contain_text("参加意向書.pdf")
    page.locator("button[value=review_start]").click()
    expect(page.locator(".messagelist")).to_contain_text("審査中")
    page.locator("textarea[name=note]").fill("ようこそ。")
    page.locator("button[value=approve]").click()
    # A confirmation page names what approving does before anything happens.
    expect(page.locator("h1")).to_contain_text("承認しますか")
    assert not Member.objects.exists()
    page.locator("button[value=approve]").click()
    expect(page.locator(".messagelist")).to_contain_text("承認")

    member = Member.objects.get()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.member == member
    assert member.name_ja == "例：川口湾市" and member.language == "ja"
    assert Invoice.objects.filter(member=member).exists()
    subjects = [m.subject for m in mail.outbox if m.to == ["kokusai@kawaguchi-bay.example.jp"]]
    assert "例：川口湾市の申請：続きを入力するためのリンク" in subjects
    assert "申請を受け付けました：例：川口湾市" in subjects
    assert "ようこそ：例：川口湾市の申請が承認されました" in subjects
    received = next(m for m in mail.outbox if m.subject.startswith("申請を受け付けました"))
    assert "￥72,000" in received.body
    assert re.search(
        r"https://pavilion\.example\.org/ja/membership/apply/[\w-]{43}/", received.body
    )
    assert IncomeSnapshot.objects.exists()
