"""Mail to applicants, in their language (``Application.language``).

One message per kind of news, from templates under ``mail/applications/``
(``<kind>.subject.txt`` and ``<kind>.txt``):

- ``resume``: the application is started; the link to come back to it;
- ``received``: it was sent; the fee quoted, with its reasons, and what happens next;
- ``info_requested``: the secretariat's question and a new link to answer it;
- ``approved``: welcome, with the first invoice's number;
- ``rejected``: the decision and its reason;
- ``withdrawn``: the application is withdrawn.

The message is rendered at once and handed to ``mail_enqueue``, which queues it
only when the transaction that made the change commits.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from pavilion.core.mail import mail_enqueue, render_mail

from .models import Application
from .presenters import organisation_name, quote_facts, resume_url

KINDS = ("resume", "received", "info_requested", "approved", "rejected", "withdrawn")


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
    with translation.override(lang):
        context = {
            "application": application,
            "name": application.contact_name or organisation_name(application, lang),
            "organisation": organisation_name(application, lang),
            "link": resume_url(token, lang) if token else "",
            "note": note,
            "fee": quote_facts(application.quote, lang),
            "invoice_number": getattr(invoice, "number", ""),
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
