"""Writes of the membership app: fee schedules (build, publish), income classifications
(import), members. Each runs in one transaction and writes an audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pavilion.core.audit import audit_log

from .countries import is_country, region_of
from .models import (
    BANDED_KINDS,
    FLAT_KINDS,
    BandAmount,
    CountryIncome,
    Discount,
    FeeSchedule,
    FlatFee,
    IncomeGroup,
    IncomeSnapshot,
    Member,
    OrganisationKind,
    PopulationBand,
)

AUDIT = "pavilion.membership.%s"


# Fee schedules


def fee_schedule_problems(*, schedule: FeeSchedule) -> list[str]:
    """Why the schedule cannot be published yet (an empty list when it can)."""
    problems: list[str] = []
    bands = list(schedule.bands.prefetch_related("amounts"))
    if not bands:
        problems.append(_("The schedule has no population bands."))
    elif not any(b.upper_bound is None for b in bands):
        problems.append(_("The last population band must be open (leave its upper bound empty)."))
    for band in bands:
        have = {a.group for a in band.amounts.all()}
        for group in IncomeGroup:
            if group.value not in have:
                problems.append(
                    _("The band up to %(bound)s has no amount for “%(group)s”.")
                    % {
                        "bound": band.upper_bound if band.upper_bound is not None else "∞",
                        "group": group.label,
                    }
                )
        for amount in band.amounts.all():
            if amount.amount < 0:
                problems.append(_("An amount cannot be negative."))
    flat = {f.kind: f for f in schedule.flat_fees.all()}
    for kind in FLAT_KINDS:
        if kind not in flat:
            problems.append(
                _("There is no flat fee for “%(kind)s”.") % {"kind": OrganisationKind(kind).label}
            )
        elif flat[kind].amount < 0:
            problems.append(_("An amount cannot be negative."))
    try:
        schedule.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems.extend(str(message) for message in error.messages)
    return problems


@transaction.atomic
def fee_schedule_publish(*, schedule: FeeSchedule, actor: Any = None) -> FeeSchedule:
    """Publish a complete schedule (it is then in force for its year and currency)."""
    schedule = FeeSchedule.objects.select_for_update().get(pk=schedule.pk)
    problems = fee_schedule_problems(schedule=schedule)
    if problems:
        raise ValidationError(problems)
    if schedule.is_published:
        return schedule
    schedule.is_published = True
    schedule.published_at = timezone.now()
    schedule.save(update_fields=["is_published", "published_at", "updated_at"])
    audit_log(
        action=AUDIT % "schedule.published",
        target=schedule,
        actor=actor,
        data={"from": "draft", "to": "published"},
    )
    return schedule


@transaction.atomic
def fee_schedule_unpublish(*, schedule: FeeSchedule, actor: Any = None) -> FeeSchedule:
    schedule = FeeSchedule.objects.select_for_update().get(pk=schedule.pk)
    if not schedule.is_published:
        return schedule
    schedule.is_published = False
    schedule.save(update_fields=["is_published", "updated_at"])
    audit_log(
        action=AUDIT % "schedule.unpublished",
        target=schedule,
        actor=actor,
        data={"from": "published", "to": "draft"},
    )
    return schedule


@transaction.atomic
def fee_schedule_create(
    *,
    year: int,
    currency: str,
    name_en: str = "",
    name_ja: str = "",
    source_en: str = "",
    source_ja: str = "",
    bands: Iterable[tuple[int | None, Mapping[str, tuple[Decimal, bool]]]],
    flat_fees: Mapping[str, tuple[Decimal, bool]],
    discounts: Iterable[Mapping[str, Any]] = (),
    admin_fee_percent: Decimal | None = None,
    admin_fee_is_example: bool = False,
    minimum: Decimal | None = None,
    minimum_is_example: bool = False,
    maximum: Decimal | None = None,
    maximum_is_example: bool = False,
    publish: bool = False,
    actor: Any = None,
) -> FeeSchedule:
    """A whole schedule in one go: ``bands`` is ``[(upper_bound, {group: (amount,
    is_example)}), …]`` (``None`` for the open band), ``flat_fees`` is ``{kind:
    (amount, is_example)}``, ``discounts`` dicts of Discount's fields."""
    schedule = FeeSchedule(
        year=year,
        currency=currency,
        name_en=name_en,
        name_ja=name_ja,
        source_en=source_en,
        source_ja=source_ja,
        admin_fee_percent=admin_fee_percent,
        admin_fee_is_example=admin_fee_is_example,
        minimum=minimum,
        minimum_is_example=minimum_is_example,
        maximum=maximum,
        maximum_is_example=maximum_is_example,
    )
    schedule.full_clean()
    schedule.save()
    for upper, amounts in bands:
        band = PopulationBand.objects.create(schedule=schedule, upper_bound=upper)
        rows = [
            BandAmount(band=band, group=group, amount=Decimal(amount), is_example=example)
            for group, (amount, example) in amounts.items()
        ]
        for row in rows:
            row.full_clean(exclude=["band"])
        BandAmount.objects.bulk_create(rows)
    for kind, (amount, example) in flat_fees.items():
        fee = FlatFee(schedule=schedule, kind=kind, amount=Decimal(amount), is_example=example)
        fee.full_clean()
        fee.save()
    for values in discounts:
        discount = Discount(schedule=schedule, **values)
        discount.full_clean()
        discount.save()
    audit_log(
        action=AUDIT % "schedule.created",
        target=schedule,
        actor=actor,
        data={"from": None, "to": "draft"},
    )
    if publish:
        fee_schedule_publish(schedule=schedule, actor=actor)
        schedule.refresh_from_db()
    return schedule


# Income classifications


@transaction.atomic
def income_snapshot_create(
    *,
    title: str,
    title_ja: str = "",
    source: str,
    valid_from: dt.date,
    groups: Mapping[str, str],
    source_url: str = "",
    file_bytes: bytes | None = None,
    actor: Any = None,
    is_shipped: bool = False,
) -> IncomeSnapshot:
    """A new classification, all countries at once (``groups``: ISO2 → IncomeGroup)."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the classification a title.")]
    if not source.strip():
        errors["source"] = [_("Say where the classification comes from.")]
    if not groups:
        errors["file"] = [_("The file holds no countries.")]
    bad = [c for c in groups if not is_country(c)]
    bad_groups = [g for g in groups.values() if g not in IncomeGroup.values]
    if bad or bad_groups:
        errors.setdefault("file", []).append(
            _("The classification names unknown countries or groups.")
        )
    if errors:
        raise ValidationError(errors)
    snapshot = IncomeSnapshot(
        title=title.strip(),
        title_ja=title_ja.strip(),
        source=source.strip(),
        source_url=source_url,
        valid_from=valid_from,
        is_shipped=is_shipped,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_sha256=hashlib.sha256(file_bytes).hexdigest() if file_bytes else "",
    )
    snapshot.full_clean()
    snapshot.save()
    CountryIncome.objects.bulk_create(
        CountryIncome(snapshot=snapshot, country=code, group=group)
        for code, group in sorted(groups.items())
    )
    audit_log(
        action=AUDIT % "classification.loaded",
        target=snapshot,
        actor=actor,
        data={"from": None, "to": "loaded", "countries": len(groups)},
    )
    return snapshot


class ClassificationProblems(ValidationError):
    """The file has problems; ``problems`` lists them by row. Nothing was loaded."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(
            {
                "file": [
                    _("Row %(row)s: %(message)s") % {"row": p.row, "message": p.message}
                    for p in problems
                ]
            }
        )


def income_snapshot_import(
    *,
    name: str,
    data: bytes,
    title: str,
    title_ja: str = "",
    source: str,
    valid_from: dt.date,
    source_url: str = "",
    actor: Any = None,
) -> IncomeSnapshot:
    """Load a World Bank classification file (CLASS.xlsx or CSV) as a new snapshot,
    all or nothing: any problem in the file raises ``ClassificationProblems``."""
    from .classification import read_classification

    result = read_classification(name=name, data=data)
    if not result.ok:
        raise ClassificationProblems(result.problems)
    return income_snapshot_create(
        title=title,
        title_ja=title_ja,
        source=source,
        source_url=source_url,
        valid_from=valid_from,
        groups=result.groups,
        file_bytes=data,
        actor=actor,
    )


# Members


def member_prepare(member: Member) -> Member:
    """Fills what follows from other fields: the region from the country."""
    member.country = (member.country or "").upper()
    member.region = region_of(member.country)
    return member


@transaction.atomic
def member_create(*, actor: Any = None, **fields: Any) -> Member:
    member = member_prepare(Member(**fields))
    member.full_clean()
    member.save()
    audit_log(
        action=AUDIT % "member.created",
        target=member,
        actor=actor,
        data={"from": None, "to": "member"},
    )
    return member


__all__ = [
    "BANDED_KINDS",
    "fee_schedule_create",
    "fee_schedule_problems",
    "fee_schedule_publish",
    "fee_schedule_unpublish",
    "income_snapshot_create",
    "income_snapshot_import",
    "member_create",
]
