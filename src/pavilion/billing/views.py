"""Staff pages of billing: the members with their standing (a back-office page,
linked from the invoice list), and invoice PDFs.

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
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

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
    """Every current member with its standing, in the back office's frame. The counts
    at the top are of the whole membership; the filter narrows the list only. Each
    name leads to the member's invoices in the back office."""
    from django.contrib import admin

    form = StandingFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    today = timezone.localdate()
    lang = current_lang()
    members = selectors.members_with_standing(today=today)
    counts = {key: 0 for key in selectors.StandingStatus.ORDER}
    for member in members:
        counts[member.standing.status] += 1
    invoices_url = reverse("admin:billing_invoice_changelist")
    rows = [
        {
            "member": member,
            "name": member.tr("name", lang),
            "invoices_url": f"{invoices_url}?{urlencode({'member__id__exact': member.pk})}",
            "standing": member.standing,
            "outstanding": [
                money(amount, currency, lang)
                for currency, amount in sorted(member.standing.outstanding.items())
            ],
            "latest": member.valid_invoices[0] if member.valid_invoices else None,
        }
        for member in members
        if not status or member.standing.status == status
    ]
    for row in rows:
        row["mail_status"] = selectors.invoice_mail_status(row["latest"]) if row["latest"] else ""
    return render(
        request,
        "billing/members.html",
        {
            **admin.site.each_context(request),
            "title": _("Members and standing"),
            "form": form,
            "status": status,
            "rows": rows,
            "today": today,
            "total": len(members),
            "summary": [
                (key, selectors.StandingStatus.LABELS[key], counts[key])
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
