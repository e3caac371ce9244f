"""The members-and-standing page belongs to the back office: reached from the invoice
list, in the back office's frame, each name leading to the member's invoices, and its
counts are of the whole membership whatever the filter."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pavilion.billing.services import invoice_issue, payment_record

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(schedules):
    """One member paid up, two with payment due, one without an invoice."""
    paid = invoice_issue(member=MemberFactory(name_en="Paid Town"), year=2026)
    payment_record(invoice=paid, amount=paid.total, received_on=timezone.localdate())
    due = [
        invoice_issue(member=MemberFactory(name_en=name), year=2026)
        for name in ("Due City", "Due Village")
    ]
    MemberFactory(name_en="New Village")
    return {"paid": paid, "due": due}


def _summary(page: str) -> str:
    start = page.index('class="billing-summary"')
    return re.sub(r"<[^>]+>", "", page[start : page.index("</ul>", start)])


def test_invoice_list_links_to_the_members_page(client, staff, membership):
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    assert f'href="{reverse("billing:members")}"' in page
    assert "Members and standing" in page


def test_members_page_is_in_the_back_office_frame(client, staff, membership):
    client.force_login(staff)
    page = client.get(reverse("billing:members")).content.decode()
    assert "Pavilion back office" in page
    assert reverse("admin:billing_invoice_changelist") in page  # breadcrumbs
    assert "Times are shown in the venue" not in page  # the public footer


def test_summary_counts_the_whole_membership_whatever_the_filter(client, staff, membership):
    client.force_login(staff)
    everyone = _summary(client.get(reverse("billing:members")).content.decode())
    assert "Payment due: 2" in everyone and "In good standing: 1" in everyone
    assert "No invoice: 1" in everyone
    page = client.get(reverse("billing:members") + "?status=good").content.decode()
    assert _summary(page) == everyone
    assert "The whole membership: 4 current members" in page
    assert "1 member in this standing" in page
    assert "Paid Town" in page and "Due City" not in page


def test_each_name_leads_to_that_members_invoices(client, staff, membership):
    client.force_login(staff)
    due = membership["due"][0]
    page = client.get(reverse("billing:members")).content.decode()
    url = f"{reverse('admin:billing_invoice_changelist')}?member__id__exact={due.member_id}"
    assert f'<a href="{url.replace("&", "&amp;")}"' in page
    listed = client.get(url)
    assert listed.status_code == 200
    listed = listed.content.decode()
    assert due.number in listed
    assert membership["due"][1].number not in listed and membership["paid"].number not in listed


def test_members_page_in_japanese_uses_the_japanese_back_office(client, staff, membership):
    client.force_login(staff)
    page = client.get("/ja/billing/members/").content.decode()
    assert 'lang="ja"' in page
    assert "<h1>会員と会費の納入状況</h1>" in page
    assert "Pavilion 管理サイト" in page
