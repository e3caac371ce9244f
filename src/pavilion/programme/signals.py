"""Signal receivers that keep caches and calendar revisions in step with the programme.

They do no business rules: they only record that something changed (see cache.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pavilion.pages.models import GlossaryTerm

from .cache import programme_changed, sessions_revised
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

SESSION_PARTS = (Participation, SessionHost, SessionLink, Chapter)
SHARED = (Person, Organisation, GlossaryTerm)


@receiver(post_save, sender=Session)
def session_saved(sender, instance: Session, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if not created:
        sessions_revised([instance.pk])
    programme_changed([instance.event_id])


@receiver(post_delete, sender=Session)
def session_deleted(sender, instance: Session, **kwargs) -> None:
    programme_changed([instance.event_id])


def _session_part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    session = Session.objects.filter(pk=instance.session_id).values_list("event_id", flat=True)
    event_ids = list(session)
    if event_ids:  # the session itself may be being deleted
        sessions_revised([instance.session_id])
        programme_changed(event_ids)


def _event_part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if isinstance(instance, Event):
        programme_changed([instance.pk])
    elif isinstance(instance, Venue):
        programme_changed([instance.event_id])
    else:  # VenuePartner, VenueAim
        event_id = Venue.objects.filter(pk=instance.venue_id).values_list("event_id", flat=True)
        programme_changed(list(event_id))


def _shared_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        programme_changed(None)


for model in SESSION_PARTS:
    post_save.connect(_session_part_changed, sender=model, dispatch_uid=f"revise-{model.__name__}")
    post_delete.connect(
        _session_part_changed, sender=model, dispatch_uid=f"revise-del-{model.__name__}"
    )
for model in (Event, Venue, VenuePartner, VenueAim):
    post_save.connect(_event_part_changed, sender=model, dispatch_uid=f"event-{model.__name__}")
    post_delete.connect(
        _event_part_changed, sender=model, dispatch_uid=f"event-del-{model.__name__}"
    )
for model in SHARED:
    post_save.connect(_shared_changed, sender=model, dispatch_uid=f"shared-{model.__name__}")
    post_delete.connect(_shared_changed, sender=model, dispatch_uid=f"shared-del-{model.__name__}")
