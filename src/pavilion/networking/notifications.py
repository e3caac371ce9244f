"""Telling a requester what the staff decided, in the language they chose.

``notify_requester_of_decision`` is called by the services inside their
transaction; ``mail_enqueue`` queues the mail only once that transaction
commits (so a decision that rolls back sends nothing), and the background
worker sends it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from pavilion.core.mail import mail_enqueue

from .models import TableBooking
from .presenters import slot_text


def decision_message(*, booking: TableBooking) -> tuple[str, str]:
    """Subject and body of the decision e-mail, in the requester's language."""
    event = booking.table.venue.event
    with translation.override(booking.language):
        lang = booking.language
        values = {
            "name": booking.contact_name,
            "organisation": booking.organisation_name,
            "table": booking.table.tr("name", lang),
            "venue": booking.table.venue.tr("name", lang),
            "event": event.tr("name", lang),
            "slot": slot_text(booking.slot_start, event=event, lang=lang),
        }
        if booking.status == TableBooking.Status.CONFIRMED:
            subject = _("Your networking table is booked: %(table)s, %(slot)s") % values
            lines = [
                _(
                    "We have booked %(table)s in the networking area of %(venue)s at %(event)s "
                    "for %(organisation)s, %(slot)s."
                )
                % values
            ]
        elif booking.status == TableBooking.Status.DECLINED:
            subject = _("We could not give you a networking table for %(slot)s") % values
            lines = [
                _(
                    "We are sorry: we could not give %(organisation)s %(table)s in the networking "
                    "area of %(venue)s at %(event)s, %(slot)s. You are welcome to ask for "
                    "another table or time."
                )
                % values
            ]
        else:
            subject = _("Your networking table for %(slot)s is cancelled") % values
            lines = [
                _(
                    "The booking of %(table)s in the networking area of %(venue)s at %(event)s "
                    "for %(organisation)s, %(slot)s, is cancelled."
                )
                % values
            ]
        if booking.note:
            lines.append(_("A note from the staff: %(note)s") % {"note": booking.note})
        greeting = _("Dear %(name)s,") % values
        body = "\n\n".join([greeting, *lines]) + "\n"
    return subject, body


def notify_requester_of_decision(*, booking: TableBooking) -> None:
    """Queue the decision e-mail to the requester; it leaves after the commit."""
    subject, body = decision_message(booking=booking)
    mail_enqueue(to=[booking.email], subject=subject, body=body)
