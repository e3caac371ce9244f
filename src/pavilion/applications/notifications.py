"""Mail about applications: to the applicant in their language (``Application.language``),
and to the secretariat in the site's language.

One message per kind of news, from templates under ``mail/applications/``
(``<kind>.subject.txt`` and ``<kind>.txt``). To the applicant:

- ``resume``: the application is started; the link to come back to it;
- ``received``: it was sent; the fee quoted, with its reasons, and what happens next;
- ``info_requested``: the secretariat's question and a new link to answer it;
- ``answer_received``: their answer to that question arrived, and what happens next;
- ``approved``: welcome; a member from today, listed in the directory; the first
  invoice's number and due date (the approval's note is internal and not included);
- ``rejected``: the decision and its reason;
- ``withdrawn``: the application is withdrawn.

To the secretariat (``staff_<kind>``, reply-to the applicant):

- ``staff_answered``: the applicant answered a request for information: the question,
  the answer, the names of the documents sent with it, and the application's address
  in the back office.

The message is rendered at once and handed to ``mail_enqueue``, which queues it
only when the transaction that made the change commits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pavilion.core.mail import mail_enqueue, render_mail

from .models import Application
from .presenters import organisation_name, quote_facts, resume_url, site_url

KINDS = (
    "resume",
    "received",
    "info_requested",
    "answer_received",
    "approved",
    "rejected",
    "withdrawn",
)
STAFF_KINDS = ("answered",)


def application_message(
    *,
    kind: str,
    application: Application,
    token: str | None = None,
    note: str = "",
    invoice: Any = None,
) -> dict:
    """The arguments of ``mail_enqueue`` for this news."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of application news: {kind!r}")
    lang = application.language
    member = application.member if application.member_id else None
    with translation.override(lang):
        context = {
            "application": application,
            "name": application.contact_name or organisation_name(application, lang),
            "organisation": organisation_name(application, lang),
            "link": resume_url(token, lang) if token else "",
            "note": note,
            "fee": quote_facts(application.quote, lang),
            "invoice_number": getattr(invoice, "number", ""),
            "due_on": getattr(invoice, "due_on", None),
            "joined_on": getattr(member, "joined_on", None),
        }
    subject, text, html = render_mail(f"mail/applications/{kind}", context, lang)
    return {"to": [application.contact_email], "subject": subject, "body": text, "html": html}


def application_notify(
    *,
    kind: str,
    application: Application,
    token: str | None = None,
    note: str = "",
    invoice: Any = None,
) -> None:
    """Queue the message; it goes out once the current transaction commits."""
    mail_enqueue(
        **application_message(
            kind=kind, application=application, token=token, note=note, invoice=invoice
        )
    )


def application_notify_staff(
    *,
    kind: str,
    application: Application,
    recipients: list[str],
    note: str = "",
    question: str = "",
    document_names: list[str] | None = None,
) -> None:
    """Tell the secretariat (``recipients``) in the site's language; replies go to the
    applicant. Nothing is queued without a recipient."""
    if kind not in STAFF_KINDS:
        raise ValueError(f"Unknown kind of staff news: {kind!r}")
    if not recipients:
        return
    lang = settings.LANGUAGE_CODE
    with translation.override(lang):
        context = {
            "application": application,
            "organisation": organisation_name(application, lang),
            "status": application.get_status_display(),
            "note": note,
            "question": question,
            "document_names": list(document_names or []),
            "admin_url": site_url()
            + reverse("admin:applications_application_change", args=[application.pk]),
        }
    subject, text, html = render_mail(f"mail/applications/staff_{kind}", context, lang)
    mail_enqueue(
        to=list(recipients),
        subject=subject,
        body=text,
        html=html,
        reply_to=[application.contact_email],
    )
