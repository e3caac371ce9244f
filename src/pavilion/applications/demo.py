"""Demo data of the applications app: a few invented applications in different
states, so the review queue shows something. Each is labelled as an example; no
mail is sent for them. ``demo_load`` is idempotent: a second run creates nothing.

Load it after the membership demo (it quotes fees from the schedules in force).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pavilion.core.audit import audit_log

from .models import Application, org_key, token_hash
from .services import category_for

S = Application.Status

# (English name, Japanese name, kind, country, population, language, currency, status, days ago)
EXAMPLES = (
    (
        "Example City of Harbourview",
        "例：ハーバービュー市",
        "local_government",
        "JP",
        48_000,
        "ja",
        "JPY",
        S.SUBMITTED,
        9,
    ),
    (
        "Example Region of Highmoor",
        "例：ハイムーア地域",
        "regional_government",
        "DE",
        1_800_000,
        "en",
        "EUR",
        S.IN_REVIEW,
        6,
    ),
    (
        "Example Climate Research Institute",
        "例：気候研究所",
        "research_institute",
        "FR",
        None,
        "en",
        "EUR",
        S.INFO_REQUESTED,
        4,
    ),
    (
        "Example Association of Coastal Towns",
        "例：沿岸町村連合",
        "subnational_association",
        "PH",
        None,
        "en",
        "EUR",
        S.SUBMITTED,
        2,
    ),
    (
        "Example Town of Millbrook",
        "例：ミルブルック町",
        "local_government",
        "KE",
        72_000,
        "en",
        "EUR",
        S.DRAFT,
        1,
    ),
)
PATH = {
    S.DRAFT: [],
    S.SUBMITTED: [("submit", S.DRAFT, S.SUBMITTED, "")],
    S.IN_REVIEW: [
        ("submit", S.DRAFT, S.SUBMITTED, ""),
        ("review_start", S.SUBMITTED, S.IN_REVIEW, "Example: checking the council resolution."),
    ],
    S.INFO_REQUESTED: [
        ("submit", S.DRAFT, S.SUBMITTED, ""),
        ("review_start", S.SUBMITTED, S.IN_REVIEW, ""),
        (
            "request_info",
            S.IN_REVIEW,
            S.INFO_REQUESTED,
            "Example: please send the board's letter of intent, signed.",
        ),
    ],
}


def _token(name: str) -> str:
    # Demo applications cannot be opened from the public site: their token is unknown.
    return hashlib.sha256(f"demo-application:{name}".encode()).hexdigest()


def _quote(application: Application) -> None:
    from pavilion.membership.fees import fee_quote

    try:
        quote = fee_quote(
            kind=application.kind,
            country=application.country,
            population=application.population,
            currency=application.currency,
        )
    except ValidationError:
        return
    application.quote = quote.to_json()
    application.quoted_amount = quote.amount
    application.fee_schedule = quote.schedule
    application.income_snapshot = quote.snapshot


@transaction.atomic
def demo_load(*, today: dt.date) -> dict[str, int]:
    created = 0
    now = timezone.now()
    for n, (name_en, name_ja, kind, country, population, lang, currency, status, days) in enumerate(
        EXAMPLES
    ):
        if Application.objects.filter(is_example=True, name_en=name_en).exists():
            continue
        sent = now - dt.timedelta(days=days)
        application = Application(
            token_hash=token_hash(_token(name_en)),
            status=S.DRAFT,
            language=lang,
            step=5 if status != S.DRAFT else 2,
            name_en=name_en,
            name_ja=name_ja,
            org_key_en=org_key(name_en),
            org_key_ja=org_key(name_ja),
            kind=kind,
            category=category_for(kind) or "",
            country=country,
            locality=name_en.rsplit(" of ", 1)[-1],
            website=f"https://example.org/example-{n + 1}",
            contact_name=f"Example Contact {n + 1}",
            contact_title="Example: International Relations",
            contact_email=f"example-applicant-{n + 1}@example.org",
            population=population,
            population_source="Example: national census" if population else "",
            population_year=today.year - 2 if population else None,
            currency=currency,
            is_example=True,
        )
        if status != S.DRAFT:
            application.consent_at = sent
            application.submitted_at = sent
            _quote(application)
        application.save()
        for verb, old, new, note in PATH.get(status, []):
            application.status = new
            application.save(update_fields=["status"])
            audit_log(
                action=f"pavilion.application.{verb}",
                target=application,
                data={"from": old, "to": new, "note": note},
            )
        created += 1
    return {"applications": created}
