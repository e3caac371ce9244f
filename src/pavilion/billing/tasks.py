"""Background tasks of billing: rendering an invoice's PDF into private storage."""

from __future__ import annotations

from django.tasks import task


@task
def invoice_render_pdf(*, invoice_id: int) -> dict:
    """Render invoice ``invoice_id`` to PDF and store it (run by the worker)."""
    from .pdf import invoice_pdf_store

    invoice = invoice_pdf_store(invoice_id=invoice_id)
    return {"rendered": invoice is not None, "invoice": invoice_id}
