"""The back office's spreadsheet pages: import a programme from CSV or XLSX, export it.

Reached from the sessions list and from each event's page. An upload is
first checked as a dry run by default: the page shows every problem as a
table (row, column, message, in the admin's language), or what the import
would change, and offers to import the same file for real. Between the two
steps the file is kept in the shared cache (so any app server can finish the
import) for an hour, for the user who uploaded it only.

The views are thin: reading, checking and writing happen in
``spreadsheet.services``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Event, Session
from .spreadsheet.columns import COLUMNS, REQUIRED
from .spreadsheet.export import CONTENT_TYPES, export_file_name, export_programme
from .spreadsheet.services import ImportReport, programme_import_file

MAX_UPLOAD_MB = 20
PENDING_SECONDS = 3600


def _pending_key(token: str) -> str:
    return f"programme:import:pending:{token}"


class ImportForm(forms.Form):
    event = forms.ModelChoiceField(
        empty_label=_("Choose an event"),
        label=_("Event"),
        queryset=Event.objects.order_by("-start_date", "slug"),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A CSV or XLSX file with the columns described in the import guide."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        initial=True,
        help_text=_("Check the file and show what would change, without saving anything."),
    )
    create_missing = forms.BooleanField(
        label=_("Create missing organisations"),
        required=False,
        help_text=_(
            "Organisations the file names that do not exist yet are created, when the file "
            "gives them as English name | Japanese name | kind. Otherwise each one is a problem."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                gettext("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_MB}
            )
        return upload


class ExportForm(forms.Form):
    event = forms.ModelChoiceField(
        empty_label=_("Choose an event"),
        label=_("Event"),
        queryset=Event.objects.order_by("-start_date", "slug"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("XLSX (Excel)")), ("csv", _("CSV (UTF-8)"))],
        initial="xlsx",
    )


def _context(request: HttpRequest, model_admin: admin.ModelAdmin, **extra: Any) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Session._meta,
        "app_label": Session._meta.app_label,
        **extra,
    }


def _can_import(request: HttpRequest, model_admin: admin.ModelAdmin) -> bool:
    """An import adds and changes sessions, and adds and changes the people it names."""
    user = request.user
    return (
        model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
        and user.has_perm("programme.add_person")
        and user.has_perm("programme.change_person")
    )


def import_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not _can_import(request, model_admin):
        raise PermissionDenied
    report: ImportReport | None = None
    token = ""
    event = None
    status = 200
    expired = False
    if request.method == "POST" and "token" in request.POST:
        form = ImportForm(initial={"dry_run": True})
        pending = cache.get(_pending_key(request.POST["token"]))
        if not pending or pending["user"] != request.user.pk:
            expired = True
            status = 400
        else:
            event = Event.objects.filter(pk=pending["event"]).first()
            if event is None:
                expired = True
                status = 400
            else:
                report = programme_import_file(
                    event=event,
                    data=pending["data"],
                    file_name=pending["file_name"],
                    dry_run=False,
                    actor=request.user,
                    create_missing=pending["create_missing"],
                )
                cache.delete(_pending_key(request.POST["token"]))
                form = ImportForm(initial={"event": event.pk, "dry_run": True})
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if (
            form.is_valid()
            and form.cleaned_data["create_missing"]
            and not request.user.has_perm("programme.add_organisation")
        ):
            form.add_error(
                "create_missing", gettext("You do not have the right to add organisations.")
            )
        if form.is_valid():
            event = form.cleaned_data["event"]
            upload = form.cleaned_data["file"]
            data = upload.read()
            report = programme_import_file(
                event=event,
                data=data,
                file_name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
                create_missing=form.cleaned_data["create_missing"],
            )
            if report.dry_run and report.ok:
                token = secrets.token_urlsafe(24)
                cache.set(
                    _pending_key(token),
                    {
                        "user": request.user.pk,
                        "event": event.pk,
                        "file_name": upload.name,
                        "data": data,
                        "create_missing": form.cleaned_data["create_missing"],
                    },
                    PENDING_SECONDS,
                )
        else:
            status = 400
    else:
        initial: dict[str, Any] = {"dry_run": True}
        event_id = request.GET.get("event", "")
        if event_id.isdigit():
            event = Event.objects.filter(pk=event_id).first()
            if event is not None:
                initial["event"] = event.pk
        form = ImportForm(initial=initial)
    if report is not None and not report.ok:
        status = 400
    context = _context(
        request,
        model_admin,
        title=gettext("Import from a spreadsheet"),
        form=form,
        report=report,
        token=token,
        event=event,
        expired=expired,
        max_upload_mb=MAX_UPLOAD_MB,
        columns=[(column, column.key in REQUIRED) for column in COLUMNS],
    )
    return TemplateResponse(request, "admin/programme/session/import.html", context, status=status)


def export_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = ExportForm(request.GET if "event" in request.GET else None)
    if form.is_bound and form.is_valid():
        event = form.cleaned_data["event"]
        fmt = form.cleaned_data["format"]
        response = HttpResponse(
            export_programme(event=event, fmt=fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{export_file_name(event, fmt)}"'
        return response
    context = _context(request, model_admin, title=gettext("Export to a spreadsheet"), form=form)
    return TemplateResponse(
        request,
        "admin/programme/session/export.html",
        context,
        status=400 if form.is_bound else 200,
    )


def spreadsheet_urls(model_admin: admin.ModelAdmin) -> list:
    """The import and export pages, for ``SessionAdmin.get_urls``."""
    site = model_admin.admin_site

    def view(function):
        def wrapped(request, *args, **kwargs):
            return function(request, model_admin)

        return site.admin_view(wrapped)

    return [
        path("import/", view(import_view), name="programme_session_import"),
        path("export/", view(export_view), name="programme_session_export"),
    ]
