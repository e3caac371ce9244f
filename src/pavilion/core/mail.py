"""The one way Pavilion sends mail: rendered in the recipient's language, queued
after the database transaction commits, sent by the background worker.

    subject, text, html = render_mail(
        "mail/registration_confirmed", {"registration": registration}, registration.language
    )
    mail_enqueue(
        to=[registration.email], subject=subject, body=text, html=html,
        attachments=[("session.ics", ics_bytes, "text/calendar")],
    )

``mail_enqueue`` inside ``transaction.atomic()`` queues the message only if the
transaction commits (a rolled-back registration sends nothing): with the database
queue (production's), the task row is written in that same transaction, so it
commits or rolls back with the data; with any other queue it is handed over once the
transaction has committed (see core/queue.py). Outside a transaction it queues at
once. Nothing here talks to the mail server: the task
``pavilion.core.tasks.mail_send`` does, in the worker (``manage.py db_worker``),
with retries when the server refuses for now. See docs/deploy.md.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation

from .queue import task_enqueue_after_commit
from .tasks import mail_send, new_message_id

logger = logging.getLogger("pavilion.mail")


def _one_line(name: str, value: str) -> str:
    value = str(value)
    if "\n" in value or "\r" in value:
        raise ValueError(f"The mail's {name} must be one line: {value!r}")
    return value


def _addresses(name: str, values: list[str] | None) -> list[str]:
    addresses = [_one_line(name, value) for value in values or []]
    for address in addresses:
        try:
            validate_email(parseaddr(address)[1])
        except ValidationError:
            raise ValueError(f"Not a mail address in {name}: {address!r}") from None
    return addresses


def _attachments(attachments: list[tuple[str, bytes, str]] | None):
    for filename, content, mimetype in attachments or []:
        mimetype = str(mimetype or mimetypes.guess_type(filename)[0] or "application/octet-stream")
        if "/" not in mimetype:
            raise ValueError(f"Not a MIME type for {filename}: {mimetype!r}")
        yield _one_line("attachment name", filename), content, _one_line("MIME type", mimetype)


def mail_enqueue(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
    priority: int = 0,
) -> None:
    """Queue one message, to be sent by the worker once the current transaction
    commits (at once when there is none).

    ``attachments`` are ``(filename, content bytes, mimetype)``, for example
    ``("session.ics", ics, "text/calendar")``; they travel through the queue as
    base64. ``priority`` orders the queue (higher first; bulk mail goes below 0).
    Bad input (no recipient, a malformed address, a header on two lines)
    raises ValueError here, in the caller, rather than failing later in the worker."""
    recipients = _addresses("to", to)
    if not recipients:
        raise ValueError("A mail needs at least one recipient.")
    kwargs = {
        "to": recipients,
        "subject": _one_line("subject", subject),
        "body": str(body),
        "html": None if html is None else str(html),
        "attachments": [
            [str(filename), base64.b64encode(bytes(content)).decode("ascii"), mimetype]
            for filename, content, mimetype in _attachments(attachments)
        ],
        "reply_to": _addresses("reply_to", reply_to),
        "headers": {
            _one_line("header name", key): _one_line(f"header {key}", value)
            for key, value in (headers or {}).items()
        },
    }
    # Fixed now, kept by every attempt, and in the queue row to trace the message by.
    kwargs["message_id"] = kwargs["headers"].pop("Message-ID", None) or new_message_id()
    if priority:
        kwargs["priority"] = priority  # kept by the retries

    task_enqueue_after_commit(
        mail_send.using(priority=priority) if priority else mail_send,
        what=f"mail to={', '.join(recipients)} subject={kwargs['subject']!r}",
        **kwargs,
    )


def render_mail(template_base: str, context: dict, lang: str) -> tuple[str, str, str | None]:
    """Render a message in ``lang`` from three templates:

    - ``<template_base>.subject.txt``: the subject, folded onto one line;
    - ``<template_base>.txt``: the plain-text body (not HTML-escaped);
    - ``<template_base>.html``: the HTML body, optional (None when absent).

    The templates see ``context`` plus ``site_name`` and ``lang``; ``{% translate %}``,
    dates and numbers follow ``lang`` (a regional variant such as ``ja-JP`` counts as
    ``ja``; an unknown code falls back to LANGUAGE_CODE)."""
    try:
        lang = translation.get_supported_language_variant(lang)  # "ja-JP" → "ja"
    except LookupError:
        lang = settings.LANGUAGE_CODE
    engine = Engine.get_default()
    values = {"site_name": settings.PAVILION_SITE_NAME.get(lang, ""), "lang": lang, **context}
    with translation.override(lang):
        subject_template = engine.get_template(f"{template_base}.subject.txt")
        subject = " ".join(subject_template.render(Context(values, autoescape=False)).split())
        text_template = engine.get_template(f"{template_base}.txt")
        text = text_template.render(Context(values, autoescape=False)).strip() + "\n"
        try:
            html_template = engine.get_template(f"{template_base}.html")
        except TemplateDoesNotExist:
            html = None
        else:
            html = html_template.render(Context(values))
    return subject, text, html
