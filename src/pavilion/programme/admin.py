"""The back office for the programme: events, venues, organisations, people, sessions.

Staff type session times in the event's zone (see ``admin_forms``); every
rule is checked by ``services``, and every change of a session's status goes
through ``services.session_set_status`` so that it is audited.

People registered for a session hear of its changes through the registration
services, in the same transaction: cancelled, each is e-mailed and their
registration ends; given a new time while published, each is e-mailed the new
time. Moving a session back to draft e-mails nobody (their registration pages
keep working); staff are told how many are registered. "Mark cancelled" and
"Unpublish" ask for confirmation first when people are registered.
"""

from __future__ import annotations

import dataclasses

from babel import Locale
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.admin import KeptRecordsMixin
from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import (
    format_date,
    format_date_range,
    format_local_time_range,
    zoned_ranges,
)
from pavilion.registration import selectors as registration_selectors
from pavilion.registration import services as registration_services
from pavilion.registration.admin_confirm import action_confirmed, confirmation_page

from . import services
from .admin_forms import SessionAdminForm, venue_label
from .admin_import import spreadsheet_urls
from .models import (
    Chapter,
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    SessionLink,
    Venue,
    VenueAim,
    VenuePartner,
)

# Filters


class CountryFilter(admin.SimpleListFilter):
    """Countries by name in the admin's language, not by ISO code."""

    title = _("country")
    parameter_name = "country"
    NONE = "-"

    def lookups(self, request, model_admin):
        names = Locale.parse(current_lang()).territories
        codes = (
            Organisation.objects.exclude(country="")
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        choices = sorted(((code, names.get(code, code)) for code in codes), key=lambda c: c[1])
        return [*choices, (self.NONE, _("No country (international body)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(country="")
        if value:
            return queryset.filter(country=value)
        return queryset


class VenueListFilter(admin.RelatedFieldListFilter):
    """Venues named with their event; only the chosen event's once one is chosen."""

    def field_choices(self, field, request, model_admin):
        venues = Venue.objects.select_related("event").order_by("event__start_date", "name_en")
        event_id = request.GET.get("event__id__exact", "")
        if event_id.isdigit():
            venues = venues.filter(event_id=event_id)
        return [(venue.pk, venue_label(venue)) for venue in venues]


class DateConfirmedFilter(admin.SimpleListFilter):
    title = _("date")
    parameter_name = "date_confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Date confirmed")), ("no", _("Date to be confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(starts_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(starts_at__isnull=True)
        return queryset


# Events and venues


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "dates", "timezone", "is_featured", "is_example"]
    list_filter = ["is_featured", "is_example", "is_public"]
    search_fields = [
        "name_en",
        "name_ja",
        "short_name_en",
        "short_name_ja",
        "place_en",
        "place_ja",
        "slug",
    ]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "is_featured", "is_example", "is_public"]}),
        (
            _("Name and place"),
            {
                "fields": [
                    ("name_en", "name_ja"),
                    ("short_name_en", "short_name_ja"),
                    ("place_en", "place_ja"),
                ]
            },
        ),
        (
            _("Dates and time zones"),
            {"fields": ["start_date", "end_date", "timezone", "secondary_timezones"]},
        ),
    ]

    @admin.display(description=_("dates"), ordering="start_date")
    def dates(self, obj: Event) -> str:
        return format_date_range(obj.start_date, obj.end_date, current_lang())


class VenuePartnerInline(admin.TabularInline):
    model = VenuePartner
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class VenueAimInline(admin.StackedInline):
    model = VenueAim
    fields = ["text_en", "text_ja", "order"]
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "event", "is_ours", "capacity", "order"]
    list_filter = ["event", "is_ours"]
    list_select_related = ["event"]
    search_fields = ["name_en", "name_ja", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [VenuePartnerInline, VenueAimInline]
    fieldsets = [
        (None, {"fields": ["event", "slug", "is_ours", "order"]}),
        (_("Name"), {"fields": [("name_en", "name_ja")]}),
        (
            _("The place"),
            {
                "fields": [
                    "area_m2",
                    "capacity",
                    ("description_en", "description_ja"),
                    ("networking_area_en", "networking_area_ja"),
                    ("equipment_en", "equipment_ja"),
                    "website",
                ]
            },
        ),
    ]


# Organisations and people


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "kind", "country_label"]
    list_filter = ["kind", CountryFilter]
    search_fields = ["name_en", "name_ja", "short_name_en", "short_name_ja", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "kind", "country", "website"]}),
        (_("Name"), {"fields": [("name_en", "name_ja"), ("short_name_en", "short_name_ja")]}),
    ]

    @admin.display(description=_("country"), ordering="country")
    def country_label(self, obj: Organisation) -> str:
        return obj.country_name(current_lang()) or obj.country


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "title_en", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name_en", "name_ja", "title_en", "title_ja", "slug"]
    autocomplete_fields = ["organisation"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "organisation"]}),
        (_("Name and title"), {"fields": [("name_en", "name_ja"), ("title_en", "title_ja")]}),
        (_("Biography"), {"fields": [("bio_en", "bio_ja")]}),
    ]


# Sessions


class ParticipationInline(admin.TabularInline):
    model = Participation
    autocomplete_fields = ["person"]
    fields = ["person", "role", "segment_en", "segment_ja", "order"]
    extra = 0


class SessionHostInline(admin.TabularInline):
    model = SessionHost
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class SessionLinkInline(admin.TabularInline):
    model = SessionLink
    fields = ["kind", "url", "label_en", "label_ja", "order"]
    extra = 0


class ChapterInline(admin.TabularInline):
    model = Chapter
    fields = ["offset", "title_en", "title_ja"]
    extra = 0


def _status_messages(status: str) -> dict[str, str]:
    """What the status actions say, per target status, in whole sentences."""
    if status == Session.Status.PUBLISHED:
        return {
            "done": gettext("“%(session)s” is now published."),
            "already": gettext("“%(session)s” was already published."),
            "refused": gettext("“%(session)s” was not published: %(reason)s"),
        }
    if status == Session.Status.DRAFT:
        return {
            "done": gettext("“%(session)s” is back to draft and no longer shown on the site."),
            "already": gettext("“%(session)s” was already a draft."),
            "refused": gettext("“%(session)s” was not moved back to draft: %(reason)s"),
        }
    return {
        "done": gettext("“%(session)s” is now marked cancelled."),
        "already": gettext("“%(session)s” was already cancelled."),
        "refused": gettext("“%(session)s” was not marked cancelled: %(reason)s"),
    }


@admin.register(Session)
class SessionAdmin(KeptRecordsMixin, admin.ModelAdmin):
    kept_records = {
        "registration.Registration": _(
            "Its registrations, which are kept. To call the session off, mark it cancelled "
            "instead: the people registered are told by e-mail."
        )
    }
    form = SessionAdminForm
    list_display = ["title", "event", "venue", "when", "status"]
    list_display_links = ["title"]
    list_filter = ["event", ("venue", VenueListFilter), "status", DateConfirmedFilter]
    list_select_related = ["event", "venue"]
    search_fields = [
        "title_en",
        "title_ja",
        "summary_en",
        "summary_ja",
        "participations__person__name_en",
        "participations__person__name_ja",
        "hosts__organisation__name_en",
        "hosts__organisation__name_ja",
    ]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ParticipationInline, SessionHostInline, SessionLinkInline, ChapterInline]
    actions = ["publish", "unpublish", "cancel"]
    fieldsets = [
        (None, {"fields": ["event", "venue", "status", "slug", "external_id"]}),
        (_("When"), {"fields": ["date", ("start_time", "end_time"), "other_zones"]}),
        (
            _("Title and summary"),
            {"fields": [("title_en", "title_ja"), ("summary_en", "summary_ja")]},
        ),
        (_("Recording"), {"fields": ["recording_url"]}),
    ]

    readonly_fields = ["other_zones"]

    def get_urls(self) -> list:
        # "Import from a spreadsheet" and "Export to a spreadsheet" (see admin_import).
        return spreadsheet_urls(self) + super().get_urls()

    @admin.display(description=_("title"), ordering="title_en")
    def title(self, obj: Session) -> str:
        return obj.tr("title")

    @admin.display(description=_("when (venue time)"), ordering="starts_at")
    def when(self, obj: Session) -> str:
        lang = current_lang()
        event = obj.event
        if obj.starts_at is not None:
            venue_range = zoned_ranges(obj.starts_at, obj.ends_at, event.timezone, [], lang)[0]
            return gettext("%(date)s, %(times)s") % {
                "date": format_date(venue_range.start.date(), lang, "weekday"),
                "times": venue_range.text,
            }
        if obj.tbc_start_time is not None:
            return gettext("Date to be confirmed, %(times)s") % {
                "times": format_local_time_range(
                    obj.tbc_start_time, obj.tbc_end_time, event.timezone, lang
                )
            }
        return gettext("Date and time to be confirmed")

    @admin.display(description=_("In other time zones"))
    def other_zones(self, obj: Session | None) -> str:
        if obj is None or obj.starts_at is None or not obj.event.secondary_timezones:
            return "-"
        lang = current_lang()
        event = obj.event
        ranges = zoned_ranges(
            obj.starts_at, obj.ends_at, event.timezone, event.secondary_timezones, lang
        )
        return "; ".join(
            gettext("%(date)s, %(times)s")
            % {
                # The date is given in front, in that zone: not again after the times.
                "date": format_date(r.start.date(), lang, "weekday"),
                "times": dataclasses.replace(r, other_day=False).text,
            }
            for r in ranges[1:]
        )

    # Saving: status changes are audited; clashes of people are warned about.

    def save_model(self, request: HttpRequest, obj: Session, form, change: bool) -> None:
        new_status = obj.status
        old_status = form.stored_status or Session.Status.DRAFT
        old_times = (
            Session.objects.filter(pk=obj.pk).values_list("starts_at", "ends_at").first()
            if change
            else None
        )
        obj.status = old_status
        super().save_model(request, obj, form, change)
        if new_status != old_status:
            self._set_status(request, obj, new_status, report_success=False)
        elif (
            old_times is not None
            and old_status == Session.Status.PUBLISHED
            and old_times != (obj.starts_at, obj.ends_at)
        ):
            # Once per save, and only when the time really moved.
            told = registration_services.registrations_session_rescheduled(
                session=obj,
                old_starts_at=old_times[0],
                old_ends_at=old_times[1],
                actor=request.user,
            )
            if told:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d person registered for “%(session)s” was told the new time "
                        "by e-mail.",
                        "%(count)d people registered for “%(session)s” were told the new time "
                        "by e-mail.",
                        told,
                    )
                    % {"count": told, "session": obj},
                )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        session = form.instance
        event = session.event
        for person, other in services.session_person_clashes(session=session):
            venue_range = zoned_ranges(
                other.starts_at, other.ends_at, event.timezone, [], current_lang()
            )[0]
            messages.warning(
                request,
                gettext(
                    "%(person)s also takes part in “%(other)s” (%(date)s, %(times)s), "
                    "which overlaps this session."
                )
                % {
                    "person": person,
                    "other": other,
                    "date": format_date(venue_range.start.date(), current_lang(), "weekday"),
                    "times": venue_range.text,
                },
            )

    # Actions: publish, unpublish, cancel, one session at a time.

    def _set_status(
        self, request: HttpRequest, session: Session, status: str, *, report_success: bool = True
    ) -> bool:
        texts = _status_messages(status)
        if session.status == status:
            if report_success:
                messages.info(request, texts["already"] % {"session": session})
            return True
        try:
            with transaction.atomic():
                services.session_set_status(session=session, status=status, actor=request.user)
                told = (
                    registration_services.registrations_session_cancelled(
                        session=session, actor=request.user
                    )
                    if status == Session.Status.CANCELLED
                    else 0
                )
        except ValidationError as exc:
            messages.error(
                request, texts["refused"] % {"session": session, "reason": " ".join(exc.messages)}
            )
            return False
        if report_success:
            messages.success(request, texts["done"] % {"session": session})
        if told:
            messages.info(
                request,
                ngettext(
                    "%(count)d person registered for “%(session)s” was told by e-mail that it "
                    "is cancelled.",
                    "%(count)d people registered for “%(session)s” were told by e-mail that it "
                    "is cancelled.",
                    told,
                )
                % {"count": told, "session": session},
            )
        if status == Session.Status.DRAFT:
            registered = registration_selectors.active_registration_counts(
                session_ids=[session.pk]
            ).get(session.pk, 0)
            if registered:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d person is registered for “%(session)s”. Nobody was e-mailed; "
                        "their registration page still works and says that the session is not "
                        "in the programme for now.",
                        "%(count)d people are registered for “%(session)s”. Nobody was "
                        "e-mailed; their registration pages still work and say that the session "
                        "is not in the programme for now.",
                        registered,
                    )
                    % {"count": registered, "session": session},
                )
        return True

    def _set_status_of_all(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        for session in queryset.select_related("event", "venue").order_by("starts_at", "pk"):
            self._set_status(request, session, status)

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status_of_all(request, queryset, Session.Status.PUBLISHED)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet):
        if not action_confirmed(request):
            page = self._confirm_with_registrants(request, queryset, Session.Status.DRAFT)
            if page is not None:
                return page
        self._set_status_of_all(request, queryset, Session.Status.DRAFT)

    @admin.action(description=_("Mark cancelled"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet):
        if not action_confirmed(request):
            page = self._confirm_with_registrants(request, queryset, Session.Status.CANCELLED)
            if page is not None:
                return page
        self._set_status_of_all(request, queryset, Session.Status.CANCELLED)

    def _confirm_with_registrants(self, request: HttpRequest, queryset: QuerySet, status: str):
        """The page before cancelling or unpublishing sessions that people are registered
        for (None when nobody is: the action then runs at once)."""
        sessions = [
            session
            for session in queryset.select_related("event").order_by("starts_at", "pk")
            if session.status != status
            and not (status == Session.Status.CANCELLED and session.status == Session.Status.DRAFT)
        ]
        counts = registration_selectors.active_registration_counts(
            session_ids=[session.pk for session in sessions]
        )
        registered = sum(counts.values())
        if not registered:
            return None
        items = [
            ngettext(
                "“%(session)s” (%(when)s): %(count)d person registered",
                "“%(session)s” (%(when)s): %(count)d people registered",
                counts[session.pk],
            )
            % {"session": session, "when": self.when(session), "count": counts[session.pk]}
            for session in sessions
            if counts.get(session.pk)
        ]
        if status == Session.Status.CANCELLED:
            return confirmation_page(
                request,
                model_admin=self,
                queryset=queryset,
                action="cancel",
                title=gettext("Mark these sessions cancelled?"),
                summary=ngettext(
                    "%(count)d person will be e-mailed that the session is cancelled.",
                    "%(count)d people will be e-mailed that the session is cancelled.",
                    registered,
                )
                % {"count": registered},
                notes=[
                    gettext(
                        "Each is written to in their own language, with the session's date and "
                        "time. Their registrations end, and nobody is offered a seat."
                    )
                ],
                items=items,
                button=gettext("Yes, cancel and send the e-mails"),
            )
        return confirmation_page(
            request,
            model_admin=self,
            queryset=queryset,
            action="unpublish",
            title=gettext("Move these sessions back to draft?"),
            summary=ngettext(
                "%(count)d person is registered. Nobody will be e-mailed.",
                "%(count)d people are registered. Nobody will be e-mailed.",
                registered,
            )
            % {"count": registered},
            notes=[
                gettext(
                    "The sessions leave the public programme, and their pages are no longer "
                    "found. Each registrant's own page keeps working and says that the session "
                    "is not in the programme for now; their registrations stay as they are."
                )
            ],
            items=items,
            button=gettext("Yes, move them back to draft"),
        )
