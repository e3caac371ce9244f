"""The review queue: applications in the back office.

The list opens on the open applications (submitted, in review, information
requested), oldest first. An application's page shows everything it says, its
documents (streamed to staff only, never served as files), the fee quoted, its
audit trail (each step and status by its label), and one button per move allowed
from its status, with a note. The page itself changes nothing: every move goes
through ``services``, which lock the row, check the move, audit it with the staff
member, and mail the applicant.

The moves that close the application and mail the applicant (approve, reject,
withdraw: ``services.CONFIRMED_MOVES``) first show a confirmation page naming what
will happen (the member, the invoice number and amount, the mails and their
language, whether the note is sent); only its button, which posts
``confirmed=yes``, makes the move. No JavaScript is needed.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pavilion.core.i18n import current_lang

from . import selectors, services
from .forms import ReviewForm
from .models import Application, ApplicationDocument, private_storage
from .presenters import money, organisation_name, quote_facts, status_label, step_label

Status = Application.Status


def transition_labels() -> dict[str, str]:
    return {
        "review_start": gettext("Start the review"),
        "review_resume": gettext("Resume the review (the applicant answered another way)"),
        "request_info": gettext("Ask the applicant for information"),
        "approve": gettext("Approve: create the member and its first invoice"),
        "reject": gettext("Reject"),
        "withdraw": gettext("Withdraw (at the applicant's request)"),
    }


class StatusFilter(admin.SimpleListFilter):
    """Open applications by default; any single status, or all, on request."""

    title = _("status")
    parameter_name = "status"
    OPEN = "open"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [
            (self.OPEN, _("Open (to review)")),
            *Status.choices,
            (self.ALL, _("All")),
        ]

    def choices(self, changelist):
        current = self.value() or self.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.OPEN
        if value == self.OPEN:
            return queryset.filter(status__in=Application.OPEN)
        if value == self.ALL:
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.none()


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "kind",
        "country",
        "status",
        "submitted_at",
        "quoted_fee",
        "reviewer",
    ]
    list_display_links = ["organisation"]
    list_filter = [StatusFilter, "category", "kind", "is_example"]
    list_select_related = ["reviewer"]
    search_fields = ["name_en", "name_ja", "contact_email", "contact_name"]
    ordering = ["submitted_at", "pk"]
    change_form_template = "admin/applications/application/change_form.html"
    fieldsets = [
        (
            _("Organisation"),
            {
                "fields": [
                    "name_en",
                    "name_ja",
                    "kind",
                    "category",
                    "country",
                    "locality",
                    "website",
                ]
            },
        ),
        (
            _("Contact person"),
            {
                "fields": [
                    "contact_name",
                    "contact_title",
                    "contact_email",
                    "contact_phone",
                    "language",
                ]
            },
        ),
        (_("Population"), {"fields": ["population", "population_source", "population_year"]}),
        (_("Documents"), {"fields": ["document_links"]}),
        (
            _("Fee quoted"),
            {"fields": ["quoted_fee", "fee_reasons", "fee_schedule", "income_snapshot"]},
        ),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "consent_at",
                    "submitted_at",
                    "reviewer",
                    "decided_at",
                    "member",
                    "is_example",
                ]
            },
        ),
        (_("Audit trail"), {"fields": ["audit_trail"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applications come from the public form

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # what the applicant sent is kept as sent; moves are buttons

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the audit trail refers to it

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("applications.view_application") or request.user.has_perm(
            "applications.change_application"
        )

    def can_review(self, request: HttpRequest) -> bool:
        return request.user.has_perm("applications.change_application")

    @admin.display(description=_("organisation"), ordering="name_en")
    def organisation(self, obj: Application) -> str:
        return str(obj)

    @admin.display(description=_("quoted fee"))
    def quoted_fee(self, obj: Application) -> str:
        return quote_facts(obj.quote, current_lang())["amount"] if obj.submitted_at else "—"

    @admin.display(description=_("reasons for the fee"))
    def fee_reasons(self, obj: Application):
        facts = quote_facts(obj.quote, current_lang())
        items = format_html_join("", "<li>{}</li>", ((reason,) for reason in facts["reasons"]))
        example = (
            format_html("<p>{}</p>", gettext("Some figures in this fee are examples."))
            if facts["is_example"]
            else ""
        )
        return format_html("<ul>{}</ul>{}", items, example) if facts["reasons"] else "—"

    @admin.display(description=_("documents"))
    def document_links(self, obj: Application):
        documents = list(obj.documents.all())
        if not documents:
            return "—"
        return format_html_join(
            "",
            '<p><a href="{}">{}</a> ({}, {} KB)</p>',
            (
                (
                    reverse("admin:applications_application_document", args=[obj.pk, doc.pk]),
                    doc.original_name,
                    doc.get_kind_display(),
                    max(1, doc.size // 1024),
                )
                for doc in documents
            ),
        )

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: Application):
        entries = selectors.application_audit_trail(application=obj)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}{}</td></tr>",
            (
                (
                    entry.created_at.strftime("%Y-%m-%d %H:%M"),
                    step_label(entry.action),
                    status_label((entry.data or {}).get("from")),
                    status_label((entry.data or {}).get("to")),
                    getattr(entry.actor, "username", "") or gettext("applicant"),
                    (entry.data or {}).get("note", ""),
                    self._trail_documents(entry),
                )
                for entry in entries
            ),
        )
        return format_html(
            '<table class="application-audit"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("When (UTC)"),
            gettext("Step"),
            gettext("Status"),
            gettext("Who"),
            gettext("Note"),
            rows,
        )

    @staticmethod
    def _trail_documents(entry):
        names = (entry.data or {}).get("documents") or []
        if not names:
            return ""
        return format_html(
            "<br>{}",
            gettext("Documents sent: %(names)s") % {"names": ", ".join(map(str, names))},
        )

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    # The review: one POST per move, and the documents

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="applications_application_review",
            ),
            path(
                "<int:pk>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="applications_application_document",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = extra_context or {}
        if obj is not None and self.can_review(request):
            labels = transition_labels()
            extra |= {
                "confirm_note": gettext(
                    "Approving, rejecting and withdrawing show what will happen and ask "
                    "you to confirm on the next page."
                ),
                "review_form": ReviewForm(),
                "review_url": reverse("admin:applications_application_review", args=[obj.pk]),
                "transitions": [
                    {"name": name, "label": labels[name]}
                    for name in services.allowed_transitions(application=obj)
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def review_view(self, request: HttpRequest, pk: int):
        return require_POST(self._review)(request, pk)

    def _review(self, request: HttpRequest, pk: int):
        if not self.can_review(request):
            raise PermissionDenied
        application = get_object_or_404(Application, pk=pk)
        back = HttpResponseRedirect(
            reverse("admin:applications_application_change", args=[application.pk])
        )
        verb = request.POST.get("transition", "")
        form = ReviewForm(request.POST)
        if verb not in services.STAFF_SERVICES or not form.is_valid():
            messages.error(request, gettext("Choose one of the steps offered."))
            return back
        note = form.cleaned_data["note"]
        if verb in services.CONFIRMED_MOVES and request.POST.get("confirmed") != "yes":
            try:
                services.application_move_check(application=application, verb=verb, note=note)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return back
            return self._confirm_page(request, application, verb, note)
        try:
            services.STAFF_SERVICES[verb](application=application, actor=request.user, note=note)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        application.refresh_from_db()
        messages.success(
            request,
            gettext("Done: the application is now “%(status)s”.")
            % {"status": application.get_status_display()},
        )
        return back

    def _confirm_page(self, request: HttpRequest, application: Application, verb: str, note: str):
        """What the move will do, with one button to do it and a way back."""
        lang = current_lang()
        name = organisation_name(application, lang)
        values = {
            "name": name,
            "email": application.contact_email,
            "language": application.get_language_display(),
        }
        consequences: list[str] = []
        blocked = ""
        if verb == "approve":
            preview = selectors.application_approval_preview(
                application=application, today=timezone.localdate()
            )
            title = gettext("Approve the application of %(name)s?") % values
            consequences.append(
                gettext(
                    "This creates the member “%(name)s” (%(category)s). It is a member "
                    "from today and is listed in the public members' directory at once."
                )
                % (values | {"category": application.get_category_display()})
            )
            if preview["quote"] is not None:
                quote = preview["quote"]
                consequences.append(
                    gettext(
                        "It issues invoice %(number)s for %(amount)s, the dues for %(year)s. "
                        "Invoice numbers have no gaps: an invoice issued by mistake cannot "
                        "be deleted, only voided."
                    )
                    % {
                        "number": preview["invoice_number"],
                        "amount": money(quote.amount, quote.currency, lang),
                        "year": preview["year"],
                    }
                )
            else:
                blocked = gettext(
                    "The first invoice cannot be issued, so the application cannot be "
                    "approved now: %(reason)s"
                ) % {"reason": preview["error"]}
            consequences.append(
                gettext(
                    "It e-mails the applicant (%(email)s) in %(language)s: a welcome, "
                    "then the invoice with its PDF."
                )
                % values
            )
            confirm = gettext("Yes, approve and send the invoice")
        elif verb == "reject":
            title = gettext("Reject the application of %(name)s?") % values
            consequences.append(
                gettext("This closes the application as rejected; it cannot be reopened.")
            )
            consequences.append(
                gettext(
                    "It e-mails the applicant (%(email)s) in %(language)s, with your note "
                    "below as the reason."
                )
                % values
            )
            confirm = gettext("Yes, reject and send the reason")
        else:
            title = gettext("Withdraw the application of %(name)s?") % values
            consequences.append(
                gettext("This closes the application as withdrawn; it cannot be reopened.")
            )
            consequences.append(
                (
                    gettext(
                        "It e-mails the applicant (%(email)s) in %(language)s to confirm "
                        "the withdrawal, with your note below."
                    )
                    if note
                    else gettext(
                        "It e-mails the applicant (%(email)s) in %(language)s to confirm "
                        "the withdrawal."
                    )
                )
                % values
            )
            confirm = gettext("Yes, withdraw and tell the applicant")
        change_url = reverse("admin:applications_application_change", args=[application.pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": None,
            "application": application,
            "change_url": change_url,
            "review_url": reverse("admin:applications_application_review", args=[application.pk]),
            "verb": verb,
            "note": note,
            "note_sent": verb in services.NOTE_SENT,
            "consequences": consequences,
            "blocked": blocked,
            "confirm_label": confirm,
        }
        return TemplateResponse(
            request, "admin/applications/application/review_confirm.html", context
        )

    def document_view(self, request: HttpRequest, pk: int, document_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(ApplicationDocument, pk=document_id, application_id=pk)
        try:
            handle = private_storage().open(document.file.name, "rb")
        except FileNotFoundError:
            raise Http404("the file is missing") from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_name,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
