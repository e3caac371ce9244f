"""The two messages an enquiry sends: to the topic's person, and to the sender.

The staff message has the sender as reply-to, so answering it reaches them.
The acknowledgement goes in the sender's language and does not repeat the
message: the form must not become a way to send any text to any address."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pavilion.core.mail import mail_enqueue, render_mail

from .models import Enquiry, TopicRoute


def enquiry_notify(*, enquiry: Enquiry, route: TopicRoute | None) -> None:
    """Queue both messages; they leave once the current transaction commits."""
    context = {
        "enquiry": enquiry,
        "route": route,
        "admin_url": settings.PAVILION_SITE_URL
        + reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]),
    }
    if enquiry.routed_to:
        subject, text, html = render_mail("mail/enquiries/staff", context, settings.LANGUAGE_CODE)
        mail_enqueue(
            to=[enquiry.routed_to], subject=subject, body=text, html=html, reply_to=[enquiry.email]
        )
    subject, text, html = render_mail("mail/enquiries/acknowledgement", context, enquiry.language)
    mail_enqueue(
        to=[enquiry.email],
        subject=subject,
        body=text,
        html=html,
        reply_to=[enquiry.routed_to] if enquiry.routed_to else None,
    )
