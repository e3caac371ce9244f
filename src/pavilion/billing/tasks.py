"""Background tasks of billing: rendering invoice PDFs into private storage, then
e-mailing each invoice to its member the first time its PDF exists.

``invoices_render_pdfs`` renders a batch (``issue_dues`` queues one per
``RENDER_BATCH`` invoices), so a worker process pays for WeasyPrint's set-up once
for many invoices; ``invoice_render_pdf`` renders one (an approval, a re-render).
Mailing is safe to repeat: ``invoice_mail_send`` sends each invoice once.

A year's dues is bulk work: its batches, and the mails they send, are queued at
``BULK_PRIORITY``, below everything else, so that a visitor's confirmation or an
applicant's invoice queued during a dues run goes out before the remaining
invoices rather than after them.
"""

from __future__ import annotations

from django.tasks import task

RENDER_BATCH = 50
BULK_PRIORITY = -10


@task
def invoice_render_pdf(*, invoice_id: int) -> dict:
    """Render invoice ``invoice_id`` to PDF, store it, and mail it if not yet mailed."""
    from .pdf import invoice_pdf_store
    from .services import invoice_mail_send

    invoice = invoice_pdf_store(invoice_id=invoice_id)
    mailed = invoice_mail_send(invoice_id=invoice_id) if invoice is not None else ""
    return {"rendered": invoice is not None, "invoice": invoice_id, "mail": mailed}


@task(priority=BULK_PRIORITY)
def invoices_render_pdfs(*, invoice_ids: list[int]) -> dict:
    """Render many invoices in one process, then mail each one not yet mailed."""
    from .pdf import invoices_pdf_store
    from .services import invoice_mail_send

    rendered, failed = invoices_pdf_store(invoice_ids=invoice_ids)
    outcomes: dict[str, int] = {}
    for invoice in rendered:
        outcome = invoice_mail_send(invoice_id=invoice.pk, priority=BULK_PRIORITY)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"rendered": len(rendered), "failed": failed, "mail": outcomes}
