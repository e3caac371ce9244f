"""Reading applications: by their resume token, the review queue, their audit trail,
and everything an application says, written out for the review step and for staff."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pavilion.core.models import AuditEntry

from .models import Application, token_hash

TOKEN_MIN, TOKEN_MAX = 32, 64


def application_by_token(*, token: str) -> Application | None:
    """The application a resume token opens, or None (tokens are compared by hash)."""
    if not token or not TOKEN_MIN <= len(token) <= TOKEN_MAX:
        return None
    return Application.objects.filter(token_hash=token_hash(token)).first()


def application_queue(*, statuses: tuple[str, ...] = Application.OPEN) -> QuerySet[Application]:
    """The review queue: applications in these statuses, oldest sent first."""
    return Application.objects.filter(status__in=statuses).order_by("submitted_at", "pk")


def application_audit_trail(*, application: Application) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=str(application.pk),
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def application_last_note(*, application: Application, verb: str) -> str:
    """The note of the latest audit entry for this move (the staff's question)."""
    entry = (
        application_audit_trail(application=application)
        .filter(action=f"pavilion.application.{verb}")
        .order_by("-created_at", "-id")
        .first()
    )
    return (entry.data or {}).get("note", "") if entry else ""


def application_summary(*, application: Application, lang: str) -> list[dict]:
    """Everything the application says, as sections of (label, value) rows."""
    from pavilion.membership.countries import country_name

    from .services import population_needed

    # Only the kinds whose fee depends on it are asked for a population.
    asks_population = population_needed(application.kind)

    def population_text() -> str:
        if application.population is None:
            return ""
        return f"{application.population:,}"

    sections = [
        (
            _("Organisation"),
            [
                (_("Name of the organisation in English"), application.name_en),
                (_("Name of the organisation in Japanese"), application.name_ja),
                (_("Kind of organisation"), application.get_kind_display()),
                (_("Country"), country_name(application.country, lang)),
                (_("City or area"), application.locality),
                (_("Website"), application.website),
            ],
        ),
        (
            _("Contact person"),
            [
                (_("Name of the contact person"), application.contact_name),
                (_("Position"), application.contact_title),
                (_("E-mail address"), application.contact_email),
                (_("Telephone"), application.contact_phone),
                (_("Language of our e-mails"), application.get_language_display()),
            ],
        ),
        (
            _("Category and population") if asks_population else _("Category and fee"),
            [
                (_("Category"), application.get_category_display()),
                *(
                    [
                        (_("Population"), population_text()),
                        (_("Source of the population figure"), application.population_source),
                        (
                            _("Year of the population figure"),
                            str(application.population_year or ""),
                        ),
                    ]
                    if asks_population
                    else []
                ),
            ],
        ),
        (
            _("Documents"),
            [
                (document.get_kind_display(), document.original_name)
                for document in application.documents.all()
            ],
        ),
    ]
    return [
        {"title": title, "rows": [{"label": label, "value": value} for label, value in rows]}
        for title, rows in sections
    ]


def application_approval_preview(*, application: Application, today: dt.date) -> dict:
    """What approving would do, for the confirmation page: the member's name, the next
    invoice number of the year (another invoice issued meanwhile takes it, and this
    one gets the next), the fee for this year, or why no invoice can be issued."""
    from pavilion.billing.models import InvoiceCounter
    from pavilion.membership.fees import fee_quote

    counter = InvoiceCounter.objects.filter(year=today.year).first()
    sequence = (counter.last_number if counter else 0) + 1
    preview = {
        "year": today.year,
        "invoice_number": f"{today.year}-{sequence:04d}",
        "quote": None,
        "error": "",
    }
    try:
        preview["quote"] = fee_quote(
            kind=application.kind,
            country=application.country,
            population=application.population,
            currency=application.currency or "EUR",
            year=today.year,
        )
    except ValidationError as error:
        preview["error"] = " ".join(error.messages)
    return preview
