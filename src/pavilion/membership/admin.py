"""The back office of membership: fee schedules (with their bands, amounts, flat fees
and discounts), income classifications (with the upload of a World Bank file) and
members. Publishing goes through ``services.fee_schedule_publish``, which refuses an
incomplete schedule and says why."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.admin import KeptRecordsMixin
from pavilion.core.audit import audit_log

from . import services
from .models import (
    BandAmount,
    CountryIncome,
    Discount,
    FeeSchedule,
    FlatFee,
    IncomeSnapshot,
    Member,
    PopulationBand,
)

MAX_UPLOAD_MB = 5


class PopulationBandInline(admin.TabularInline):
    model = PopulationBand
    extra = 0
    show_change_link = True
    verbose_name_plural = _("population bands (open a band to enter its amounts)")


class FlatFeeInline(admin.TabularInline):
    model = FlatFee
    extra = 0


class DiscountInline(admin.StackedInline):
    model = Discount
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name_en", "is_published", "published_at")
    list_filter = ("is_published", "currency", "year")
    readonly_fields = ("is_published", "published_at", "problems")
    inlines = (PopulationBandInline, FlatFeeInline, DiscountInline)
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("year", "currency", "name_en", "name_ja")}),
        (_("Source"), {"fields": ("source_en", "source_ja")}),
        (
            _("Administration fee, minimum and maximum"),
            {
                "fields": (
                    ("admin_fee_percent", "admin_fee_is_example"),
                    ("minimum", "minimum_is_example"),
                    ("maximum", "maximum_is_example"),
                )
            },
        ),
        (_("Publication"), {"fields": ("is_published", "published_at", "problems")}),
    )

    @admin.display(description=_("what is missing before publishing"))
    def problems(self, obj: FeeSchedule) -> str:
        if obj.pk is None:
            return "—"
        found = services.fee_schedule_problems(schedule=obj)
        return " ".join(found) if found else gettext("Nothing: the schedule is complete.")

    @admin.action(description=_("Publish the selected schedules"))
    def publish(self, request: HttpRequest, queryset: QuerySet[FeeSchedule]) -> None:
        for schedule in queryset:
            try:
                services.fee_schedule_publish(schedule=schedule, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(schedule)s was not published: %(reasons)s")
                    % {"schedule": schedule, "reasons": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, gettext("%(schedule)s is published.") % {"schedule": schedule}
                )

    @admin.action(description=_("Withdraw the selected schedules"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[FeeSchedule]) -> None:
        for schedule in queryset:
            services.fee_schedule_unpublish(schedule=schedule, actor=request.user)
        self.message_user(request, gettext("The selected schedules are withdrawn."))


class BandAmountInline(admin.TabularInline):
    model = BandAmount
    extra = 4
    max_num = 4


@admin.register(PopulationBand)
class PopulationBandAdmin(admin.ModelAdmin):
    list_display = ("schedule", "upper_bound")
    list_filter = ("schedule",)
    inlines = (BandAmountInline,)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from its schedule


class CountryIncomeInline(admin.TabularInline):
    model = CountryIncome
    extra = 0
    can_delete = False
    readonly_fields = ("country", "group")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ClassificationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Classification file"),
        help_text=_(
            "The World Bank's CLASS.xlsx, or a CSV with the columns “Economy”, “Code” "
            "(ISO alpha-3) and “Income group”."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=200, required=False)
    valid_from = forms.DateField(
        label=_("Valid from"),
        help_text=_("The day the classification took effect (1 July each year), as YYYY-MM-DD."),
    )
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Publisher, file and the day it was downloaded."),
    )
    source_url = forms.URLField(label=_("Source address"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                gettext("The file is too large; the limit is %(limit)s MB.")
                % {"limit": MAX_UPLOAD_MB}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(gettext("Upload an XLSX or a CSV file."))
        return upload


@admin.register(IncomeSnapshot)
class IncomeSnapshotAdmin(admin.ModelAdmin):
    list_display = ("title", "valid_from", "is_shipped", "uploaded_by", "created_at")
    readonly_fields = ("is_shipped", "uploaded_by", "file_sha256", "created_at")
    inlines = (CountryIncomeInline,)
    change_list_template = "admin/membership/incomesnapshot/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added by uploading a file

    def get_urls(self) -> list:
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="membership_incomesnapshot_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        problems = []
        status = 200
        if request.method == "POST":
            form = ClassificationUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    snapshot = services.income_snapshot_import(
                        name=upload.name,
                        data=upload.read(),
                        title=form.cleaned_data["title"],
                        title_ja=form.cleaned_data["title_ja"],
                        source=form.cleaned_data["source"],
                        source_url=form.cleaned_data["source_url"],
                        valid_from=form.cleaned_data["valid_from"],
                        actor=request.user,
                    )
                except services.ClassificationProblems as error:
                    problems = error.problems
                except ValidationError as error:
                    for name, errors in error.message_dict.items():
                        for message in errors:
                            form.add_error(name if name in form.fields else None, message)
                else:
                    self.message_user(
                        request,
                        gettext("Loaded “%(title)s”: %(count)s countries.")
                        % {"title": snapshot.title, "count": snapshot.countries.count()},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:membership_incomesnapshot_change", args=[snapshot.pk])
                    )
            status = 400
        else:
            form = ClassificationUploadForm(
                initial={"valid_from": timezone.localdate().replace(month=7, day=1)}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Upload an income classification"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(
            request, "admin/membership/incomesnapshot/upload.html", context, status=status
        )


@admin.register(Member)
class MemberAdmin(KeptRecordsMixin, admin.ModelAdmin):
    kept_records = {
        "billing.Invoice": _(
            "Its invoices, which are kept for the accounts. To end the membership, set "
            "“Ended on” instead: the member then leaves the directory and gets no more dues."
        )
    }
    list_display = (
        "__str__",
        "category",
        "country",
        "region",
        "joined_on",
        "ended_on",
        "is_listed",
    )
    list_filter = ("category", "region", "is_listed", "is_example")
    search_fields = ("name_en", "name_ja", "slug", "country")
    readonly_fields = ("region",)
    prepopulated_fields = {"slug": ("name_en",)}

    def save_model(self, request, obj, form, change) -> None:
        services.member_prepare(obj)
        super().save_model(request, obj, form, change)
        audit_log(
            action="pavilion.membership.member.%s" % ("changed" if change else "created"),
            target=obj,
            actor=request.user,
            data={"fields": sorted(form.changed_data)},
        )
