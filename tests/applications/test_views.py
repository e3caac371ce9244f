"""The application form, step by step, as the applicant's browser sees it."""

import re

import pytest
from django.core import mail

from pavilion.applications.models import Application, ApplicationDocument
from pavilion.core.models import AuditEntry

from .factories import PDF_BYTES, ApplicationFactory, pdf_upload

pytestmark = pytest.mark.django_db

START = "/en/membership/apply/"

STEP1 = {
    "name_en": "City of Example Bay",
    "name_ja": "例ベイ市",
    "kind": "local_government",
    "country": "JP",
    "locality": "Example Bay",
    "website": "https://example-bay.example.org",
    "contact_email": "aiko@example-bay.example.org",
}


def _token_from_mail() -> str:
    match = re.search(r"/membership/apply/([\w-]{43})/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _start(client, data=None, lang="en"):
    return client.post(f"/{lang}/membership/apply/", data or STEP1)


def test_the_first_step_is_a_form_with_a_step_indicator(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 1 of 5: Organisation" in html
    assert 'name="name_en"' in html and 'name="country"' in html
    assert "Japan" in html


def test_starting_saves_a_draft_and_mails_the_resume_link(client, schedules):
    response = _start(client)
    assert response.status_code == 303
    application = Application.objects.get()
    assert application.status == Application.Status.DRAFT
    assert application.category == "local_regional"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aiko@example-bay.example.org"]
    token = _token_from_mail()
    assert token not in application.token_hash  # only its hash is kept
    assert response["Location"] == f"/en/membership/apply/{token}/step/2/"
    # The link leads back to the next step to fill in.
    resumed = client.get(f"/en/membership/apply/{token}/")
    assert resumed["Location"] == f"/en/membership/apply/{token}/step/2/"
    page = client.get(resumed["Location"]).content.decode()
    assert "Step 2 of 5: Contact person" in page


def test_a_wrong_token_is_not_found(client):
    assert client.get("/en/membership/apply/" + "a" * 43 + "/").status_code == 404


def _walk_to_step_5(client, lang="en", population="45,000", language="en"):
    _start(client, lang=lang)
    token = _token_from_mail()
    base = f"/{lang}/membership/apply/{token}/step/"
    response = client.post(
        base + "2/",
        {
            "contact_name": "Aiko Tanaka",
            "contact_title": "Director",
            "contact_email": "aiko@example-bay.example.org",
            "contact_phone": "+81 3 1234 5678",
            "language": language,
        },
    )
    assert response.status_code == 303, response.content.decode()
    response = client.post(
        base + "3/",
        {
            "population": population,
            "population_source": "National census",
            "population_year": "2020",
            "currency": "EUR",
        },
    )
    assert response.status_code == 303, response.content.decode()
    response = client.post(base + "4/", {"kind": "letter_of_intent", "file": pdf_upload()})
    assert response.status_code == 303, response.content.decode()
    return token


def test_all_steps_then_submit_saves_the_quote_and_mails_the_confirmation(client, schedules):
    token = _walk_to_step_5(client)
    review = client.get(f"/en/membership/apply/{token}/step/5/").content.decode()
    assert "Step 5 of 5" in review
    assert "City of Example Bay" in review and "45,000" in review and "letter.pdf" in review
    assert "€450" in review
    mail.outbox.clear()
    response = client.post(f"/en/membership/apply/{token}/step/5/", {"consent": "on"})
    assert response.status_code == 303
    assert response["Location"] == f"/en/membership/apply/{token}/thanks/"
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.consent_at is not None and application.submitted_at is not None
    assert str(application.quoted_amount) == "450.00"
    assert application.quote["amount"] == "450.00"
    assert application.quote["schedule"]["id"] == application.fee_schedule_id
    assert application.quote["snapshot"]["id"] == application.income_snapshot_id
    assert [m.to for m in mail.outbox] == [["aiko@example-bay.example.org"]]
    body = mail.outbox[0].body
    assert "We have received your application" in mail.outbox[0].subject
    assert "€450" in body and "What happens next" in body
    assert any(reason in body for reason in application.quote["reasons_en"])
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your application" in thanks
    assert "What happens next" in thanks
    entry = AuditEntry.objects.get(action="pavilion.application.submit")
    assert entry.data["from"] == "draft" and entry.data["to"] == "submitted"


def test_a_japanese_applicant_gets_japanese_mail_with_the_fee_in_yen_format(client, schedules):
    token = _walk_to_step_5(client, lang="ja", language="ja")
    assert mail.outbox[0].subject == "例ベイ市の申請：続きを入力するためのリンク"
    mail.outbox.clear()
    client.post(f"/ja/membership/apply/{token}/step/5/", {"consent": "on"})
    message = mail.outbox[0]
    assert message.subject == "申請を受け付けました：例ベイ市"
    assert "貴団体の年会費の見積額：€450" in message.body
    assert "今後の流れ" in message.body
    assert any(reason in message.body for reason in Application.objects.get().quote["reasons_ja"])
    assert f"/ja/membership/apply/{token}/" in message.body


@pytest.mark.parametrize(
    ("population", "message"),
    [
        ("-5", "The population cannot be negative."),
        ("many", "Please give the population as a whole number"),
        ("", "Please give the number of inhabitants"),
    ],
)
def test_bad_population_is_refused_on_its_field_and_kept(client, schedules, population, message):
    _start(client)
    token = _token_from_mail()
    application = Application.objects.get()
    application.step = 2
    application.save()
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": population,
            "population_source": "Census",
            "population_year": "2020",
            "currency": "EUR",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{population}"' in html if population else 'name="population"' in html
    assert 'value="Census"' in html
    application.refresh_from_db()
    assert application.population is None and application.step == 2


def test_a_year_in_the_future_is_refused(client, schedules):
    _start(client)
    token = _token_from_mail()
    Application.objects.update(step=2)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": "1000",
            "population_source": "x",
            "population_year": "2999",
            "currency": "EUR",
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_an_unknown_country_is_refused_and_nothing_is_saved(client):
    response = _start(client, STEP1 | {"country": "XX"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please choose a country from the list." in html
    assert 'value="City of Example Bay"' in html
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_an_ineligible_kind_is_refused_with_the_reason(client):
    response = _start(client, STEP1 | {"kind": "business"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Businesses cannot join as members or associate partners" in html
    assert "associate partnership for NGOs" in html
    assert "sponsor or event partner" in html
    assert not Application.objects.exists()


def test_the_form_says_which_kinds_may_join_what(client):
    html = client.get(START).content.decode()
    assert "Business — not eligible" in html
    assert "University — may apply for: Associate partnership" in html


def test_a_second_open_application_from_the_same_organisation_is_refused(client):
    ApplicationFactory(
        name_en="City of  EXAMPLE bay", status=Application.Status.IN_REVIEW, country="JP"
    )
    response = _start(client)
    html = response.content.decode()
    assert response.status_code == 400
    assert "An application from this organisation is already being reviewed." in html
    assert Application.objects.count() == 1


def test_the_same_name_in_another_country_is_another_organisation(client):
    ApplicationFactory(name_en="City of Example Bay", status="submitted", country="US")
    assert _start(client).status_code == 303


def test_a_closed_application_does_not_block_a_new_one(client):
    ApplicationFactory(name_en="City of Example Bay", status="rejected", country="JP")
    assert _start(client).status_code == 303


def _at_step_4(client):
    _start(client)
    token = _token_from_mail()
    Application.objects.update(step=3)
    return token


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("letter.pdf", b"GIF89a not really a pdf"), "This file is not a PDF"),
        (pdf_upload("letter.docx", PDF_BYTES, "application/msword"), "Please send a PDF file"),
        (pdf_upload("letter.pdf", PDF_BYTES, "image/png"), "Please send a PDF file"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused(client, upload, message):
    token = _at_step_4(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/4/", {"kind": "council_resolution", "file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert not ApplicationDocument.objects.exists()
    assert Application.objects.get().step == 3


def test_an_oversized_file_is_refused_with_the_limit(client, settings):
    settings.PAVILION_APPLICATION_MAX_UPLOAD_BYTES = 1024 * 1024
    token = _at_step_4(client)
    big = pdf_upload("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    response = client.post(
        f"/en/membership/apply/{token}/step/4/", {"kind": "letter_of_intent", "file": big}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 1 MB" in html
    assert not ApplicationDocument.objects.exists()


def test_the_documents_step_needs_a_file(client):
    token = _at_step_4(client)
    response = client.post(f"/en/membership/apply/{token}/step/4/", {"kind": "letter_of_intent"})
    assert response.status_code == 400
    assert "Please attach your letter of intent or council resolution" in response.content.decode()


def test_a_pdf_is_stored_privately(client, settings, tmp_path):
    token = _at_step_4(client)
    client.post(
        f"/en/membership/apply/{token}/step/4/", {"kind": "letter_of_intent", "file": pdf_upload()}
    )
    document = ApplicationDocument.objects.get()
    assert document.original_name == "letter.pdf"
    assert (tmp_path / "private" / document.file.name).read_bytes() == PDF_BYTES
    assert "letter" not in document.file.name


def test_submitting_without_consent_is_refused_and_nothing_changes(client, schedules):
    token = _walk_to_step_5(client)
    mail.outbox.clear()
    response = client.post(f"/en/membership/apply/{token}/step/5/", {})
    assert response.status_code == 400
    assert "Please agree" in response.content.decode()
    assert Application.objects.get().status == "draft"
    assert mail.outbox == []


def test_steps_ahead_of_the_draft_lead_back_to_the_next_one(client):
    _start(client)
    token = _token_from_mail()
    response = client.get(f"/en/membership/apply/{token}/step/5/")
    assert response["Location"] == f"/en/membership/apply/{token}/step/2/"


def test_step_three_shows_the_category_and_the_fee_without_javascript(client, schedules):
    _start(client)
    token = _token_from_mail()
    Application.objects.update(step=2)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": "50001",
            "population_source": "",
            "population_year": "",
            "currency": "EUR",
            "action": "quote",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Full membership (local or regional government)" in html
    assert "€900" in html
    assert Application.objects.get().population is None  # only shown, not saved


def test_the_live_quote_answers_in_json(client, schedules):
    _start(client)
    token = _token_from_mail()
    ok = client.get(
        f"/en/membership/apply/{token}/quote/", {"population": "50000", "currency": "EUR"}
    )
    assert ok.status_code == 200
    assert ok.json()["fee"]["amount"] == "€450"
    bad = client.get(
        f"/en/membership/apply/{token}/quote/", {"population": "-1", "currency": "EUR"}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["population"] == ["The population cannot be negative."]


def test_starts_are_rate_limited_per_address(client, settings):
    settings.PAVILION_APPLICATION_STARTS_PER_ADDRESS = 2
    for n in range(2):
        assert _start(client, STEP1 | {"name_en": f"Town {n}", "name_ja": ""}).status_code == 303
    response = _start(client, STEP1 | {"name_en": "Town 3", "name_ja": ""})
    assert response.status_code == 429
    assert 'value="Town 3"' in response.content.decode()
    assert Application.objects.count() == 2


def test_the_applicant_can_withdraw(client, schedules):
    token = _walk_to_step_5(client)
    client.post(f"/en/membership/apply/{token}/step/5/", {"consent": "on"})
    mail.outbox.clear()
    response = client.post(f"/en/membership/apply/{token}/withdraw/")
    assert response.status_code == 303
    assert Application.objects.get().status == "withdrawn"
    assert "withdrawn" in mail.outbox[0].subject
    assert (
        "This application is withdrawn"
        in client.get(f"/en/membership/apply/{token}/").content.decode()
    )


def test_a_new_address_in_step_two_gets_the_link_again(client):
    _start(client)
    token = _token_from_mail()
    client.post(
        f"/en/membership/apply/{token}/step/2/",
        {"contact_name": "A", "contact_email": "new@example.org", "language": "en"},
    )
    assert mail.outbox[-1].to == ["new@example.org"]
    assert _token_from_mail() == token


# Answering a request for information through the link


def _asked(client, lang="en", language="en"):
    """A sent application the secretariat asked for a document; returns the new link's
    token (the one mailed with the question)."""
    from pavilion.applications import services
    from tests.factories import StaffFactory

    token = _walk_to_step_5(client, lang=lang, language=language)
    client.post(f"/{lang}/membership/apply/{token}/step/5/", {"consent": "on"})
    staff = StaffFactory(email="reviewer@secretariat.example.org")
    application = Application.objects.get()
    services.application_review_start(application=application, actor=staff)
    _application, token = services.application_request_info(
        application=application, actor=staff, note="Please send the council resolution (PDF)."
    )
    mail.outbox.clear()
    return token


def test_the_answer_form_takes_text_and_pdfs(client, schedules):
    token = _asked(client)
    html = client.get(f"/en/membership/apply/{token}/").content.decode()
    assert "Please send the council resolution (PDF)." in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and "multiple" in html and 'accept="application/pdf,.pdf"' in html
    assert "at most 5 MB each" in html


def test_answering_with_a_pdf_confirms_by_mail_tells_staff_and_goes_back_in_review(
    client, schedules, tmp_path
):
    token = _asked(client, lang="ja", language="ja")
    response = client.post(
        f"/ja/membership/apply/{token}/",
        {
            "note": "議決書を添付します。",
            "kind": "council_resolution",
            "file": pdf_upload("議決書.pdf"),
        },
    )
    assert response.status_code == 303
    assert response["Location"] == f"/ja/membership/apply/{token}/answered/"
    page = client.get(response["Location"]).content.decode()
    assert "ご回答ありがとうございます" in page
    assert "aiko@example-bay.example.org 宛てに確認メールをお送りしました" in page
    assert "審査中" in page
    application = Application.objects.get()
    assert application.status == Application.Status.IN_REVIEW
    document = application.documents.get(original_name="議決書.pdf")
    assert document.kind == "council_resolution"
    assert (tmp_path / "private" / document.file.name).read_bytes() == PDF_BYTES
    # The confirmation the page speaks of, and the secretariat's notice.
    to_applicant = [m for m in mail.outbox if m.to == ["aiko@example-bay.example.org"]]
    to_staff = [m for m in mail.outbox if m.to == ["reviewer@secretariat.example.org"]]
    assert len(to_applicant) == 1 and len(to_staff) == 1
    assert to_applicant[0].subject.startswith("ご回答を受け付けました")
    assert "議決書.pdf" in to_applicant[0].body
    assert "議決書を添付します。" in to_staff[0].body and "議決書.pdf" in to_staff[0].body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": "Here it is.", "file": "not-a-pdf"}, "file", "Please send a PDF file"),
        ({"note": "  "}, "note", "Please write your answer"),
    ],
)
def test_a_refused_answer_is_400_with_the_message_on_its_field(
    client, schedules, data, field, message
):
    token = _asked(client)
    if data.get("file") == "not-a-pdf":
        data = data | {"file": pdf_upload("scan.png", content_type="image/png")}
    response = client.post(f"/en/membership/apply/{token}/", data | {"kind": "council_resolution"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert Application.objects.get().status == Application.Status.INFO_REQUESTED
    assert mail.outbox == []
