"""Staff pages of billing: the members with their standing, and invoice PDFs.

Both are for staff only: an anonymous visitor is sent to the login page, a
signed-in non-staff user is refused (403). PDFs come from private storage and
are never served as static files.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from pavilion.core.i18n import current_lang

from . import selectors
from .forms import StandingFilterForm
from .models import Invoice
from .pdf import invoice_pdf_name, invoice_pdf_store
from .presenters import money


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def members_standing(request):
    form = StandingFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    today = timezone.localdate()
    lang = current_lang()
    members = selectors.members_with_standing(today=today, status=status or None)
    rows = [
        {
            "member": member,
            "name": member.tr("name", lang),
            "standing": member.standing,
            "outstanding": [
                money(amount, currency, lang)
                for currency, amount in sorted(member.standing.outstanding.items())
            ],
            "latest": member.valid_invoices[0] if member.valid_invoices else None,
        }
        for member in members
    ]
    for row in rows:
        row["mail_status"] = selectors.invoice_mail_status(row["latest"]) if row["latest"] else ""
    counts = {key: 0 for key in selectors.StandingStatus.ORDER}
    for row in rows:
        counts[row["standing"].status] += 1
    return render(
        request,
        "billing/members.html",
        {
            "form": form,
            "rows": rows,
            "today": today,
            "summary": [
                (selectors.StandingStatus.LABELS[key], counts[key])
                for key in selectors.StandingStatus.ORDER
            ],
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@staff_required
def invoice_pdf(request, number: str):
    invoice = get_object_or_404(Invoice.objects.select_related("member"), number=number)
    if not invoice.pdf or not invoice.pdf.storage.exists(invoice.pdf.name):
        # Not rendered yet (the worker is behind): render it now for the person asking.
        invoice = invoice_pdf_store(invoice_id=invoice.pk)
        if invoice is None or not invoice.pdf:
            raise Http404
    handle = invoice.pdf.open("rb")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=invoice_pdf_name(invoice),
        content_type="application/pdf",
    )
