"""The registration pages, driven through Django's test client: the visitor's form, their
own page (QR code, waiting place, offer, cancelling), the check-in desk, the dashboard
and the CSV export.

Mail is queued after the commit; ``django_capture_on_commit_callbacks(execute=True)``
runs those callbacks, and the Immediate task backend sends each message at once into
the in-memory outbox.
"""

import csv
import datetime as dt
import email
import email.policy
import io
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from pavilion.core.models import AuditEntry
from pavilion.programme.models import Event, Session
from pavilion.registration.models import Registration, RegistrationSettings
from pavilion.registration.presenters import registration_path, registration_token
from pavilion.registration.services import registration_move
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    StaffFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
BAKU = ZoneInfo("Asia/Baku")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"


def upcoming_session(*, seats: int | None = 60, days: int = 20, **settings_kwargs) -> Session:
    """A published session some days ahead (16:30 Baku time), taking registrations."""
    today = timezone.localdate(timezone=BAKU)
    start_day = today + dt.timedelta(days=days)
    event = EventFactory(start_date=start_day, end_date=start_day + dt.timedelta(days=5))
    venue = VenueFactory(event=event, capacity=60)
    session = SessionFactory(
        event=event,
        venue=venue,
        title_en="Cities and the NDCs",
        title_ja="都市とNDC",
        starts_at=dt.datetime.combine(start_day, dt.time(16, 30), tzinfo=BAKU),
    )
    settings_kwargs.setdefault("is_open", True)
    RegistrationSettingsFactory(session=session, capacity=seats, **settings_kwargs)
    return session


def register_url(session, lang="en") -> str:
    with translation.override(lang):
        return reverse(
            "programme:registration:register",
            kwargs={"event": session.event.slug, "slug": session.slug},
        )


def form_data(**overrides) -> dict:
    return {
        "name": "Aiko Tanaka",
        "organisation": "Saitama City",
        "email": "aiko@example.jp",
        "language": "en",
        "consent": "on",
        "submission": "first-click",
    } | overrides


def post(client, capture, session, lang="en", **overrides):
    with capture(execute=True):
        return client.post(register_url(session, lang), form_data(**overrides))


def page_of(registration, lang="en") -> str:
    with translation.override(lang):
        return registration_path(registration)


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def attachments_of(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in parsed(message).iter_attachments()
    }


def text_of(message) -> str:
    return parsed(message).get_body(preferencelist=("plain",)).get_content()


def link_in(text: str, *, ending: str) -> str:
    """The path of the first link in a mail's text that ends with ``ending``."""
    for url in re.findall(r"https://pavilion\.example\.org(\S+)", text):
        if url.endswith(ending):
            return url
    raise AssertionError(f"no link ending with {ending!r} in:\n{text}")


# The form


def test_the_form_asks_for_consent_in_a_clear_sentence_and_defaults_to_the_pages_language(client):
    session = upcoming_session()

    response = client.get(register_url(session, "ja"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "都市とNDC" in html
    assert "パビリオン事務局がお名前、所属団体、メールアドレスを保管することに同意します" in html
    assert '<option value="ja" selected>日本語</option>' in html
    assert "残り60席です。" in html
    assert 'name="submission"' in html


def test_the_form_shows_the_session_time_in_the_venues_zone_and_in_japans(client):
    session = upcoming_session()

    html = client.get(register_url(session)).content.decode()

    assert "16:30–17:30 Baku time" in html
    assert "21:30–22:30 Japan time" in html


# Registering


def test_registering_confirms_a_seat_and_shows_the_qr_code_and_the_code(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()

    response = post(client, django_capture_on_commit_callbacks, session)

    registration = Registration.objects.get()
    assert registration.status == Status.CONFIRMED
    assert registration.email == "aiko@example.jp"
    assert response.status_code == 303
    assert response["Location"] == page_of(registration)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Your seat is confirmed" in html
    assert '<svg width="' in html and 'class="qr-code"' in html
    assert f"QR code for checking in, with the code {registration.code_display}" in html
    assert registration.code_display in html
    assert "16:30–17:30 Baku time" in html and "21:30–22:30 Japan time" in html
    assert "Add to Google Calendar" in html
    assert "Cancel my registration" in html


def test_the_confirmation_mail_carries_the_ics_the_qr_code_and_a_cancel_link(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()

    post(client, django_capture_on_commit_callbacks, session)

    registration = Registration.objects.get()
    [sent] = mail.outbox
    assert sent.to == ["aiko@example.jp"]
    assert sent.subject == "Your seat is confirmed: Cities and the NDCs"
    text = text_of(sent)
    assert "Dear Aiko Tanaka," in text
    assert f"Your registration code is {registration.code_display}." in text
    files = attachments_of(sent)
    ics_name = f"{session.event.slug}-{session.slug}.ics"
    assert files[ics_name][0] == "text/calendar"
    [vevent] = icalendar.Calendar.from_ical(files[ics_name][1]).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Cities and the NDCs"
    assert vevent.decoded("DTSTART") == session.starts_at
    content_type, png = files[f"registration-{registration.code_display}.png"]
    assert content_type == "image/png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    cancel_path = link_in(text, ending="/cancel/")
    assert cancel_path == page_of(registration) + "cancel/"


def test_a_full_session_puts_the_visitor_on_the_waiting_list_and_shows_their_place(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session(seats=1)
    post(client, django_capture_on_commit_callbacks, session, email="first@example.org")
    post(client, django_capture_on_commit_callbacks, session, email="second@example.org")

    form = client.get(register_url(session)).content.decode()
    assert (
        "All seats are taken. If you register now, you join the waiting list behind one person"
        in form
    )

    response = post(client, django_capture_on_commit_callbacks, session, email="third@example.org")

    third = Registration.objects.get(email="third@example.org")
    assert third.status == Status.WAITING
    html = client.get(response["Location"]).content.decode()
    assert "You are on the waiting list" in html
    assert "You are number 2 on the waiting list." in html
    assert "qr-code" not in html
    assert mail.outbox[-1].subject == "You are number 2 on the waiting list: Cities and the NDCs"
    assert "Leave the waiting list" in html


def test_a_cancellation_offers_the_seat_to_the_first_in_line_who_accepts_it(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session(seats=1)
    post(client, django_capture_on_commit_callbacks, session, email="seat@example.org")
    post(
        client,
        django_capture_on_commit_callbacks,
        session,
        email="queue@example.org",
        language="ja",
    )
    mail.outbox.clear()
    seat = Registration.objects.get(email="seat@example.org")
    queue = Registration.objects.get(email="queue@example.org")

    # The cancel link asks first; only the POST cancels.
    confirm = client.get(page_of(seat) + "cancel/")
    assert confirm.status_code == 200
    assert "Cancel your registration for “Cities and the NDCs”?" in confirm.content.decode()
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(page_of(seat) + "cancel/")

    assert done.status_code == 303
    assert "Your registration is cancelled." in client.get(done["Location"]).content.decode()
    seat.refresh_from_db()
    queue.refresh_from_db()
    assert seat.status == Status.CANCELLED
    assert queue.status == Status.OFFERED
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["seat@example.org"] == "Your registration is cancelled: Cities and the NDCs"
    assert subjects["queue@example.org"] == "【席のご案内】都市とNDC"
    offer = next(m for m in mail.outbox if m.to == ["queue@example.org"])
    offer_page = link_in(text_of(offer), ending="/")
    assert offer_page.startswith("/ja/")
    html = client.get(offer_page).content.decode()
    assert "席を受ける" in html
    assert "日本時間" in html  # the deadline in Japan time too

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(page_of(queue, "ja") + "accept/")

    assert accepted.status_code == 303
    queue.refresh_from_db()
    assert queue.status == Status.CONFIRMED
    assert "qr-code" in client.get(accepted["Location"]).content.decode()
    [confirmation] = mail.outbox
    assert confirmation.to == ["queue@example.org"]
    assert any(name.endswith(".ics") for name in attachments_of(confirmation))


def test_accepting_a_lapsed_offer_says_it_passed_on(client, django_capture_on_commit_callbacks):
    session = upcoming_session(seats=1)
    lapsed = RegistrationFactory(
        session=session,
        status=Status.OFFERED,
        position=1,
        offered_at=timezone.now() - dt.timedelta(days=2),
        offer_expires_at=timezone.now() - dt.timedelta(days=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_of(lapsed) + "accept/")

    assert response.status_code == 409
    assert "the seat has passed to the next person" in response.content.decode()
    lapsed.refresh_from_db()
    assert lapsed.status == Status.EXPIRED
    assert mail.outbox[-1].subject == "Your seat offer has passed on: Cities and the NDCs"


# Double submissions


def test_a_double_click_makes_one_registration_and_shows_it(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()

    first = post(client, django_capture_on_commit_callbacks, session, email="Aiko@Example.jp")
    client.cookies.clear()  # the second click left before the first answer came back
    second = post(client, django_capture_on_commit_callbacks, session, email="aiko@example.jp")

    registration = Registration.objects.get()
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == page_of(registration)
    html = client.get(second["Location"]).content.decode()
    assert "You are already registered for this session: here is your registration." in html
    assert len(mail.outbox) == 1


def test_the_same_form_sent_with_another_address_registers_another_person(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()
    post(client, django_capture_on_commit_callbacks, session, email="aiko@example.jp")

    # The back button, then a colleague's address in the same form.
    colleague = post(client, django_capture_on_commit_callbacks, session, email="ken@example.jp")

    ken = Registration.objects.get(email="ken@example.jp")
    assert colleague.status_code == 303
    assert colleague["Location"] == page_of(ken)
    assert Registration.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_make_one_registration_and_both_show_it():
    import threading

    from django.db import connection
    from django.test import Client

    session = upcoming_session()
    url = register_url(session)
    barrier = threading.Barrier(2)
    responses = []

    def click():
        try:
            barrier.wait()
            responses.append(Client().post(url, form_data(submission="one-form")))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    registration = Registration.objects.get()
    assert [r.status_code for r in responses] == [303, 303]
    assert {r["Location"] for r in responses} == {page_of(registration)}


def test_registering_again_from_the_same_browser_leads_to_the_registration(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()
    post(client, django_capture_on_commit_callbacks, session)

    again = post(client, django_capture_on_commit_callbacks, session, submission="a-new-form")

    assert again.status_code == 303
    assert again["Location"] == page_of(Registration.objects.get())


def test_someone_else_typing_a_registered_address_is_told_and_never_sees_the_registration(
    client, django_capture_on_commit_callbacks, settings
):
    session = upcoming_session()
    post(client, django_capture_on_commit_callbacks, session)
    registration = Registration.objects.get()
    mail.outbox.clear()
    client.cookies.clear()

    response = post(
        client,
        django_capture_on_commit_callbacks,
        session,
        name="Somebody Else",
        email="AIKO@example.jp",
        submission="another-browser",
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "You are already registered for this session" in html
    assert "Check your e-mail for the link we sent" in html
    assert "We have sent the link to this address again" in html
    assert registration.code_display not in html
    assert registration_token(registration) not in html
    assert 'value="Somebody Else"' in html
    assert Registration.objects.count() == 1
    # The registrant gets their link again, once in a while at most.
    [resent] = mail.outbox
    assert resent.to == ["aiko@example.jp"]
    assert resent.subject == "Your seat is confirmed: Cities and the NDCs"
    post(client, django_capture_on_commit_callbacks, session, submission="yet-another")
    assert len(mail.outbox) == 1


def _registered_elsewhere(client, capture, lang="en"):
    """Aiko registered from another browser; now someone types her address again."""
    session = upcoming_session()
    post(client, capture, session)
    mail.outbox.clear()
    client.cookies.clear()
    response = post(
        client, capture, session, lang, name="Aiko T.", email="Aiko@Example.jp", submission="x"
    )
    return response, Registration.objects.get()


def test_registering_twice_is_explained_once_under_its_own_heading(
    client, django_capture_on_commit_callbacks
):
    response, registration = _registered_elsewhere(client, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    html = response.content.decode()
    assert html.count("You are already registered for this session") == 1
    assert html.count("already registered for this session") == 2  # heading, then why
    assert "<h2>You are already registered for this session</h2>" in html
    assert "Some of what you asked for could not be used" not in html
    assert "Please correct the fields marked below." not in html
    assert 'id="id_email_error"' not in html
    assert 'aria-invalid="true"' not in html
    assert "To register someone else, change the e-mail address below." in html
    # What was typed is kept; nothing about the registration is shown.
    assert 'value="Aiko T."' in html
    assert 'value="Aiko@Example.jp"' in html
    assert registration.code_display not in html
    assert registration_token(registration) not in html
    assert registration.name not in html


def test_registering_twice_is_explained_in_japanese_on_the_japanese_page(
    client, django_capture_on_commit_callbacks
):
    response, _registration = _registered_elsewhere(
        client, django_capture_on_commit_callbacks, "ja"
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert html.count("このセッションにはすでに申し込み済みです") == 1
    assert "お送りしたメールに記載のリンクをご確認ください。" in html
    assert "指定された条件の一部を反映できませんでした" not in html
    assert "このメールアドレスはすでにこのセッションに申し込み済みです。" not in html


# Closed, not yet open, cancelled, past


def _closed(kind: str) -> Session:
    now = timezone.now()
    if kind == "not_open":
        return upcoming_session(is_open=False)
    if kind == "not_yet_open":
        return upcoming_session(opens_at=now + dt.timedelta(days=2))
    if kind == "closed":
        return upcoming_session(
            opens_at=now - dt.timedelta(days=5), closes_at=now - dt.timedelta(days=1)
        )
    session = upcoming_session()
    if kind == "cancelled":
        Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    if kind == "past":
        Session.objects.filter(pk=session.pk).update(
            starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=2)
        )
    return session


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not_open", "Registration is not open for this session."),
        ("not_yet_open", "Registration for this session opens on "),
        ("closed", "Registration for this session closed on "),
        ("cancelled", "This session has been cancelled, so it no longer takes registrations."),
        ("past", "This session is over, so registration is closed."),
    ],
)
def test_a_session_that_takes_no_registrations_says_why(
    kind, message, client, django_capture_on_commit_callbacks
):
    session = _closed(kind)

    shown = client.get(register_url(session))
    refused = post(client, django_capture_on_commit_callbacks, session)

    assert shown.status_code == 200
    assert message in shown.content.decode()
    assert 'name="email"' not in shown.content.decode()
    assert refused.status_code == 409
    assert message in refused.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_draft_session_has_no_registration_page(client):
    session = upcoming_session()
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)

    assert client.get(register_url(session)).status_code == 404


@pytest.mark.parametrize("hidden", ["draft", "private event", "unknown"])
def test_registering_for_a_session_visitors_cannot_see_is_a_404(client, hidden):
    session = upcoming_session()
    url = register_url(session)
    if hidden == "draft":
        Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    elif hidden == "private event":
        Event.objects.filter(pk=session.event_id).update(is_public=False)
    else:
        url = url.replace(session.slug, "no-such-session")

    response = client.post(url, form_data())

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_registering_for_a_session_without_registration_says_it_is_not_open(client):
    session = upcoming_session()
    RegistrationSettings.objects.filter(session=session).delete()

    response = client.post(register_url(session), form_data())

    assert response.status_code == 409
    assert "Registration is not open for this session." in response.content.decode()
    assert not Registration.objects.exists()


# Bad input


def test_an_invalid_address_is_refused_on_its_field_and_what_was_typed_is_kept(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()

    response = post(client, django_capture_on_commit_callbacks, session, email="aiko@@example")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert "Enter a valid email address." in html
    assert 'value="Aiko Tanaka"' in html
    assert 'value="aiko@@example"' in html
    assert 'aria-invalid="true"' in html
    assert not Registration.objects.exists()


def test_errors_are_in_japanese_on_the_japanese_page(client, django_capture_on_commit_callbacks):
    session = upcoming_session()

    response = post(client, django_capture_on_commit_callbacks, session, "ja", email="aiko@@")

    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "有効なメールアドレスを入力してください。" in html


def test_no_consent_no_registration(client, django_capture_on_commit_callbacks):
    session = upcoming_session()

    response = post(client, django_capture_on_commit_callbacks, session, consent="")

    assert response.status_code == 400
    assert "Please agree to our keeping your details for this registration." in (
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_too_many_posts_from_one_address_are_refused_with_429(
    client, django_capture_on_commit_callbacks, settings
):
    settings.PAVILION_REGISTRATION_POSTS_PER_ADDRESS = 2
    session = upcoming_session()
    for n in range(2):
        post(client, django_capture_on_commit_callbacks, session, email=f"p{n}@example.org")

    response = post(client, django_capture_on_commit_callbacks, session, email="p3@example.org")

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert "<h2>Too many attempts: please try again in 10 minutes</h2>" in html
    assert "Many registrations were sent in a short time, so this one was not accepted." in html
    assert "Some of what you asked for could not be used" not in html
    assert 'value="p3@example.org"' in html
    assert Registration.objects.count() == 2


def test_too_many_posts_for_one_address_are_refused_with_429(
    client, django_capture_on_commit_callbacks, settings
):
    settings.PAVILION_REGISTRATION_POSTS_PER_EMAIL = 1
    session = upcoming_session()
    post(client, django_capture_on_commit_callbacks, session)
    client.cookies.clear()

    response = post(client, django_capture_on_commit_callbacks, session, email="AIKO@example.jp")

    assert response.status_code == 429
    html = response.content.decode()
    assert html.count("Too many attempts: please try again in 10 minutes") == 1
    assert "already registered" not in html
    assert 'value="AIKO@example.jp"' in html
    assert Registration.objects.count() == 1


def test_the_too_many_attempts_box_is_in_japanese_on_the_japanese_page(
    client, django_capture_on_commit_callbacks, settings
):
    settings.PAVILION_REGISTRATION_POSTS_PER_ADDRESS = 0
    session = upcoming_session()

    response = post(client, django_capture_on_commit_callbacks, session, "ja")

    assert response.status_code == 429
    html = response.content.decode()
    assert "送信回数が多すぎます。10分後にもう一度お試しください" in html
    assert "指定された条件の一部を反映できませんでした" not in html
    assert not Registration.objects.exists()


# A Japanese visitor


def test_a_japanese_visitor_reads_the_page_and_the_mail_in_japanese(
    client, django_capture_on_commit_callbacks
):
    session = upcoming_session()

    response = post(
        client,
        django_capture_on_commit_callbacks,
        session,
        "ja",
        name="田中 愛子",
        organisation="さいたま市",
        language="ja",
    )

    registration = Registration.objects.get()
    assert registration.language == "ja"
    assert response["Location"].startswith("/ja/")
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="ja">' in html
    assert "都市とNDC" in html
    assert "21:30–22:30（日本時間）" in html
    [sent] = mail.outbox
    assert "都市とNDC" in sent.subject
    text = text_of(sent)
    assert "田中 愛子" in text
    assert "21:30–22:30（日本時間）" in text
    assert link_in(text, ending="/cancel/").startswith("/ja/")
    ics = next(
        content for name, (_t, content) in attachments_of(sent).items() if name.endswith(".ics")
    )
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "都市とNDC"
    assert "/ja/" in str(vevent["URL"])


# The registration's page


def test_a_registration_page_needs_its_signed_token(client):
    session = upcoming_session()
    registration = RegistrationFactory(session=session)
    kwargs = {"event": session.event.slug, "slug": session.slug}

    def url(token):
        return reverse("programme:registration:detail", kwargs=kwargs | {"token": token})

    assert client.get(url(registration_token(registration))).status_code == 200
    assert client.get(url(registration.code)).status_code == 404
    assert client.get(url(registration.code + ".forged")).status_code == 404
    other = SessionFactory(event=session.event, venue=session.venue)
    elsewhere = reverse(
        "programme:registration:detail",
        kwargs={
            "event": session.event.slug,
            "slug": other.slug,
            "token": registration_token(registration),
        },
    )
    assert client.get(elsewhere).status_code == 404


def test_a_cancelled_registration_can_register_again(client):
    session = upcoming_session()
    registration = RegistrationFactory(session=session, status=Status.CANCELLED)

    html = client.get(page_of(registration)).content.decode()

    assert "Your registration is cancelled" in html
    assert register_url(session) in html
    assert "Cancel my registration" not in html


# The session's page


def test_the_session_page_shows_seats_left_and_links_to_the_form(client):
    session = upcoming_session(seats=3)
    RegistrationFactory(session=session)

    html = client.get(session.get_absolute_url()).content.decode()

    assert "2 seats are left." in html
    assert f'href="{register_url(session)}"' in html


def test_the_session_page_offers_the_waiting_list_when_full(client):
    session = upcoming_session(seats=1)
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=Status.WAITING, position=1)

    html = client.get(session.get_absolute_url()).content.decode()

    assert "All seats are taken; one person is on the waiting list." in html
    assert "Join the waiting list" in html


def test_the_session_page_says_why_registration_is_closed(client):
    session = _closed("not_yet_open")

    html = client.get(session.get_absolute_url()).content.decode()

    assert "Registration for this session opens on " in html


def test_a_session_without_registration_shows_no_registration_block(client):
    session = upcoming_session()
    session.registration_settings.delete()

    html = client.get(session.get_absolute_url()).content.decode()

    assert "registration-block" not in html


# Staff: check-in


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def check_in_url(event) -> str:
    return reverse("programme:registration:check_in", kwargs={"event": event.slug})


@pytest.mark.parametrize(
    "name",
    ["check_in", "attendance", "dashboard", "event_csv"],
)
def test_staff_pages_are_for_staff_only(client, name):
    session = upcoming_session()
    client.force_login(UserFactory())

    response = client.get(
        reverse(f"programme:registration:{name}", kwargs={"event": session.event.slug})
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_typed_code_checks_the_person_in_and_shows_who_it_is(staff_client):
    session = upcoming_session()
    registration = RegistrationFactory(session=session, name="Aiko Tanaka", organisation="Saitama")
    typed = registration.code_display.lower()

    response = staff_client.post(check_in_url(session.event), {"code": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Checked in: Aiko Tanaka." in html
    assert "Saitama" in html and "Cities and the NDCs" in html
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert AuditEntry.objects.filter(action="pavilion.registration.checked_in").exists()
    # The field is empty again for the next scan.
    assert f'value="{typed}"' not in html


def test_a_second_scan_says_already_checked_in(staff_client):
    session = upcoming_session()
    registration = RegistrationFactory(session=session, name="Aiko Tanaka")
    staff_client.post(check_in_url(session.event), {"code": registration.code})

    response = staff_client.post(check_in_url(session.event), {"code": registration.code})

    assert response.status_code == 409
    assert "Aiko Tanaka has already checked in, at " in response.content.decode()


def test_someone_waiting_cannot_check_in(staff_client):
    session = upcoming_session(seats=1)
    waiting = RegistrationFactory(
        session=session, name="Ken Sato", status=Status.WAITING, position=1
    )

    response = staff_client.post(check_in_url(session.event), {"code": waiting.code})

    assert response.status_code == 409
    assert "Ken Sato does not hold a confirmed seat (On the waiting list)." in (
        response.content.decode()
    )


def test_an_unknown_code_is_said_to_be_unknown(staff_client):
    session = upcoming_session()

    response = staff_client.post(check_in_url(session.event), {"code": "ZZZZ-ZZZZ-ZZZZ"})

    assert response.status_code == 404
    assert "No registration has the code ZZZZ-ZZZZ-ZZZZ." in response.content.decode()


def test_a_code_of_another_event_is_refused(staff_client):
    session = upcoming_session()
    elsewhere = RegistrationFactory(session=upcoming_session())

    response = staff_client.post(check_in_url(session.event), {"code": elsewhere.code})

    assert response.status_code == 409
    assert "This code is for another event" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_at_one_sessions_door_a_code_for_another_session_is_refused(staff_client):
    session = upcoming_session()
    other = SessionFactory(event=session.event, venue=session.venue, title_en="Other talk")
    RegistrationSettingsFactory(session=other)
    registration = RegistrationFactory(session=other)

    response = staff_client.post(
        check_in_url(session.event) + f"?session={session.slug}", {"code": registration.code}
    )

    assert response.status_code == 409
    assert "This code is for another session: “Other talk”." in response.content.decode()


def test_the_check_in_page_shows_live_attendance_and_refreshes_it(staff_client):
    session = upcoming_session(seats=2)
    RegistrationFactory(session=session, checked_in_at=timezone.now())
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=Status.WAITING, position=1)

    page = staff_client.get(check_in_url(session.event)).content.decode()
    fragment = staff_client.get(
        reverse("programme:registration:attendance", kwargs={"event": session.event.slug})
    )

    assert 'data-interval="10000"' in page
    assert "registration/check-in.js" in page
    assert fragment["Cache-Control"] == "no-store"
    cells = re.findall(r'<td class="num">(\S+)</td>', fragment.content.decode())
    assert cells == ["2", "2", "1", "0", "1"]  # seats, confirmed, checked in, offered, waiting
    assert "2 of 2 seats taken: 2 confirmed, of whom 1 checked in, and 0 offered; 1 waiting." in (
        fragment.content.decode()
    )


# Staff: dashboard and CSV


def test_the_dashboard_draws_a_fill_bar_per_session(staff_client):
    session = upcoming_session(seats=4)
    RegistrationFactory(session=session, checked_in_at=timezone.now())
    RegistrationFactory(session=session)
    RegistrationFactory(
        session=session,
        status=Status.OFFERED,
        position=1,
        offer_expires_at=timezone.now() + dt.timedelta(hours=5),
    )
    quiet = SessionFactory(event=session.event, venue=session.venue, title_en="Quiet talk")
    RegistrationSettingsFactory(session=quiet, capacity=10)

    response = staff_client.get(
        reverse("programme:registration:dashboard", kwargs={"event": session.event.slug})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cities and the NDCs" in html and "Quiet talk" in html
    assert 'class="fill-checked-in" style="width: 25.0%"' in html
    assert 'class="fill-confirmed" style="width: 25.0%"' in html
    assert 'class="fill-offered" style="width: 25.0%"' in html
    assert "75% full" in html
    assert (
        "3 of 4 seats taken: 2 confirmed, of whom 1 checked in, and 1 offered; 0 waiting." in html
    )
    assert "0% full" in html
    assert "chart.js" not in html.lower()


@pytest.mark.parametrize("sessions", [1, 3])
def test_the_dashboard_costs_the_same_queries_for_one_or_three_sessions(
    staff_client, django_assert_max_num_queries, sessions
):
    first = upcoming_session()
    for _ in range(sessions - 1):
        other = SessionFactory(event=first.event, venue=first.venue)
        RegistrationSettingsFactory(session=other)
        RegistrationFactory(session=other)
    url = reverse("programme:registration:dashboard", kwargs={"event": first.event.slug})

    # Session and user, the event, the settings with their sessions, the counts.
    with django_assert_max_num_queries(6):
        assert staff_client.get(url).status_code == 200


def test_a_sessions_registrations_list_attendees_and_the_waiting_list(staff_client):
    session = upcoming_session(seats=1)
    RegistrationFactory(session=session, name="Aiko Tanaka", checked_in_at=timezone.now())
    RegistrationFactory(session=session, name="Ken Sato", status=Status.WAITING, position=4)
    RegistrationFactory(session=session, name="Mei Ito", status=Status.WAITING, position=7)
    RegistrationFactory(session=session, name="Gone Away", status=Status.CANCELLED)

    html = staff_client.get(
        reverse(
            "programme:registration:session",
            kwargs={"event": session.event.slug, "slug": session.slug},
        )
    ).content.decode()

    assert "Confirmed: 1 person" in html
    assert "Waiting list: 2 people" in html
    assert re.search(r'<td class="num">1</td><td>Ken Sato</td>', html)
    assert re.search(r'<td class="num">2</td><td>Mei Ito</td>', html)
    assert "Gone Away" in html
    assert "attendees.csv" in html


def test_the_attendee_csv_opens_in_excel_with_japanese_names(staff_client):
    session = upcoming_session()
    RegistrationFactory(session=session, name="田中 愛子", organisation="さいたま市")
    RegistrationFactory(session=session, name="=HYPERLINK()", status=Status.WAITING, position=1)

    response = staff_client.get(
        reverse(
            "programme:registration:session_csv",
            kwargs={"event": session.event.slug, "slug": session.slug},
        )
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Session", "Name", "Organisation"]
    assert rows[1][:3] == ["Cities and the NDCs", "田中 愛子", "さいたま市"]
    assert rows[2][1] == "'=HYPERLINK()"


def test_the_event_csv_holds_every_session_with_registration(staff_client):
    session = upcoming_session()
    other = SessionFactory(
        event=session.event,
        venue=session.venue,
        title_en="Other talk",
        starts_at=session.starts_at + dt.timedelta(hours=2),
    )
    RegistrationSettingsFactory(session=other)
    RegistrationFactory(session=session, name="Aiko Tanaka")
    RegistrationFactory(session=other, name="Ken Sato")

    response = staff_client.get(
        reverse("programme:registration:event_csv", kwargs={"event": session.event.slug})
    )

    names = [row[1] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert names[1:] == ["Aiko Tanaka", "Ken Sato"]


def test_staff_moving_someone_to_the_waiting_list_tells_them_by_mail(
    django_capture_on_commit_callbacks,
):
    session = upcoming_session(seats=1)
    registration = RegistrationFactory(session=session, name="Aiko Tanaka")
    RegistrationFactory(
        session=session, email="next@example.org", status=Status.WAITING, position=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration_move(registration=registration, to_status=Status.WAITING, actor=StaffFactory())

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        registration.email: "Your registration has changed: Cities and the NDCs",
        "next@example.org": "A seat is free for you: Cities and the NDCs",
    }
    moved = next(m for m in mail.outbox if m.to == [registration.email])
    assert (
        "The pavilion team has moved your registration for “Cities and the NDCs” to the waiting "
        "list: you are number 1." in text_of(moved)
    )
