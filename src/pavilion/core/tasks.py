"""Background tasks of the core app: sending the mail that ``mail_enqueue()`` queued.

The worker (``manage.py db_worker``) runs them, outside any request, so a slow or
unreachable mail server holds up no visitor. A message the server refuses for now
(a 4xx reply, a dropped connection, a time-out) is queued again with a delay from
``PAVILION_MAIL_RETRY_DELAYS``; one it refuses for good (5xx, a malformed address)
or that still fails after the last retry fails its task, with the traceback kept
in the task table. Every message writes one log line: sent, deferred or failed.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
from email.message import MIMEPart
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger("pavilion.mail")


def error_is_temporary(error: BaseException) -> bool:
    """Whether trying the same message again later may succeed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False  # e.g. the server lacks a feature we need: it will not grow it
    # Refused or reset connections, time-outs, name look-ups (OSError and subclasses).
    return isinstance(error, OSError)


def attachment_part(filename: str, content: bytes, mimetype: str) -> MIMEPart:
    """One attachment, base64-encoded whatever its type, so that its bytes arrive
    exactly as given: a text part would have its line ends rewritten on the way,
    and an .ics must keep its CRLFs. ``mimetype`` may carry parameters
    (``text/calendar; method=PUBLISH``); UTF-8 text gets ``charset=utf-8``."""
    maintype, _, rest = mimetype.partition("/")
    subtype, *pairs = (item.strip() for item in rest.split(";"))
    params = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    params = {key.strip().lower(): value.strip().strip('"') for key, value in params.items()}
    if maintype == "text" and "charset" not in params:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            params["charset"] = "utf-8"
    part = MIMEPart()
    part.set_content(
        content,
        maintype=maintype,
        subtype=subtype,
        cte="base64",
        disposition="attachment",
        filename=filename,
        params=params,
    )
    return part


def new_message_id() -> str:
    """A Message-ID in the sender's domain (not the host name of the machine)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or None)


@task
def mail_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str | None = None,
    attachments: list[list[str]] | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    attempt: int = 1,
    priority: int = 0,
) -> dict:
    """Send one message through the default mailer (settings.MAILERS).

    ``attachments`` holds ``[filename, base64 content, mimetype]`` triples (task
    arguments are JSON). The Message-ID, fixed when the message is queued, is
    kept by the retries, so a receiving server can recognise a message it has; so is
    the queue ``priority`` (bulk mail stays behind a visitor's)."""
    message_id = message_id or new_message_id()
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to or None,
        headers={**(headers or {}), "Message-ID": message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(attachment_part(filename, base64.b64decode(content), mimetype))

    delays = settings.PAVILION_MAIL_RETRY_DELAYS
    recipients = ", ".join(to)
    try:
        message.send()
    except Exception as error:
        can_defer = mail_send.get_backend().supports_defer
        if error_is_temporary(error) and attempt <= len(delays) and can_defer:
            delay = delays[attempt - 1]
            mail_send.using(
                run_after=timezone.now() + dt.timedelta(seconds=delay), priority=priority
            ).enqueue(
                to=to,
                subject=subject,
                body=body,
                html=html,
                attachments=attachments,
                reply_to=reply_to,
                headers=headers,
                message_id=message_id,
                attempt=attempt + 1,
                priority=priority,
            )
            logger.warning(
                "Mail deferred: to=%s subject=%r message_id=%s attempt=%d of %d, next in %d s: %s",
                recipients,
                subject,
                message_id,
                attempt,
                len(delays) + 1,
                delay,
                error,
            )
            return {"sent": False, "message_id": message_id, "attempt": attempt, "retry_in": delay}
        logger.error(
            "Mail failed: to=%s subject=%r message_id=%s attempt=%d: %s",
            recipients,
            subject,
            message_id,
            attempt,
            error,
        )
        raise
    logger.info(
        "Mail sent: to=%s subject=%r message_id=%s attempt=%d",
        recipients,
        subject,
        message_id,
        attempt,
    )
    return {"sent": True, "message_id": message_id, "attempt": attempt}
