"""Deleting a member with invoices, or a session with registrations, is refused in
words that say why and what to do instead."""

import pytest

from pavilion.billing.services import invoice_issue
from tests.billing.factories import MemberFactory
from tests.factories import RegistrationFactory, SessionFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_a_member_with_invoices_cannot_be_deleted_and_staff_are_told_why(staff_client, schedules):
    member = MemberFactory(name_en="Freiburg im Breisgau")
    invoice_issue(member=member, year=2027)
    for url, data in (
        (f"/en/admin/membership/member/{member.pk}/delete/", None),
        (
            "/en/admin/membership/member/",
            {"action": "delete_selected", "_selected_action": [member.pk]},
        ),
    ):
        page = staff_client.post(url, data).text if data else staff_client.get(url).text
        assert "kept for the accounts" in page and "“Ended on” instead" in page
        assert "doesn't have permission" not in page
    assert type(member).objects.filter(pk=member.pk).exists()


def test_a_session_with_registrations_cannot_be_deleted_and_staff_are_told_why(staff_client):
    session = SessionFactory()
    RegistrationFactory(session=session)
    page = staff_client.get(f"/en/admin/programme/session/{session.pk}/delete/").text
    assert "mark it cancelled instead" in page
    assert "doesn't have permission" not in page
