"""The back office for invoices and payments.

Invoices are issued by ``services.invoice_issue`` (an application's approval,
``manage.py issue_dues``), never typed in here; payments are recorded and invoices
voided through the two forms linked from each invoice, which call the services,
so the balance checks, the row locks and the audit trail apply to staff too. An
action that cannot succeed (a payment on a void or paid invoice, voiding an
invoice with payments) is not offered: the page says why and what to do instead,
with the same words the service would refuse it with.
Payments, reminders and counters are shown read-only. Money is always shown in
the currency's own format for the staff member's language (``presenters.money``).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import current_lang

from . import selectors, services
from .forms import PaymentForm, VoidForm
from .models import Invoice, InvoiceCounter, InvoiceLine, Payment, ReminderLog
from .pdf import invoice_pdf_store
from .presenters import money, quote_summary
from .tasks import invoice_render_pdf


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0

    def get_queryset(self, request):
        # Each row's caption and amount read the invoice: once, with the rows.
        return super().get_queryset(request).select_related("invoice")

    @admin.display(description=_("amount"))
    def amount_display(self, obj) -> str:
        return money(obj.amount, obj.invoice.currency)


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["label_en", "label_ja", "amount_display"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["received_on", "amount_display", "method", "reference", "recorded_by", "created_at"]
    readonly_fields = fields


class ReminderInline(ReadOnlyInline):
    model = ReminderLog
    fields = ["kind", "sent_at", "sent_to"]
    readonly_fields = fields


class PaymentStatusFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return list(selectors.PaymentStatus.LABELS.items())

    def queryset(self, request, queryset):
        from django.db.models import F

        value = self.value()
        valid = queryset.filter(voided_at__isnull=True)
        if value == selectors.PaymentStatus.VOID:
            return queryset.filter(voided_at__isnull=False)
        if value == selectors.PaymentStatus.PAID:
            return valid.filter(paid__gte=F("total"))
        if value == selectors.PaymentStatus.PARTLY_PAID:
            return valid.filter(paid__gt=0, paid__lt=F("total"))
        if value == selectors.PaymentStatus.OUTSTANDING:
            return valid.filter(paid=0, total__gt=0)
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "member",
        "year",
        "total_display",
        "paid_display",
        "payment_status",
        "due_on",
        "has_pdf",
        "mail_status",
    ]
    list_filter = [PaymentStatusFilter, "year", "currency", "language"]
    search_fields = ["number", "member__name_en", "member__name_ja", "member__slug"]
    date_hierarchy = "issued_on"
    inlines = [InvoiceLineInline, PaymentInline, ReminderInline]
    actions = ["render_pdfs", "send_again"]
    fields = [
        "number",
        "member",
        "year",
        "issued_on",
        "due_on",
        ("period_start", "period_end"),
        "total_display",
        "paid_display",
        "payment_status",
        "language",
        "issued_by",
        "pdf_link",
        "rendered_at",
        "mail_status",
        "mailed_at",
        "mailed_to",
        "voided_at",
        "void_reason",
        "staff_actions",
        "fee_quote",
    ]
    readonly_fields = [*fields[:5], "period_start", "period_end", *fields[6:]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.invoice_list(queryset=super().get_queryset(request))

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Invoice) -> str:
        return money(obj.total, obj.currency, current_lang())

    @admin.display(description=_("paid"), ordering="paid")
    def paid_display(self, obj: Invoice) -> str:
        return money(selectors.invoice_paid(obj), obj.currency, current_lang())

    @admin.display(description=_("status"))
    def payment_status(self, obj: Invoice) -> str:
        return str(selectors.PaymentStatus.LABELS[selectors.invoice_payment_status(obj)])

    @admin.display(description=_("PDF"), boolean=True)
    def has_pdf(self, obj: Invoice) -> bool:
        return bool(obj.pdf)

    @admin.display(description=_("e-mail"))
    def mail_status(self, obj: Invoice) -> str:
        return selectors.invoice_mail_status(obj)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> str:
        url = reverse("billing:invoice_pdf", kwargs={"number": obj.number})
        return format_html('<a href="{}">{}</a>', url, gettext("Download the PDF"))

    @admin.display(description=_("actions"))
    def staff_actions(self, obj: Invoice) -> str:
        """The buttons that can succeed on this invoice; for the others, why not and
        what to do instead."""
        buttons = []
        notes = []
        if obj.voided_at is not None:
            notes.append(gettext("This invoice is void: nothing can be recorded on it."))
            notes.append(_replacement_hint(obj))
        else:
            pay_refusal = services.payment_refusal(
                invoice=obj, balance=selectors.invoice_balance(obj)
            )
            if pay_refusal is None:
                buttons.append(
                    (
                        reverse("admin:billing_invoice_pay", args=[obj.pk]),
                        gettext("Record a payment"),
                    )
                )
            else:
                notes.append(pay_refusal)
            void_refusal = services.invoice_void_refusal(
                invoice=obj, paid=selectors.invoice_paid(obj)
            )
            if void_refusal is None:
                buttons.append(
                    (
                        reverse("admin:billing_invoice_void", args=[obj.pk]),
                        gettext("Void this invoice"),
                    )
                )
            else:
                notes.append(void_refusal)
        return format_html(
            "{}{}",
            format_html_join(" ", '<a class="button" href="{}">{}</a>', buttons),
            format_html_join("", '<p class="help">{}</p>', ((note,) for note in notes)),
        )

    @admin.display(description=_("how the fee was set"))
    def fee_quote(self, obj: Invoice) -> str:
        """The frozen quote as facts, lines and reasons; the stored data below, folded."""
        summary = quote_summary(obj, current_lang())
        facts = format_html_join("", "<dt>{}</dt><dd>{}</dd>", summary["facts"] + summary["lines"])
        reasons = format_html_join("", "<li>{}</li>", ((reason,) for reason in summary["reasons"]))
        example = (
            format_html(
                "<p>{}</p>", gettext("Some figures in this fee are examples, not published rates.")
            )
            if summary["is_example"]
            else ""
        )
        raw = json.dumps(obj.quote or {}, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html(
            '<dl class="billing-quote">{}</dl>{}{}'
            "<details><summary>{}</summary><pre>{}</pre></details>",
            facts,
            format_html("<ul>{}</ul>", reasons) if summary["reasons"] else "",
            example,
            gettext("The quote as stored (JSON)"),
            raw,
        )

    @admin.action(description=_("Render the PDFs of the selected invoices again"))
    def render_pdfs(self, request: HttpRequest, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for invoice_id in ids:
            invoice_render_pdf.enqueue(invoice_id=invoice_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d invoice will be rendered again.",
                "%(count)d invoices will be rendered again.",
                len(ids),
            )
            % {"count": len(ids)},
        )

    @admin.action(description=_("Send the selected invoices to their members again"))
    def send_again(self, request: HttpRequest, queryset) -> None:
        outcomes: dict[str, int] = {}
        for invoice in queryset.select_related("member"):
            if invoice.voided_at is None and (not invoice.pdf or invoice.rendered_at is None):
                invoice_pdf_store(invoice_id=invoice.pk)  # not rendered yet: now, then mail
            outcome = services.invoice_mail_send(
                invoice_id=invoice.pk, again=True, actor=request.user
            )
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        sent = outcomes.pop(services.MailOutcome.SENT, 0)
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invoice was sent again.",
                    "%(count)d invoices were sent again.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        no_address = outcomes.pop(services.MailOutcome.NO_ADDRESS, 0)
        if no_address:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invoice was not sent: its member has no e-mail address.",
                    "%(count)d invoices were not sent: their members have no e-mail address.",
                    no_address,
                )
                % {"count": no_address},
                messages.WARNING,
            )
        others = sum(outcomes.values())
        if others:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invoice was not sent: it is void or has no PDF.",
                    "%(count)d invoices were not sent: they are void or have no PDF.",
                    others,
                )
                % {"count": others},
                messages.WARNING,
            )

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/pay/",
                self.admin_site.admin_view(self.pay_view),
                name="billing_invoice_pay",
            ),
            path(
                "<int:pk>/void/",
                self.admin_site.admin_view(self.void_view),
                name="billing_invoice_void",
            ),
        ]
        return urls + super().get_urls()

    def _form_view(self, request, pk, *, form_class, title, submit, action, refusal):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "billing.add_payment"
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        invoice = get_object_or_404(selectors.invoice_list(), pk=pk)
        balance = selectors.invoice_balance(invoice)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "invoice": invoice,
            "balance": money(balance, invoice.currency),
            "total": money(invoice.total, invoice.currency),
            "submit": submit,
        }
        refused = refusal(invoice)
        if refused is not None:
            # Nothing to fill in: say why, and what to do instead (a POST sent anyway,
            # from a page opened before the invoice changed, is refused the same way).
            context["refusal"], context["hint"] = refused
            status = 400 if request.method == "POST" else 200
            return TemplateResponse(
                request, "billing/admin/invoice_form.html", context, status=status
            )
        form = form_class(request.POST or None, **self._form_kwargs(form_class, invoice, balance))
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    message = action(invoice, form.cleaned_data)
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:billing_invoice_change", args=[invoice.pk])
                    )
            status = 400
        context["form"] = form
        return TemplateResponse(request, "billing/admin/invoice_form.html", context, status=status)

    @staticmethod
    def _form_kwargs(form_class, invoice: Invoice, balance) -> dict:
        if form_class is PaymentForm:
            return {"invoice": invoice, "balance": balance}
        return {}

    def pay_view(self, request, pk):
        def action(invoice, data):
            payment = services.payment_record(
                invoice=invoice,
                amount=data["amount"],
                received_on=data["received_on"],
                method=data["method"],
                reference=data["reference"],
                actor=request.user,
            )
            return gettext("Payment of %(amount)s recorded for invoice %(number)s.") % {
                "amount": money(payment.amount, invoice.currency),
                "number": invoice.number,
            }

        def refusal(invoice):
            if invoice.voided_at is not None:
                return services.payment_refusal(invoice=invoice), _replacement_hint(invoice)
            reason = services.payment_refusal(
                invoice=invoice, balance=selectors.invoice_balance(invoice)
            )
            return None if reason is None else (reason, "")

        return self._form_view(
            request,
            pk,
            form_class=PaymentForm,
            title=gettext("Record a payment"),
            submit=gettext("Record the payment"),
            action=action,
            refusal=refusal,
        )

    def void_view(self, request, pk):
        def action(invoice, data):
            services.invoice_void(invoice=invoice, reason=data["reason"], actor=request.user)
            return gettext(
                "Invoice %(number)s is void. Its PDF is being rendered again with the notice."
            ) % {"number": invoice.number}

        def refusal(invoice):
            reason = services.invoice_void_refusal(
                invoice=invoice, paid=selectors.invoice_paid(invoice)
            )
            return None if reason is None else (reason, "")

        return self._form_view(
            request,
            pk,
            form_class=VoidForm,
            title=gettext("Void this invoice"),
            submit=gettext("Void the invoice"),
            action=action,
            refusal=refusal,
        )


def _replacement_hint(invoice: Invoice) -> str:
    """What to do about a void invoice: record payments on the member's valid invoice
    for the year, or issue one."""
    current = (
        Invoice.objects.filter(
            member_id=invoice.member_id, year=invoice.year, voided_at__isnull=True
        )
        .only("pk", "number")
        .first()
    )
    if current is not None:
        return format_html(
            '{} <a href="{}">{}</a>',
            gettext("The member's valid invoice for %(year)s is %(number)s:")
            % {"year": invoice.year, "number": current.number},
            reverse("admin:billing_invoice_change", args=[current.pk]),
            gettext("record payments there."),
        )
    return gettext(
        "The member has no valid invoice for %(year)s. To bill it again, run "
        "“manage.py issue_dues %(year)s”: it issues an invoice to every current member "
        "who has none for the year."
    ) % {"year": invoice.year}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "invoice",
        "member",
        "amount_display",
        "received_on",
        "method",
        "reference",
        "recorded_by",
    ]
    list_filter = ["method", "received_on"]
    list_select_related = ["invoice__member", "recorded_by"]
    search_fields = ["invoice__number", "reference", "invoice__member__name_en"]
    fields = [
        "invoice",
        "member",
        "amount_display",
        "received_on",
        "method",
        "reference",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice__member")

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return money(obj.amount, obj.invoice.currency)

    @admin.display(description=_("member"), ordering="invoice__member__name_en")
    def member(self, obj: Payment) -> str:
        return str(obj.invoice.member)


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["invoice", "kind", "sent_at", "sent_to"]
    list_filter = ["kind", "sent_at"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number", "sent_to"]


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["year", "last_number"]
