"""Invoice PDFs: WeasyPrint from an HTML template, in the member's language.

Fonts: an English invoice is set in "DejaVu Sans" (Debian's fonts-dejavu-core),
with "IPAPGothic" (fonts-ipafont-gothic) for any glyph it lacks (a name written in
Japanese); a Japanese invoice in "IPAPGothic" alone (kana, kanji, the full-width yen
sign and Latin). Both are plain TrueType files, so subsetting and embedding them is
quick (a collection such as Noto Sans CJK costs several times more per file).
Nothing is fetched from the network while rendering: the template carries no links
or images, and the stylesheet (``billing/invoice_pdf.css``) is parsed once per
process.

Speed: a process keeps WeasyPrint, its font configuration and the parsed stylesheet
for every invoice it renders, so the worker renders many invoices per task
(``invoices_pdf_store``, queued in batches by ``issue_dues``); the single-invoice
path (``invoice_pdf_store``) serves an approval, a re-render and the download view.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pavilion.membership.countries import country_name

from . import conf
from .models import Invoice
from .presenters import fee_basis, fee_basis_facts, money

logger = logging.getLogger("pavilion.billing")

_renderer_state: dict = {}


def _weasyprint():
    """WeasyPrint, its font configuration and a URL fetcher limited to data: URLs,
    made once per process (each costs more to build than a page costs to render)."""
    if not _renderer_state:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        fonts = FontConfiguration()
        fetcher = URLFetcher(allowed_protocols={"data"})
        stylesheet = weasyprint.CSS(
            string=render_to_string("billing/invoice_pdf.css"),
            font_config=fonts,
            url_fetcher=fetcher,
            base_url="data:,",
        )
        _renderer_state.update(
            weasyprint=weasyprint, fonts=fonts, fetcher=fetcher, stylesheet=stylesheet
        )
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
        basis = fee_basis(invoice, lang)
        return {
            "invoice": invoice,
            "lang": lang,
            "member_name": str(member.tr("name", lang)),
            "member_locality": str(member.tr("locality", lang)),
            "member_country": country_name(member.country, lang) if member.country else "",
            "issuer_text": "\n".join(conf.issuer_lines(lang)),
            "payment_instructions": conf.payment_instructions(lang),
            "lines": lines,
            "total": money(invoice.total, invoice.currency, lang),
            "basis": basis,
            "basis_facts": fee_basis_facts(invoice, lang, basis=basis),
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
    return document.write_pdf(stylesheets=[state["stylesheet"]], font_config=state["fonts"])


def invoice_pdf_name(invoice: Invoice) -> str:
    return f"invoice-{invoice.number}.pdf"


def _invoices_to_render():
    return Invoice.objects.select_related("member").prefetch_related("lines")


def _store(invoice: Invoice, *, now: dt.datetime | None = None) -> Invoice:
    content = invoice_pdf_bytes(invoice)
    old_name = invoice.pdf.name if invoice.pdf else ""
    storage = invoice.pdf.storage
    name = storage.save(
        f"invoices/{invoice.year}/{invoice_pdf_name(invoice)}", ContentFile(content)
    )
    rendered_at = now or timezone.now()
    Invoice.objects.filter(pk=invoice.pk).update(
        pdf=name, rendered_at=rendered_at, updated_at=timezone.now()
    )
    if old_name and old_name != name:
        storage.delete(old_name)
    invoice.pdf.name = name
    invoice.rendered_at = rendered_at
    logger.info("Invoice PDF rendered: %s (%d bytes)", invoice.number, len(content))
    return invoice


def invoice_pdf_store(*, invoice_id: int, now: dt.datetime | None = None) -> Invoice | None:
    """Render the invoice and keep the PDF in private storage (replacing an older one)."""
    invoice = _invoices_to_render().filter(pk=invoice_id).first()
    if invoice is None:
        logger.warning("Invoice PDF not rendered: invoice %s is gone", invoice_id)
        return None
    return _store(invoice, now=now)


def invoices_pdf_store(*, invoice_ids: list[int]) -> tuple[list[Invoice], list[int]]:
    """Render many invoices in this process (read in two queries, one update each).
    Returns the invoices rendered and the ids that failed: one invoice's error is
    logged and stops none of the others."""
    rendered: list[Invoice] = []
    failed: list[int] = []
    found = {invoice.pk: invoice for invoice in _invoices_to_render().filter(pk__in=invoice_ids)}
    for invoice_id in invoice_ids:
        invoice = found.get(invoice_id)
        if invoice is None:
            logger.warning("Invoice PDF not rendered: invoice %s is gone", invoice_id)
            continue
        try:
            rendered.append(_store(invoice))
        except Exception:
            logger.exception("Invoice PDF failed: %s", invoice.number)
            failed.append(invoice_id)
    return rendered, failed
