import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from pavilion.core.models import AuditEntry
from pavilion.programme.models import Session
from pavilion.registration import selectors, services
from pavilion.registration.models import CODE_ALPHABET, Registration, RegistrationSettings
from pavilion.registration.services import (
    AlreadyCheckedIn,
    AlreadyRegistered,
    offer_accept,
    offers_expire,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_move,
    registration_settings_save,
)
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    StaffFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
BAKU = ZoneInfo("Asia/Baku")
# Eleven days before the default session (Tue 12 Nov 2024, 16:30–17:30 Baku time).
NOW = dt.datetime(2024, 11, 1, 10, 0, tzinfo=UTC)
Status = Registration.Status


def make_session(*, venue_seats: int | None = 60, seats: int | None = None, **settings):
    venue = VenueFactory(event=EventFactory(), capacity=venue_seats)
    session = SessionFactory(event=venue.event, venue=venue)
    RegistrationSettingsFactory(session=session, capacity=seats, **settings)
    return session


def register(session, email: str, *, name: str | None = None, now=NOW, **overrides):
    values = {
        "session": session,
        "name": name or email.split("@")[0].title(),
        "organisation": "Saitama City",
        "email": email,
        "language": "en",
        "consent": True,
        "now": now,
    }
    return registration_create(**(values | overrides))


def messages_of(caught) -> list[str]:
    return caught.value.messages


def actions_for(registration) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_id=str(registration.pk), action__startswith="pavilion.registration."
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def notified(monkeypatch):
    """Every call of the mail hook, as (kind, e-mail address)."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        services,
        "_notify",
        lambda *, kind, registration: calls.append((kind, registration.email)),
    )
    return calls


# Registering


def test_a_registration_takes_a_free_seat_and_keeps_the_address_as_typed():
    session = make_session()

    registration = register(session, "Aiko.Tanaka@Example.ORG", name="Aiko Tanaka")

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.email == "Aiko.Tanaka@Example.ORG"
    assert registration.email_key == "aiko.tanaka@example.org"
    assert registration.consent_at == NOW
    assert registration.position is None
    assert len(registration.code) == 12
    assert set(registration.code) <= set(CODE_ALPHABET)
    assert actions_for(registration) == ["pavilion.registration.confirmed"]


def test_each_registration_gets_its_own_code_printed_in_groups_of_four():
    session = make_session()

    first = register(session, "a@example.org")
    second = register(session, "b@example.org")

    assert first.code != second.code
    assert first.code_display == f"{first.code[:4]}-{first.code[4:8]}-{first.code[8:]}"


def test_seats_default_to_the_venues_number_of_seats():
    session = make_session(venue_seats=2, seats=None)

    statuses = [register(session, f"p{n}@example.org").status for n in range(3)]

    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]


def test_the_sessions_own_number_of_seats_overrides_the_venues():
    session = make_session(venue_seats=60, seats=1)

    statuses = [register(session, f"p{n}@example.org").status for n in range(2)]

    assert statuses == [Status.CONFIRMED, Status.WAITING]


def test_when_full_newcomers_wait_in_the_order_they_arrived():
    session = make_session(seats=2)
    for n in range(2):
        register(session, f"seat{n}@example.org")

    waiting = [register(session, f"queue{n}@example.org") for n in range(3)]

    assert [r.status for r in waiting] == [Status.WAITING] * 3
    assert [r.position for r in waiting] == [1, 2, 3]
    assert [(r.email, r.place) for r in selectors.waiting_list(session=session)] == [
        ("queue0@example.org", 1),
        ("queue1@example.org", 2),
        ("queue2@example.org", 3),
    ]
    assert selectors.place_in_line(registration=waiting[2]) == 3
    entry = AuditEntry.objects.get(object_id=str(waiting[1].pk))
    assert entry.action == "pavilion.registration.waitlisted"
    assert entry.data == {"from": None, "to": "waiting", "position": 2}


@pytest.mark.parametrize("seats", [1, 0], ids=["a seat", "the waiting list"])
def test_a_registration_takes_four_queries_inside_its_savepoint(seats, django_assert_num_queries):
    session = make_session(seats=max(seats, 1))
    if seats == 0:
        register(session, "first@example.org")

    # Lock the settings; count seats held, people waiting, the last place and the
    # address's registrations in one query; insert; audit. Plus SAVEPOINT and RELEASE
    # inside the test's transaction.
    with django_assert_num_queries(6):
        register(session, "aiko@example.org")


def test_the_same_address_in_another_case_is_already_registered():
    session = make_session()
    first = register(session, "Aiko@Example.org")

    with pytest.raises(AlreadyRegistered) as caught:
        register(session, "  aiko@EXAMPLE.ORG ")

    assert caught.value.message_dict == {
        "email": ["This e-mail address is already registered for this session."]
    }
    assert caught.value.registration == first
    assert Registration.objects.count() == 1


def test_someone_waiting_is_already_registered_too():
    session = make_session(seats=1)
    register(session, "first@example.org")
    register(session, "second@example.org")

    with pytest.raises(AlreadyRegistered):
        register(session, "SECOND@example.org")

    assert Registration.objects.filter(email_key="second@example.org").count() == 1


def test_after_cancelling_the_same_address_may_register_again():
    session = make_session()
    first = register(session, "aiko@example.org")
    registration_cancel(registration=first, now=NOW)

    again = register(session, "Aiko@example.org")

    assert again.pk != first.pk
    assert again.status == Status.CONFIRMED


def test_one_address_may_register_for_two_sessions():
    a, b = make_session(), make_session()

    assert register(a, "aiko@example.org").status == Status.CONFIRMED
    assert register(b, "aiko@example.org").status == Status.CONFIRMED


def test_the_database_refuses_a_second_active_row_for_one_address():
    session = make_session()
    RegistrationFactory(session=session, email="aiko@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(session=session, email="AIKO@example.org")

    RegistrationFactory(session=session, email="AIKO@example.org", status=Status.CANCELLED)
    assert Registration.objects.filter(session=session).count() == 2


def test_a_duplicate_that_slips_past_the_check_is_still_already_registered(monkeypatch):
    session = make_session()
    first = register(session, "aiko@example.org")
    real_check = services._active_registration
    calls = []

    def check_misses_once(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_check(**kwargs)

    monkeypatch.setattr(services, "_active_registration", check_misses_once)

    with pytest.raises(AlreadyRegistered) as caught:
        register(session, "Aiko@example.org")

    assert caught.value.registration == first
    assert Registration.objects.count() == 1


def test_a_missing_name_address_consent_and_language_are_each_named():
    session = make_session()

    with pytest.raises(ValidationError) as caught:
        register(session, "", name=" ", consent=False, language="fr")

    assert caught.value.message_dict == {
        "name": ["Please give your name."],
        "email": ["Please give your e-mail address."],
        "language": ["Choose English or Japanese."],
        "consent": ["Please agree to our keeping your details for this registration."],
    }
    assert not Registration.objects.exists()


def test_an_invalid_address_is_refused_on_its_field():
    session = make_session()

    with pytest.raises(ValidationError) as caught:
        register(session, "aiko-at-example.org")

    assert caught.value.message_dict == {"email": ["Enter a valid email address."]}
    assert not Registration.objects.exists()


def test_japanese_names_and_organisations_are_kept():
    session = make_session()

    registration = register(
        session, "shimizu@example.jp", name="清水 勇人", organisation="さいたま市", language="ja"
    )

    registration.refresh_from_db()
    assert (registration.name, registration.organisation, registration.language) == (
        "清水 勇人",
        "さいたま市",
        "ja",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_open": False}, "Registration is not open for this session."),
        (
            {"opens_at": dt.datetime(2024, 11, 2, 10, 0, tzinfo=UTC)},
            "Registration for this session opens on Sat 2 Nov 2024, 14:00 Baku time.",
        ),
        (
            {"closes_at": dt.datetime(2024, 11, 1, 6, 0, tzinfo=UTC)},
            "Registration for this session closed on Fri 1 Nov 2024, 10:00 Baku time.",
        ),
    ],
)
def test_registration_outside_its_window_is_refused_with_the_reason(change, message):
    session = make_session(**change)

    with pytest.raises(ValidationError) as caught:
        register(session, "aiko@example.org")

    assert messages_of(caught) == [message]
    assert not Registration.objects.exists()


def test_the_opening_date_is_written_in_the_visitors_language():
    session = make_session(opens_at=dt.datetime(2024, 11, 2, 10, 0, tzinfo=UTC))

    with translation.override("ja"), pytest.raises(ValidationError) as caught:
        register(session, "aiko@example.org")

    assert "2024年11月2日(土)" in messages_of(caught)[0]
    assert "14:00" in messages_of(caught)[0]


def test_a_session_without_registration_settings_takes_no_registrations():
    session = SessionFactory()

    with pytest.raises(ValidationError) as caught:
        register(session, "aiko@example.org")

    assert messages_of(caught) == ["Registration is not open for this session."]
    assert not RegistrationSettings.objects.exists()


@pytest.mark.parametrize(
    ("status", "now", "message"),
    [
        (
            Session.Status.CANCELLED,
            NOW,
            "This session has been cancelled, so it no longer takes registrations.",
        ),
        (Session.Status.DRAFT, NOW, "Registration is not open for this session."),
        (
            Session.Status.PUBLISHED,
            dt.datetime(2024, 11, 12, 16, 45, tzinfo=BAKU),
            "This session has already started, so registration is closed.",
        ),
        (
            Session.Status.PUBLISHED,
            dt.datetime(2024, 11, 13, 9, 0, tzinfo=BAKU),
            "This session is over, so registration is closed.",
        ),
    ],
)
def test_a_cancelled_draft_running_or_past_session_is_refused(status, now, message):
    session = make_session()
    Session.objects.filter(pk=session.pk).update(status=status)

    with pytest.raises(ValidationError) as caught:
        register(session, "aiko@example.org", now=now)

    assert messages_of(caught) == [message]


def test_the_session_state_is_read_under_the_lock_not_from_the_callers_copy():
    session = make_session()
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert session.status == Session.Status.PUBLISHED  # the caller's stale copy

    with pytest.raises(ValidationError, match="has been cancelled"):
        register(session, "aiko@example.org")


def test_opening_registration_needs_seats_when_the_venue_has_none():
    session = SessionFactory(venue=VenueFactory(capacity=None))
    settings = RegistrationSettings(session=session, is_open=True)

    with pytest.raises(ValidationError) as caught:
        registration_settings_save(settings=settings)

    assert caught.value.message_dict["capacity"] == [
        f"The venue “{session.venue}” has no number of seats: give the number of seats "
        "for this session before opening registration."
    ]


def test_registration_must_close_after_it_opens():
    session = make_session()
    settings = session.registration_settings
    settings.opens_at = dt.datetime(2024, 11, 5, tzinfo=UTC)
    settings.closes_at = dt.datetime(2024, 11, 4, tzinfo=UTC)

    with pytest.raises(ValidationError) as caught:
        registration_settings_save(settings=settings)

    assert caught.value.message_dict == {"closes_at": ["Registration must close after it opens."]}


def test_the_registrant_is_told_of_a_seat_or_a_place_in_line(notified):
    session = make_session(seats=1)

    register(session, "seat@example.org")
    register(session, "queue@example.org")

    assert notified == [("confirmed", "seat@example.org"), ("waitlisted", "queue@example.org")]


def test_a_refused_registration_tells_nobody(notified):
    session = make_session(is_open=False)

    with pytest.raises(ValidationError):
        register(session, "aiko@example.org")

    assert notified == []


# Cancelling and offers


@pytest.fixture
def full_session():
    """Two seats, both taken; three people waiting."""
    session = make_session(seats=2)
    seated = [register(session, f"seat{n}@example.org") for n in range(2)]
    waiting = [register(session, f"queue{n}@example.org") for n in range(3)]
    return session, seated, waiting


def test_a_cancellation_offers_the_seat_to_the_first_in_line(full_session, notified):
    session, seated, waiting = full_session
    later = NOW + dt.timedelta(hours=2)

    cancelled = registration_cancel(registration=seated[0], now=later)

    assert cancelled.status == Status.CANCELLED
    first = Registration.objects.get(pk=waiting[0].pk)
    assert first.status == Status.OFFERED
    assert first.offered_at == later
    assert first.offer_expires_at == later + dt.timedelta(hours=24)
    assert [r.email for r in selectors.waiting_list(session=session)] == [
        "queue1@example.org",
        "queue2@example.org",
    ]
    assert selectors.place_in_line(registration=Registration.objects.get(pk=waiting[1].pk)) == 1
    assert notified == [("cancelled", "seat0@example.org"), ("offered", "queue0@example.org")]
    assert actions_for(seated[0])[-1] == "pavilion.registration.cancelled"
    assert actions_for(first)[-1] == "pavilion.registration.offered"


def test_an_offered_seat_still_counts_as_taken(full_session):
    session, seated, _waiting = full_session

    registration_cancel(registration=seated[0], now=NOW)

    seats = selectors.seats_of(session=session)
    assert (seats.confirmed, seats.offered, seats.taken, seats.free, seats.waiting) == (
        1,
        1,
        2,
        0,
        2,
    )
    assert register(session, "late@example.org").status == Status.WAITING


def test_an_offer_never_runs_past_the_sessions_start(full_session):
    session, seated, waiting = full_session
    two_hours_before = session.starts_at - dt.timedelta(hours=2)

    registration_cancel(registration=seated[0], now=two_hours_before)

    assert Registration.objects.get(pk=waiting[0].pk).offer_expires_at == session.starts_at


def test_the_time_to_accept_comes_from_the_settings(full_session):
    session, seated, waiting = full_session
    RegistrationSettings.objects.filter(session=session).update(offer_hours=6)

    registration_cancel(registration=seated[0], now=NOW)

    assert Registration.objects.get(pk=waiting[0].pk).offer_expires_at == NOW + dt.timedelta(
        hours=6
    )


def test_cancelling_a_place_in_line_offers_nothing(full_session):
    session, _seated, waiting = full_session

    registration_cancel(registration=waiting[0], now=NOW)

    assert not Registration.objects.filter(status=Status.OFFERED).exists()
    assert [r.place for r in selectors.waiting_list(session=session)] == [1, 2]
    assert Registration.objects.get(pk=waiting[1].pk).position == 2  # arrival order kept


def test_cancelling_twice_changes_nothing_the_second_time(full_session):
    _session, seated, _waiting = full_session
    registration_cancel(registration=seated[0], now=NOW)

    again = registration_cancel(registration=seated[0], now=NOW)

    assert again.status == Status.CANCELLED
    assert actions_for(seated[0]).count("pavilion.registration.cancelled") == 1
    assert Registration.objects.filter(status=Status.OFFERED).count() == 1


def test_a_stale_copy_cannot_cancel_twice_or_free_two_seats(full_session):
    _session, seated, _waiting = full_session
    stale = Registration.objects.get(pk=seated[0].pk)
    registration_cancel(registration=seated[0], now=NOW)

    registration_cancel(registration=stale, now=NOW)

    assert Registration.objects.filter(status=Status.OFFERED).count() == 1


def test_accepting_an_offer_confirms_the_seat(full_session, notified):
    _session, seated, waiting = full_session
    registration_cancel(registration=seated[0], now=NOW)

    accepted = offer_accept(registration=waiting[0], now=NOW + dt.timedelta(hours=23))

    assert accepted.status == Status.CONFIRMED
    assert accepted.offer_expires_at is None
    assert actions_for(accepted)[-1] == "pavilion.registration.accepted"
    assert notified[-1] == ("confirmed", "queue0@example.org")
    # A second click on the link changes nothing.
    assert offer_accept(registration=waiting[0], now=NOW).status == Status.CONFIRMED
    assert actions_for(accepted).count("pavilion.registration.accepted") == 1


def test_accepting_without_an_offer_is_refused(full_session):
    _session, _seated, waiting = full_session

    with pytest.raises(ValidationError) as caught:
        offer_accept(registration=waiting[0], now=NOW)

    assert messages_of(caught) == ["There is no seat on offer for this registration."]
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.WAITING


def test_accepting_a_lapsed_offer_is_refused_and_the_seat_passes_on(full_session):
    _session, seated, waiting = full_session
    registration_cancel(registration=seated[0], now=NOW)
    too_late = NOW + dt.timedelta(hours=25)

    with pytest.raises(ValidationError) as caught:
        offer_accept(registration=waiting[0], now=too_late)

    assert messages_of(caught) == [
        "This offer expired on Sat 2 Nov 2024, 14:00 Baku time, and the seat has passed "
        "to the next person."
    ]
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.EXPIRED
    assert Registration.objects.get(pk=waiting[1].pk).status == Status.OFFERED


def test_lapsed_offers_pass_to_the_next_in_line(full_session, notified):
    session, seated, waiting = full_session
    registration_cancel(registration=seated[0], now=NOW)
    registration_cancel(registration=seated[1], now=NOW + dt.timedelta(hours=1))
    notified.clear()

    # Half an hour after the first offer lapsed, the second still stands.
    assert offers_expire(now=NOW + dt.timedelta(hours=24, minutes=30)) == 1
    statuses = {r.email: r.status for r in Registration.objects.filter(session=session)}
    assert statuses["queue0@example.org"] == Status.EXPIRED
    assert statuses["queue1@example.org"] == Status.OFFERED
    assert statuses["queue2@example.org"] == Status.OFFERED
    assert notified == [("expired", "queue0@example.org"), ("offered", "queue2@example.org")]
    assert actions_for(waiting[0])[-1] == "pavilion.registration.expired"

    assert offers_expire(now=NOW + dt.timedelta(days=3)) == 2
    assert selectors.seats_of(session=session).taken == 0


def test_an_expired_offer_with_nobody_waiting_frees_the_seat_for_a_newcomer():
    session = make_session(seats=1)
    seated = register(session, "seat@example.org")
    waiting = register(session, "queue@example.org")
    registration_cancel(registration=seated, now=NOW)

    offers_expire(now=NOW + dt.timedelta(days=2))

    assert Registration.objects.get(pk=waiting.pk).status == Status.EXPIRED
    assert register(session, "new@example.org", now=NOW + dt.timedelta(days=2)).status == (
        Status.CONFIRMED
    )


def test_the_expire_offers_command_reports_how_many_passed_on(full_session, capsys):
    _session, seated, _waiting = full_session
    registration_cancel(registration=seated[0], now=dt.datetime(2024, 11, 1, tzinfo=UTC))

    # The offer made on 1 Nov lapsed long before today.
    call_command("expire_offers")

    assert capsys.readouterr().out.strip() == "1 lapsed offer was passed on."


def test_raising_the_number_of_seats_offers_them_to_those_waiting(full_session):
    session, _seated, waiting = full_session
    settings = session.registration_settings
    settings.capacity = 4

    registration_settings_save(settings=settings, actor=StaffFactory(), now=NOW)

    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [
        Status.OFFERED,
        Status.OFFERED,
        Status.WAITING,
    ]
    assert AuditEntry.objects.filter(action="pavilion.registration.settings_changed").exists()


def test_a_newcomer_does_not_jump_the_queue_for_a_seat_nobody_offered(full_session):
    session, _seated, waiting = full_session
    RegistrationSettings.objects.filter(session=session).update(capacity=3)  # bypassing services

    newcomer = register(session, "new@example.org")

    assert newcomer.status == Status.WAITING
    assert newcomer.position == 4
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.OFFERED


# Staff moves


def test_staff_cannot_seat_someone_in_a_full_session_without_forcing(full_session):
    _session, _seated, waiting = full_session

    with pytest.raises(ValidationError) as caught:
        registration_move(registration=waiting[2], to_status=Status.CONFIRMED, actor=StaffFactory())

    assert messages_of(caught) == [
        "All 2 seats are taken. To give Queue2 a seat anyway, move them over capacity."
    ]
    assert Registration.objects.get(pk=waiting[2].pk).status == Status.WAITING


def test_staff_may_seat_someone_over_capacity_when_forcing(full_session, notified):
    session, _seated, waiting = full_session
    staff = StaffFactory()

    moved = registration_move(
        registration=waiting[2], to_status=Status.CONFIRMED, actor=staff, force=True, now=NOW
    )

    assert moved.status == Status.CONFIRMED
    assert selectors.seats_of(session=session).confirmed == 3
    entry = AuditEntry.objects.filter(object_id=str(moved.pk)).latest("id")
    assert entry.action == "pavilion.registration.moved"
    assert entry.actor == staff
    assert entry.data == {
        "from": "waiting",
        "to": "confirmed",
        "position": 3,
        "over_capacity": True,
    }
    assert notified == [("confirmed", "queue2@example.org")]


def test_over_capacity_no_freed_seat_is_offered_until_back_under(full_session):
    _session, seated, waiting = full_session
    registration_move(
        registration=waiting[2], to_status=Status.CONFIRMED, actor=StaffFactory(), force=True
    )

    registration_cancel(registration=seated[0], now=NOW)

    assert not Registration.objects.filter(status=Status.OFFERED).exists()
    registration_cancel(registration=seated[1], now=NOW)
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.OFFERED


def test_staff_may_seat_someone_from_further_down_while_a_seat_is_free():
    session = make_session(seats=3)
    for n in range(2):
        register(session, f"seat{n}@example.org")
    RegistrationSettings.objects.filter(session=session).update(capacity=2)
    waiting = [register(session, f"queue{n}@example.org") for n in range(2)]
    RegistrationSettings.objects.filter(session=session).update(capacity=3)

    moved = registration_move(registration=waiting[1], to_status=Status.CONFIRMED, actor=None)

    assert moved.status == Status.CONFIRMED
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.WAITING


def test_moving_a_seated_person_to_the_waiting_list_puts_them_last_and_offers_their_seat(
    full_session,
):
    _session, seated, waiting = full_session

    moved = registration_move(
        registration=seated[1], to_status=Status.WAITING, actor=StaffFactory(), now=NOW
    )

    assert (moved.status, moved.position) == (Status.WAITING, 4)
    assert Registration.objects.get(pk=waiting[0].pk).status == Status.OFFERED


def test_the_only_person_moved_off_a_seat_is_not_offered_it_straight_back():
    session = make_session(seats=1)
    seated = register(session, "seat@example.org")

    moved = registration_move(
        registration=seated, to_status=Status.WAITING, actor=StaffFactory(), now=NOW
    )

    assert (moved.status, moved.position) == (Status.WAITING, 1)
    assert not Registration.objects.filter(status=Status.OFFERED).exists()


def test_staff_may_offer_a_seat_by_hand_with_the_usual_time_limit():
    session = make_session(seats=1)
    register(session, "seat@example.org")
    waiting = register(session, "queue@example.org")
    RegistrationSettings.objects.filter(session=session).update(capacity=2)

    moved = registration_move(
        registration=waiting, to_status=Status.OFFERED, actor=StaffFactory(), now=NOW
    )

    assert moved.status == Status.OFFERED
    assert moved.offer_expires_at == NOW + dt.timedelta(hours=24)


def test_staff_cannot_restore_a_registration_whose_address_registered_again():
    session = make_session()
    old = register(session, "aiko@example.org")
    registration_cancel(registration=old, now=NOW)
    register(session, "aiko@example.org")

    with pytest.raises(ValidationError) as caught:
        registration_move(registration=old, to_status=Status.CONFIRMED, actor=StaffFactory())

    assert messages_of(caught) == [
        "aiko@example.org has another registration for this session already (Confirmed)."
    ]


def test_staff_cannot_move_someone_who_has_checked_in():
    session = make_session()
    registration = register(session, "aiko@example.org", name="Aiko Tanaka")
    registration_check_in(code=registration.code, actor=None, now=NOW)

    with pytest.raises(ValidationError) as caught:
        registration_move(registration=registration, to_status=Status.CANCELLED, actor=None)

    assert messages_of(caught) == ["Aiko Tanaka has already checked in and keeps the seat."]


def test_a_move_to_an_unknown_status_is_refused():
    registration = register(make_session(), "aiko@example.org")

    with pytest.raises(ValidationError, match="only to confirmed, offered, waiting or cancelled"):
        registration_move(registration=registration, to_status=Status.EXPIRED, actor=None)


# Check-in


def test_check_in_takes_the_code_as_typed_in_any_case_with_dashes():
    session = make_session()
    registration = register(session, "aiko@example.org")
    staff = StaffFactory()
    typed = registration.code_display.lower()

    checked = registration_check_in(code=f" {typed} ", actor=staff, now=NOW)

    assert checked.pk == registration.pk
    assert checked.checked_in_at == NOW
    entry = AuditEntry.objects.filter(object_id=str(registration.pk)).latest("id")
    assert (entry.action, entry.actor) == ("pavilion.registration.checked_in", staff)
    assert selectors.seats_of(session=session).checked_in == 1


def test_check_in_reads_a_letter_o_as_zero():
    registration = RegistrationFactory(session=make_session(), code="0000AAAA1111")

    assert registration_check_in(code="oooo-aaaa-iiii", actor=None, now=NOW).pk == registration.pk


def test_a_second_check_in_says_when_the_first_was():
    registration = register(make_session(), "aiko@example.org", name="Aiko Tanaka")
    registration_check_in(code=registration.code, actor=None, now=NOW)

    with pytest.raises(AlreadyCheckedIn) as caught:
        registration_check_in(code=registration.code, actor=None, now=NOW)

    assert caught.value.message_dict == {
        "code": ["Aiko Tanaka has already checked in, at Fri 1 Nov 2024, 14:00 Baku time."]
    }


def test_an_unknown_code_is_refused():
    with pytest.raises(ValidationError) as caught:
        registration_check_in(code="ZZZZ-ZZZZ-ZZZZ", actor=None)

    assert caught.value.message_dict == {"code": ["No registration has the code ZZZZ-ZZZZ-ZZZZ."]}


def test_an_empty_code_asks_for_one():
    with pytest.raises(ValidationError) as caught:
        registration_check_in(code=" - ", actor=None)

    assert caught.value.message_dict == {"code": ["Type or scan a registration code."]}


def test_someone_on_the_waiting_list_cannot_check_in(full_session):
    _session, _seated, waiting = full_session

    with pytest.raises(ValidationError) as caught:
        registration_check_in(code=waiting[0].code, actor=None)

    assert caught.value.message_dict == {
        "code": ["Queue0 does not hold a confirmed seat (On the waiting list)."]
    }


def test_a_code_for_another_session_is_refused_at_the_door():
    registration = register(make_session(), "aiko@example.org")
    other = make_session()

    with pytest.raises(ValidationError) as caught:
        registration_check_in(code=registration.code, actor=None, session=other)

    assert caught.value.message_dict == {
        "code": [f"This code is for another session: “{registration.session}”."]
    }
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


# Selectors


def test_attendance_counts_every_session_of_the_event_in_two_queries(django_assert_num_queries):
    event = EventFactory()
    venue = VenueFactory(event=event, capacity=3)
    early = SessionFactory(event=event, venue=venue)
    late = SessionFactory(
        event=event, venue=venue, starts_at=early.starts_at + dt.timedelta(hours=3)
    )
    RegistrationSettingsFactory(session=early)
    RegistrationSettingsFactory(session=late, capacity=10)
    people = [register(early, f"p{n}@example.org") for n in range(4)]
    registration_check_in(code=people[0].code, actor=None, now=NOW)

    with django_assert_num_queries(2):
        rows = selectors.attendance(event=event)

    assert [(row.session, row.seats.capacity) for row in rows] == [(early, 3), (late, 10)]
    early_seats = rows[0].seats
    assert (early_seats.confirmed, early_seats.waiting, early_seats.checked_in) == (3, 1, 1)
    assert early_seats.is_full
    assert rows[1].seats.free == 10


def test_attendees_are_the_confirmed_people_by_name():
    session = make_session(seats=2)
    register(session, "b@example.org", name="Yuriko Koike")
    register(session, "a@example.org", name="Hayato Shimizu")
    register(session, "c@example.org", name="Togo Uchida")  # waiting

    assert [r.name for r in selectors.attendees(session=session)] == [
        "Hayato Shimizu",
        "Yuriko Koike",
    ]


def test_availability_lets_a_view_show_why_the_form_is_closed():
    session = make_session(is_open=False)

    availability = selectors.registration_availability(
        session=session, settings=session.registration_settings, now=NOW
    )

    assert not availability.is_open
    assert availability.message == "Registration is not open for this session."
