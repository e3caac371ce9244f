"""The audit trail's list in the back office: filtered by the kind of object."""

import pytest

from pavilion.core.audit import audit_log
from pavilion.core.models import AuditEntry
from tests.billing.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="secretariat", password="pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def test_kind_of_object_filter_offers_only_kinds_with_entries_by_their_names(
    staff_client, django_user_model
):
    member = MemberFactory(name_en="Freiburg im Breisgau")
    audit_log(action="pavilion.membership.member.listed", target=member)
    other = django_user_model.objects.create_user(username="someone-else-entirely")
    audit_log(action="pavilion.core.user.noted", target=other)
    response = staff_client.get("/en/admin/core/auditentry/")
    assert response.status_code == 200
    text = response.text
    assert "By kind of object" in text
    member_kind = (
        f"?kind={AuditEntry.objects.filter(object_id=str(member.pk)).get().content_type_id}"
    )
    assert member_kind in text
    # Named by the model's own name, not "app | model" for every model installed.
    assert ">Member<" in text
    assert "Content Types | content type" not in text
    assert "Permission" not in text

    filtered = staff_client.get("/en/admin/core/auditentry/" + member_kind)
    assert "Freiburg im Breisgau" in filtered.text
    assert "someone-else-entirely" not in filtered.text


def test_the_task_queue_is_named_for_staff_in_their_language(staff_client):
    japanese = staff_client.get("/ja/admin/").text
    assert "バックグラウンド処理（メール・請求書PDF）" in japanese
    assert "処理の記録" in japanese
    assert "Tasks Database Backend" not in japanese and "Task Results" not in japanese
    english = staff_client.get("/en/admin/").text
    assert "Background tasks (mail, invoice PDFs)" in english


def test_djangos_own_admin_strings_missing_in_its_japanese_catalogue_are_japanese(staff_client):
    audit_log(action="pavilion.membership.member.listed", target=MemberFactory())
    page = staff_client.get("/ja/admin/core/auditentry/").text
    assert 'id="date-hierarchy-label"' in page  # the date filter is there …
    assert "Filter by" not in page  # … in Japanese
    assert "- Select an option -" not in page
