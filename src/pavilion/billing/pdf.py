"""Invoice PDFs: WeasyPrint from an HTML template, in the member's language.

The stylesheet names "Noto Sans CJK JP" (Debian's fonts-noto-cjk), which holds
Latin and Japanese glyphs alike, so Japanese names and the yen sign render and
the font is embedded (subset) in the file. Nothing is fetched from the network
while rendering: the template carries its own styles and no images.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pavilion.membership.countries import country_name

from . import conf
from .models import Invoice
from .presenters import fee_basis, money

logger = logging.getLogger("pavilion.billing")

_renderer_state: dict = {}


def _weasyprint():
    """WeasyPrint, its font configuration and a URL fetcher limited to data: URLs,
    made once per process (each costs more to build than a page costs to render)."""
    if not _renderer_state:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        _renderer_state["weasyprint"] = weasyprint
        _renderer_state["fonts"] = FontConfiguration()
        _renderer_state["fetcher"] = URLFetcher(allowed_protocols={"data"})
    return _renderer_state


def invoice_context(invoice: Invoice) -> dict:
    lang = invoice.language
    member = invoice.member
    with translation.override(lang):
        lines = [
            {
                "label": str(line.tr("label", lang)),
                "amount": money(line.amount, invoice.currency, lang),
            }
            for line in invoice.lines.all()
        ]
        return {
            "invoice": invoice,
            "lang": lang,
            "member_name": str(member.tr("name", lang)),
            "member_locality": str(member.tr("locality", lang)),
            "member_country": country_name(member.country, lang) if member.country else "",
            "issuer_lines": conf.issuer_lines(lang),
            "payment_instructions": conf.payment_instructions(lang),
            "lines": lines,
            "total": money(invoice.total, invoice.currency, lang),
            "basis": fee_basis(invoice, lang),
        }


def invoice_html(invoice: Invoice) -> str:
    context = invoice_context(invoice)
    with translation.override(invoice.language):
        return render_to_string("billing/invoice_pdf.html", context)


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    state = _weasyprint()
    document = state["weasyprint"].HTML(
        string=invoice_html(invoice), url_fetcher=state["fetcher"], base_url="data:,"
    )
    return document.write_pdf(font_config=state["fonts"])


def invoice_pdf_name(invoice: Invoice) -> str:
    return f"invoice-{invoice.number}.pdf"


def invoice_pdf_store(*, invoice_id: int, now: dt.datetime | None = None) -> Invoice | None:
    """Render the invoice and keep the PDF in private storage (replacing an older one)."""
    invoice = (
        Invoice.objects.select_related("member")
        .prefetch_related("lines")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        logger.warning("Invoice PDF not rendered: invoice %s is gone", invoice_id)
        return None
    content = invoice_pdf_bytes(invoice)
    old_name = invoice.pdf.name if invoice.pdf else ""
    storage = invoice.pdf.storage
    name = storage.save(
        f"invoices/{invoice.year}/{invoice_pdf_name(invoice)}", ContentFile(content)
    )
    rendered_at = now or timezone.now()
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            pdf=name, rendered_at=rendered_at, updated_at=timezone.now()
        )
    if old_name and old_name != name:
        storage.delete(old_name)
    invoice.pdf.name = name
    invoice.rendered_at = rendered_at
    logger.info("Invoice PDF rendered: %s (%d bytes)", invoice.number, len(content))
    return invoice
