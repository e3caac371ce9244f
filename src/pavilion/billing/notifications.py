"""Billing mail: the invoice itself and dues reminders, in the member's language,
with the invoice's PDF attached."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.utils import translation

from pavilion.core.mail import render_mail

from . import conf
from .models import Invoice
from .pdf import invoice_pdf_name
from .presenters import money

logger = logging.getLogger("pavilion.billing")

TEMPLATES = "billing/mail/reminder_%s"


def _pdf_attachment(invoice: Invoice) -> list[tuple[str, bytes, str]]:
    if not invoice.pdf or not invoice.rendered_at:
        return []
    try:
        with invoice.pdf.open("rb") as handle:
            return [(invoice_pdf_name(invoice), handle.read(), "application/pdf")]
    except OSError:
        logger.warning("Invoice PDF missing from storage: %s", invoice.number)
        return []


def reminder_message(*, invoice: Invoice, kind: str, balance: Decimal, to: str) -> dict:
    """The arguments of ``mail_enqueue`` for a reminder of ``kind`` (before_due, after_due)."""
    lang = invoice.language
    member = invoice.member
    attachments = _pdf_attachment(invoice)
    with translation.override(lang):
        context = {
            "invoice": invoice,
            "member_name": str(member.tr("name", lang)),
            "contact_name": member.contact_name,
            "number": invoice.number,
            "year": invoice.year,
            "total": money(invoice.total, invoice.currency, lang),
            "balance": money(balance, invoice.currency, lang),
            "is_partly_paid": balance < invoice.total,
            "has_pdf": bool(attachments),
        }
    subject, text, html = render_mail(TEMPLATES % kind, context, lang)
    return {"to": [to], "subject": subject, "body": text, "html": html, "attachments": attachments}


def invoice_message(*, invoice: Invoice, to: str) -> dict:
    """The arguments of ``mail_enqueue`` for the invoice itself: number, amount, due
    date and how to pay, with the PDF attached (no attachment when it cannot be read)."""
    lang = invoice.language
    member = invoice.member
    attachments = _pdf_attachment(invoice)
    with translation.override(lang):
        context = {
            "invoice": invoice,
            "member_name": str(member.tr("name", lang)),
            "contact_name": member.contact_name,
            "number": invoice.number,
            "year": invoice.year,
            "total": money(invoice.total, invoice.currency, lang),
            "payment_instructions": conf.payment_instructions(lang),
        }
    subject, text, html = render_mail("billing/mail/invoice", context, lang)
    return {"to": [to], "subject": subject, "body": text, "html": html, "attachments": attachments}
