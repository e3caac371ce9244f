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
    assert "Sent by the applicant" in html and "Draft → Submitted" in html
    assert "draft → submitted" not in html
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
    staff_client.post(review, {"transition": "approve", "note": "", "confirmed": "yes"})
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


# Confirmation before approving, rejecting or withdrawing


def in_review(staff, **kwargs) -> Application:
    application = submitted(**kwargs)
    services.application_review_start(application=application, actor=staff)
    mail.outbox.clear()
    return application


def test_approving_first_shows_what_will_happen_and_changes_nothing(staff_client, staff, schedules):
    application = in_review(staff, name_en="Example Harbourview", language="ja", currency="JPY")
    review = f"{QUEUE}{application.pk}/review/"
    response = staff_client.post(review, {"transition": "approve", "note": "Met on 28 Nov."})
    assert response.status_code == 200
    html = response.content.decode()
    year = application.submitted_at.year
    assert "Approve the application of Example Harbourview?" in html
    assert "This creates the member “Example Harbourview”" in html
    assert f"It issues invoice {year}-0001 for ¥72,000" in html
    assert f"({application.contact_email}) in Japanese" in html
    assert "the applicant does not receive it" in html and "Met on 28 Nov." in html
    assert 'name="confirmed" value="yes"' in html
    # Nothing has happened yet.
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert not Member.objects.exists() and mail.outbox == []
    # The confirmation's button does it, with the note.
    response = staff_client.post(
        review, {"transition": "approve", "note": "Met on 28 Nov.", "confirmed": "yes"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.member.invoices.get().number == f"{year}-0001"


def test_the_confirmation_is_in_the_admins_language(client, staff, schedules):
    client.force_login(staff)
    application = in_review(staff, name_ja="例：川口湾市", language="ja", currency="JPY")
    html = client.post(
        f"/ja/admin/applications/application/{application.pk}/review/",
        {"transition": "approve", "note": ""},
    ).content.decode()
    assert "例：川口湾市の申請を承認しますか？" in html
    assert "日本語でメールを送ります" in html
    assert "承認して請求書を送る" in html
    assert "Approve the application" not in html


def test_no_approval_is_offered_when_no_invoice_can_be_issued(staff_client, staff, schedules):
    application = in_review(staff)
    Application.objects.filter(pk=application.pk).update(currency="USD")
    html = staff_client.post(
        f"{QUEUE}{application.pk}/review/", {"transition": "approve", "note": ""}
    ).content.decode()
    assert "The first invoice cannot be issued" in html
    assert 'name="confirmed"' not in html
    assert Application.objects.get().status == S.IN_REVIEW


def test_rejecting_shows_the_reason_that_will_be_sent_before_sending_it(
    staff_client, staff, schedules
):
    application = in_review(staff, language="en")
    review = f"{QUEUE}{application.pk}/review/"
    html = staff_client.post(
        review, {"transition": "reject", "note": "Not a local government."}
    ).content.decode()
    assert "Reject the application of" in html
    assert "with your note below as the reason" in html
    assert "Your note (the applicant receives it)" in html
    assert "Not a local government." in html
    assert Application.objects.get().status == S.IN_REVIEW and mail.outbox == []
    staff_client.post(
        review, {"transition": "reject", "note": "Not a local government.", "confirmed": "yes"}
    )
    assert Application.objects.get().status == S.REJECTED
    assert "Not a local government." in mail.outbox[0].body


def test_withdrawing_asks_for_a_confirmation_too(staff_client, staff, schedules):
    application = in_review(staff)
    review = f"{QUEUE}{application.pk}/review/"
    html = staff_client.post(review, {"transition": "withdraw", "note": ""}).content.decode()
    assert "Withdraw the application of" in html
    assert Application.objects.get().status == S.IN_REVIEW
    staff_client.post(review, {"transition": "withdraw", "note": "", "confirmed": "yes"})
    assert Application.objects.get().status == S.WITHDRAWN


def test_starting_the_review_needs_no_confirmation(staff_client, schedules):
    application = submitted()
    staff_client.post(f"{QUEUE}{application.pk}/review/", {"transition": "review_start"})
    assert Application.objects.get().status == S.IN_REVIEW


def test_the_note_says_which_notes_the_applicant_receives(staff_client, schedules):
    application = submitted()
    html = staff_client.get(f"{QUEUE}{application.pk}/change/").content.decode()
    assert (
        "The applicant receives it only with a request for information (your question), "
        "a refusal (the reason) or a withdrawal."
    ) in html
    assert "on an approval is internal" in html
    assert "ask you to confirm on the next page" in html


# Resuming the review; the audit trail in words


def test_staff_resume_the_review_when_the_applicant_answered_by_email(
    staff_client, staff, schedules
):
    application = in_review(staff)
    services.application_request_info(application=application, actor=staff, note="The PDF?")
    page = staff_client.get(f"{QUEUE}{application.pk}/change/").content.decode()
    assert 'value="review_resume"' in page and "Resume the review" in page
    review = f"{QUEUE}{application.pk}/review/"
    refused = staff_client.post(
        review, {"transition": "review_resume", "note": ""}, follow=True
    ).content.decode()
    assert "Please note why the review resumes" in refused
    assert Application.objects.get().status == S.INFO_REQUESTED
    done = staff_client.post(
        review, {"transition": "review_resume", "note": "PDF came by e-mail."}, follow=True
    ).content.decode()
    assert "now “In review”" in done
    assert 'value="approve"' in done


def audit_table(html: str) -> str:
    start = html.index('class="application-audit"')
    return html[start : html.index("</table>", start)]


def test_the_audit_trail_shows_steps_and_statuses_by_their_labels(client, staff, schedules):
    application = in_review(staff)
    application, _token = services.application_request_info(
        application=application, actor=staff, note="The PDF?"
    )
    services.application_answer(
        application=application, note="Sent.", uploads=[pdf_upload("resolution.pdf")]
    )
    client.force_login(staff)
    english = client.get(f"{QUEUE}{application.pk}/change/").content.decode()
    trail = audit_table(english)
    for text in (
        "Sent by the applicant",
        "Review started",
        "Information requested from the applicant",
        "The applicant answered",
        "Submitted → In review",
        "In review → Information requested",
        "Information requested → In review",
        "Documents sent: resolution.pdf",
    ):
        assert text in trail, text
    for code in ("review_start", "request_info", "in_review", "info_requested", "submitted →"):
        assert code not in trail, code
    japanese = client.get(
        f"/ja/admin/applications/application/{application.pk}/change/"
    ).content.decode()
    trail = audit_table(japanese)
    for text in ("申請者が提出", "審査を開始", "申請者に情報を依頼", "提出済み → 審査中"):
        assert text in trail, text
    assert "review_start" not in trail and "in_review" not in trail
