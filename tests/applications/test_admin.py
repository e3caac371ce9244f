"""The review queue in the back office."""

import pytest
from django.core import mail

from pavilion.applications import services
from pavilion.applications.models import Application, ApplicationDocument
from pavilion.membership.models import Member
from tests.factories import StaffFactory, UserFactory

from .factories import PDF_BYTES, ApplicationFactory, pdf_upload

pytestmark = pytest.mark.django_db

S = Application.Status
QUEUE = "/en/admin/applications/application/"


@pytest.fixture
def staff():
    return StaffFactory(username="reviewer")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def submitted(**kwargs):
    application = ApplicationFactory(**kwargs)
    services.application_document_add(
        application=application, kind="council_resolution", upload=pdf_upload("resolution.pdf")
    )
    return services.application_submit(application=application, consent=True)


def test_the_queue_shows_open_applications_oldest_first(staff_client, schedules):
    first = submitted(name_en="First Town")
    second = submitted(name_en="Second Town")
    ApplicationFactory(name_en="Draft Town")
    ApplicationFactory(name_en="Rejected Town", status=S.REJECTED)
    html = staff_client.get(QUEUE).content.decode()
    assert html.index("First Town") < html.index("Second Town")
    assert "Draft Town" not in html and "Rejected Town" not in html
    assert "€450" in html
    everything = staff_client.get(QUEUE + "?status=all").content.decode()
    assert "Draft Town" in everything and "Rejected Town" in everything
    rejected = staff_client.get(QUEUE + "?status=rejected").content.decode()
    assert "Rejected Town" in rejected and "First Town" not in rejected
    assert first.pk and second.pk


def test_the_detail_shows_everything_with_the_document_fee_and_trail(staff_client, schedules):
    application = submitted(name_en="Example Bay", contact_name="Aiko Tanaka")
    html = staff_client.get(f"{QUEUE}{application.pk}/change/").content.decode()
    assert "Example Bay" in html and "Aiko Tanaka" in html and "National census" in html
    assert "resolution.pdf" in html
    assert "€450" in html
    assert "submit" in html and "draft → submitted" in html
    assert 'value="review_start"' in html and 'value="approve"' not in html


def test_staff_download_the_document_and_others_cannot(client, staff, schedules):
    application = submitted()
    document = ApplicationDocument.objects.get()
    url = f"{QUEUE}{application.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code == 302
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "resolution.pdf" in response["Content-Disposition"]


def test_the_buttons_move_the_application_and_record_the_staff_member(
    staff_client, staff, schedules
):
    application = submitted()
    review = f"{QUEUE}{application.pk}/review/"
    response = staff_client.post(review, {"transition": "review_start", "note": "Mine"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.reviewer == staff
    page = staff_client.get(response["Location"]).content.decode()
    assert "In review" in page and "Mine" in page
    mail.outbox.clear()
    staff_client.post(review, {"transition": "approve", "note": ""})
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert Member.objects.filter(pk=application.member_id).exists()
    assert any("Welcome" in m.subject for m in mail.outbox)


def test_a_move_not_allowed_is_refused_with_a_message(staff_client, schedules):
    application = submitted()
    response = staff_client.post(
        f"{QUEUE}{application.pk}/review/", {"transition": "approve", "note": ""}, follow=True
    )
    assert "not possible" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not Member.objects.exists()


def test_a_reason_is_needed_to_reject(staff_client, schedules):
    application = submitted()
    response = staff_client.post(
        f"{QUEUE}{application.pk}/review/", {"transition": "reject", "note": ""}, follow=True
    )
    assert "Please write the reason" in response.content.decode()
    assert Application.objects.get().status == S.SUBMITTED


def test_the_review_url_refuses_get(staff_client, schedules):
    application = submitted()
    assert staff_client.get(f"{QUEUE}{application.pk}/review/").status_code == 405


def test_the_queue_takes_as_many_queries_for_three_as_for_one(staff_client, schedules):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted(name_en="One Town")
    with CaptureQueriesContext(connection) as one:
        staff_client.get(QUEUE)
    submitted(name_en="Two Town")
    submitted(name_en="Three Town")
    with CaptureQueriesContext(connection) as three:
        html = staff_client.get(QUEUE).content.decode()
    assert "Three Town" in html
    assert len(three) == len(one)
