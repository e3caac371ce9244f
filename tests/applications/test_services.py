"""The review's moves: allowed and refused, audited, mailed; approval's one transaction."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pavilion.applications import services
from pavilion.applications.models import Application, org_key
from pavilion.billing.models import Invoice
from pavilion.core.models import AuditEntry
from pavilion.membership.models import Member
from tests.factories import StaffFactory

from .factories import ApplicationFactory, pdf_upload

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def staff():
    return StaffFactory(username="reviewer")


def submitted(**kwargs) -> Application:
    application = ApplicationFactory(**kwargs)
    services.application_document_add(
        application=application, kind="letter_of_intent", upload=pdf_upload()
    )
    return services.application_submit(application=application, consent=True)


def audit_actions(application):
    return list(
        AuditEntry.objects.filter(
            object_id=str(application.pk), action__startswith="pavilion.application."
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_org_key_ignores_case_width_and_spaces():
    assert org_key("City of  Example\u3000Bay") == org_key("ＣＩＴＹ OF EXAMPLEBAY")


def test_submit_records_consent_and_the_quote(schedules):
    application = submitted()
    assert application.status == S.SUBMITTED
    assert application.consent_at is not None
    assert application.quote["currency"] == "EUR"
    assert application.quoted_amount is not None


def test_the_database_refuses_a_second_open_application(schedules):
    first = ApplicationFactory(name_en="Example Bay", status=S.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(
            name_en="EXAMPLE  bay",
            org_key_en=org_key("EXAMPLE  bay"),
            status=S.IN_REVIEW,
            country=first.country,
        )


def test_submitting_a_draft_of_an_organisation_already_in_review_is_refused(schedules):
    ApplicationFactory(name_en="Example Bay", status=S.IN_REVIEW)
    draft = ApplicationFactory(name_en="example bay", name_ja="")
    services.application_document_add(
        application=draft, kind="letter_of_intent", upload=pdf_upload()
    )
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=draft, consent=True)
    assert "already being reviewed" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_whole_review_with_audit_entries_and_mails(schedules, staff):
    application = submitted(language="en")
    mail.outbox.clear()
    services.application_review_start(application=application, actor=staff, note="Looking")
    application, token = services.application_request_info(
        application=application, actor=staff, note="Please send the council's resolution."
    )
    assert application.status == S.INFO_REQUESTED
    [asked] = mail.outbox
    assert "we need more information" in asked.subject
    assert "Please send the council's resolution." in asked.body
    assert f"/en/membership/apply/{token}/" in asked.body
    services.application_answer(application=application, note="Attached, thank you.")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    services.application_review_start(application=application, actor=staff)
    services.application_approve(application=application, actor=staff, note="Welcome!")
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.reviewer == staff
    assert application.decided_at is not None
    assert audit_actions(application) == [
        "pavilion.application.submit",
        "pavilion.application.review_start",
        "pavilion.application.request_info",
        "pavilion.application.answer",
        "pavilion.application.review_start",
        "pavilion.application.approve",
    ]
    entry = AuditEntry.objects.get(action="pavilion.application.request_info")
    assert entry.data == {
        "from": "in_review",
        "to": "info_requested",
        "note": "Please send the council's resolution.",
    }
    assert entry.actor == staff
    [welcome] = [m for m in mail.outbox if "Welcome" in m.subject]
    assert welcome.to == [application.contact_email]
    assert "Welcome!" in welcome.body
    # The invoice the welcome mail announces follows it, with its PDF.
    invoice_mail = mail.outbox[-1]
    assert mail.outbox.index(welcome) < mail.outbox.index(invoice_mail)
    assert "Invoice" in invoice_mail.subject
    assert "application/pdf" in invoice_mail.message().as_string()


def test_approval_creates_the_member_and_its_first_invoice(schedules, staff):
    application = submitted(name_en="Example Bay", language="ja", currency="JPY", locality="ベイ")
    services.application_review_start(application=application, actor=staff)
    services.application_approve(application=application, actor=staff)
    member = Member.objects.get()
    application.refresh_from_db()
    assert application.member == member
    assert member.name_en == "Example Bay" and member.kind == "local_government"
    assert member.category == "local_regional" and member.country == "JP"
    assert member.language == "ja" and member.currency == "JPY"
    assert member.locality_ja == "ベイ" and member.region == "142"
    invoice = Invoice.objects.get(member=member)
    assert invoice.currency == "JPY"
    assert invoice.total == application.quoted_amount
    assert invoice.number in mail.outbox[-1].body


def test_if_the_invoice_fails_no_member_is_created(schedules, staff, monkeypatch):
    application = submitted()
    services.application_review_start(application=application, actor=staff)
    mail.outbox.clear()

    def broken(**kwargs):
        raise ValidationError("No fee schedule is in force.")

    monkeypatch.setattr("pavilion.billing.services.invoice_issue", broken)
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, actor=staff)
    assert "The first invoice could not be issued" in str(error.value)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.member is None
    assert not Member.objects.exists()
    assert not AuditEntry.objects.filter(action="pavilion.application.approve").exists()
    assert mail.outbox == []


def test_an_unexpected_invoice_error_rolls_the_member_back_too(schedules, staff, monkeypatch):
    application = submitted()
    services.application_review_start(application=application, actor=staff)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pavilion.billing.services.invoice_issue", broken)
    with pytest.raises(RuntimeError):
        services.application_approve(application=application, actor=staff)
    assert not Member.objects.exists()
    assert Application.objects.get().status == S.IN_REVIEW


@pytest.mark.parametrize(
    ("status", "verb"),
    [
        (S.DRAFT, "review_start"),
        (S.SUBMITTED, "approve"),
        (S.SUBMITTED, "request_info"),
        (S.INFO_REQUESTED, "approve"),
        (S.APPROVED, "reject"),
        (S.REJECTED, "withdraw"),
        (S.WITHDRAWN, "review_start"),
        (S.APPROVED, "withdraw"),
    ],
)
def test_moves_not_allowed_from_a_status_are_refused(schedules, staff, status, verb):
    application = ApplicationFactory(status=status)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error:
        services.STAFF_SERVICES[verb](application=application, actor=staff, note="n")
    assert "not possible" in str(error.value)
    application.refresh_from_db()
    assert application.status == status
    assert audit_actions(application) == []
    assert mail.outbox == []


def test_answering_is_only_possible_when_asked(schedules):
    application = ApplicationFactory(status=S.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.application_answer(application=application, note="hello")


def test_reject_needs_a_reason_and_mails_it(schedules, staff):
    application = submitted(language="en")
    with pytest.raises(ValidationError):
        services.application_reject(application=application, actor=staff, note="  ")
    mail.outbox.clear()
    services.application_reject(application=application, actor=staff, note="Not a city.")
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert "Not a city." in mail.outbox[0].body
    assert "our decision" in mail.outbox[0].subject


def test_withdrawing_frees_the_organisation_for_a_new_application(schedules, staff):
    application = submitted(name_en="Example Bay")
    services.application_withdraw(application=application, actor=staff, note="Asked by phone")
    again = submitted(name_en="Example Bay")
    assert again.status == S.SUBMITTED


def test_a_rejected_draft_change_sends_nothing(schedules):
    application = ApplicationFactory(population=None)
    services.application_document_add(
        application=application, kind="letter_of_intent", upload=pdf_upload()
    )
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.application_submit(application=application, consent=True)
    assert mail.outbox == []
    assert Application.objects.get().status == S.DRAFT
