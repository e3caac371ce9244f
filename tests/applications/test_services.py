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
    assert application.status == S.IN_REVIEW
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
    # The approval's note is internal: kept in the audit trail, not sent.
    assert "Welcome!" not in welcome.body
    assert AuditEntry.objects.get(action="pavilion.application.approve").data["note"] == "Welcome!"
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


# The approval: what the member gets, and what the applicant is told


def approved(staff, **kwargs) -> Application:
    application = submitted(**kwargs)
    services.application_review_start(application=application, actor=staff)
    mail.outbox.clear()
    services.application_approve(
        application=application, actor=staff, note="Approved at the secretariat meeting."
    )
    application.refresh_from_db()
    return application


def welcome_mail(application):
    number = Invoice.objects.get(member=application.member).number
    [welcome] = [
        m for m in mail.outbox if m.to == [application.contact_email] and number not in m.subject
    ]
    return welcome


def test_an_approval_note_stays_in_the_audit_trail_and_is_not_mailed(schedules, staff):
    application = approved(staff, language="ja", currency="JPY")
    welcome = welcome_mail(application)
    assert welcome.subject.startswith("ようこそ")
    assert "Approved at the secretariat meeting." not in welcome.body
    entry = AuditEntry.objects.get(action="pavilion.application.approve")
    assert entry.data["note"] == "Approved at the secretariat meeting."


def test_the_welcome_says_the_member_joins_today_is_listed_and_pays_by_the_due_date(
    schedules, staff
):
    from django.utils import timezone

    from pavilion.membership.selectors import directory_members

    application = approved(staff, language="en", name_en="Example Harbourview")
    member, invoice = application.member, Invoice.objects.get()
    # What happens: a member from today, listed in the public directory.
    assert member.joined_on == timezone.localdate() and member.is_listed
    assert member in directory_members()
    body = welcome_mail(application).body
    assert "is a member from today" in body
    assert "listed in the members' directory" in body
    assert f"Your first invoice, number {invoice.number}" in body
    assert "Please pay it by" in body
    assert "Membership starts once it is paid" not in body


def test_the_japanese_welcome_says_the_same(schedules, staff):
    application = approved(staff, language="ja", currency="JPY")
    body = welcome_mail(application).body
    invoice = Invoice.objects.get()
    assert "本日" in body and "会員一覧に掲載されました" in body
    assert f"最初の請求書（番号 {invoice.number}）" in body
    assert f"{invoice.due_on.year}年{invoice.due_on.month}月{invoice.due_on.day}日までに" in body
    assert "お支払いをもって入会" not in body


@pytest.mark.parametrize(
    ("locality", "locality_en", "locality_ja"),
    [
        ("Harbourview", "Harbourview", ""),
        ("川口湾", "", "川口湾"),
        ("ハーバービュー", "", "ハーバービュー"),
        ("", "", ""),
    ],
)
def test_the_city_or_area_goes_to_the_field_of_its_language(
    schedules, staff, locality, locality_en, locality_ja
):
    # The applicant chose Japanese mail, but may type the city in either language.
    application = approved(staff, language="ja", currency="JPY", locality=locality)
    member = application.member
    assert (member.locality_en, member.locality_ja) == (locality_en, locality_ja)


@pytest.mark.parametrize(
    ("name_en", "name_ja", "member_en", "member_ja"),
    [
        ("Example Kawaguchi Bay", "例：川口湾市", "Example Kawaguchi Bay", "例：川口湾市"),
        ("例：川口湾市", "", "", "例：川口湾市"),
        ("", "Example Kawaguchi Bay", "Example Kawaguchi Bay", ""),
        ("", "例：川口湾市", "", "例：川口湾市"),
    ],
)
def test_the_names_go_to_the_fields_of_their_language(
    schedules, staff, name_en, name_ja, member_en, member_ja
):
    application = approved(staff, language="ja", currency="JPY", name_en=name_en, name_ja=name_ja)
    member = application.member
    assert (member.name_en, member.name_ja) == (member_en, member_ja)


# The applicant's answer, and resuming the review


def info_requested(staff, **kwargs) -> tuple[Application, str]:
    application = submitted(**kwargs)
    services.application_review_start(application=application, actor=staff)
    application, token = services.application_request_info(
        application=application, actor=staff, note="Please send the council resolution (PDF)."
    )
    mail.outbox.clear()
    return application, token


def test_an_answer_goes_back_in_review_confirmed_to_the_applicant_and_told_to_the_reviewer(
    schedules, staff
):
    staff.email = "reviewer@secretariat.example.org"
    staff.save()
    application, token = info_requested(staff, language="ja", currency="JPY")
    services.application_answer(
        application=application, note="議会の議決書を郵送しました。", token=token
    )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.reviewer == staff
    entry = AuditEntry.objects.get(action="pavilion.application.answer")
    assert entry.data["from"] == "info_requested" and entry.data["to"] == "in_review"
    assert entry.data["note"] == "議会の議決書を郵送しました。" and entry.actor is None
    confirmation, notice = mail.outbox
    # To the applicant, in Japanese, with the link.
    assert confirmation.to == [application.contact_email]
    assert confirmation.subject.startswith("ご回答を受け付けました")
    assert "議会の議決書を郵送しました。" in confirmation.body
    assert f"/ja/membership/apply/{token}/" in confirmation.body
    # To the reviewer, in the site's language, replies going to the applicant.
    assert notice.to == ["reviewer@secretariat.example.org"]
    assert notice.reply_to == [application.contact_email]
    assert "the applicant has answered" in notice.subject
    assert "Please send the council resolution (PDF)." in notice.body
    assert "議会の議決書を郵送しました。" in notice.body
    assert f"/en/admin/applications/application/{application.pk}/change/" in notice.body
    assert "“In review”" in notice.body


def test_an_answer_can_bring_pdfs_kept_privately(schedules, staff, settings, tmp_path):
    application, token = info_requested(staff, language="en")
    services.application_answer(
        application=application,
        note="",
        uploads=[pdf_upload("resolution.pdf"), pdf_upload("minutes.pdf")],
        kind="council_resolution",
        token=token,
    )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    documents = list(application.documents.order_by("pk"))
    assert [d.original_name for d in documents][-2:] == ["resolution.pdf", "minutes.pdf"]
    assert documents[-1].kind == "council_resolution"
    stored = tmp_path / "private" / documents[-1].file.name
    assert stored.read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="pavilion.application.answer")
    assert entry.data["documents"] == ["resolution.pdf", "minutes.pdf"]
    confirmation, notice = mail.outbox
    assert "resolution.pdf" in confirmation.body and "minutes.pdf" in notice.body


@pytest.mark.parametrize(
    ("uploads", "note", "message"),
    [
        ([pdf_upload("photo.pdf", content=b"\x89PNG not a pdf")], "here", "not a PDF"),
        ([pdf_upload("letter.docx")], "here", "Please send a PDF file"),
        ([], "  ", "Please write your answer"),
        ([pdf_upload(f"f{n}.pdf") for n in range(6)], "", "at most 5 files"),
    ],
)
def test_a_refused_answer_changes_nothing(schedules, staff, uploads, note, message):
    application, token = info_requested(staff)
    documents_before = application.documents.count()
    with pytest.raises(ValidationError) as error:
        services.application_answer(
            application=application, note=note, uploads=uploads, token=token
        )
    assert message in str(error.value)
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert application.documents.count() == documents_before
    assert not AuditEntry.objects.filter(action="pavilion.application.answer").exists()
    assert mail.outbox == []


def test_without_a_reviewer_every_staff_member_who_may_review_is_told(schedules, staff):
    from django.contrib.auth.models import Permission

    application, _token = info_requested(staff)
    Application.objects.filter(pk=application.pk).update(reviewer=None)
    application.refresh_from_db()
    reviewer = StaffFactory(is_superuser=False, email="may-review@example.org")
    reviewer.user_permissions.add(Permission.objects.get(codename="change_application"))
    StaffFactory(is_superuser=False, email="other-work@example.org")
    StaffFactory(is_superuser=True, email="", username="no-address")
    assert services.staff_recipients(application=application) == [
        "may-review@example.org",
        staff.email,
    ]


def test_staff_resume_the_review_with_a_note_after_an_answer_by_email(schedules, staff):
    application, _token = info_requested(staff)
    assert services.allowed_transitions(application=application) == [
        "review_resume",
        "reject",
        "withdraw",
    ]
    with pytest.raises(ValidationError) as error:
        services.application_review_resume(application=application, actor=staff, note=" ")
    assert "why the review resumes" in str(error.value)
    services.application_review_resume(
        application=application, actor=staff, note="Resolution received by e-mail on 30 Nov."
    )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    entry = AuditEntry.objects.get(action="pavilion.application.review_resume")
    assert entry.data == {
        "from": "info_requested",
        "to": "in_review",
        "note": "Resolution received by e-mail on 30 Nov.",
    }
    assert entry.actor == staff
    assert mail.outbox == []  # the applicant is not mailed
    services.application_approve(application=application, actor=staff)
    assert Application.objects.get().status == S.APPROVED


def test_resuming_is_only_possible_while_information_is_requested(schedules, staff):
    application = submitted()
    with pytest.raises(ValidationError) as error:
        services.application_review_resume(application=application, actor=staff, note="x")
    assert "not possible" in str(error.value)
