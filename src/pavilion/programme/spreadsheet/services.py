"""Importing a programme spreadsheet: all or nothing, idempotent by external id.

``programme_import`` checks every row first (``validate.check_rows``); with
any problem nothing is written and the report lists them all. Otherwise it
writes in one transaction with bulk operations: new organisations (only with
``create_missing``) and people, new and changed sessions, and the speakers,
hosts, links and chapters of each changed session, which replace the stored
ones. A row whose session is already as the row says changes nothing, so a
re-import of an unchanged file writes nothing but the audit entry.

Bulk writes fire no signals, so the programme's cache version and the
sessions' calendar revisions are moved on here (see ``cache.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.core.audit import audit_log

from .. import cache
from ..models import (
    Chapter,
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    SessionLink,
    Venue,
)
from .readers import UnreadableFile, read_table
from .validate import (
    OrganisationPlan,
    PersonPlan,
    Plan,
    Problem,
    Progress,
    SessionPlan,
    check_rows,
    chunked,
)

ACTION = "pavilion.programme.imported"
BATCH = 1000
BULK_UPDATE_MAX_FIELDS = 2


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    file_name: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    organisations_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "organisations_created": self.organisations_created,
        }

    def summary(self) -> str:
        """One paragraph for staff, in the active language."""
        params = {"file": self.file_name or "-", "problems": len(self.problems), **self.counts()}
        if self.problems:
            return (
                ngettext(
                    "%(file)s: %(problems)s problem found; nothing was saved.",
                    "%(file)s: %(problems)s problems found; nothing was saved.",
                    len(self.problems),
                )
                % params
            )
        counts = (
            _(
                "Rows: %(rows)s. Sessions created: %(created)s, updated: %(updated)s, "
                "unchanged: %(unchanged)s. People added: %(people_created)s, updated: "
                "%(people_updated)s. Organisations added: %(organisations_created)s."
            )
            % params
        )
        if self.dry_run:
            return _(
                "%(file)s (dry run): no problems. Importing it would give these figures; "
                "nothing was saved. %(counts)s"
            ) % {"file": params["file"], "counts": counts}
        return _("%(file)s imported. %(counts)s") % {"file": params["file"], "counts": counts}

    def problem_lines(self) -> list[str]:
        """``row 12, column end: The end must be after the start.``, one a problem."""
        lines = []
        for problem in self.problems:
            if problem.row == 0:
                lines.append(_("file: %(message)s") % {"message": problem.message})
            else:
                lines.append(
                    _("row %(row)s, column %(column)s: %(message)s")
                    % {"row": problem.row, "column": problem.column, "message": problem.message}
                )
        return lines


def programme_import_file(
    *,
    event: Event,
    data: bytes,
    file_name: str,
    dry_run: bool,
    actor: Any = None,
    create_missing: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a CSV or XLSX file and import it; an unreadable file is one problem in the report."""
    try:
        rows = read_table(data, file_name)
    except UnreadableFile as exc:
        return ImportReport(
            file_name=file_name, dry_run=dry_run, problems=[Problem(0, "", exc.message)]
        )
    return programme_import(
        event=event,
        rows=rows,
        dry_run=dry_run,
        actor=actor,
        create_missing=create_missing,
        file_name=file_name,
        progress=progress,
    )


def programme_import(
    *,
    event: Event,
    rows: list[list[str]],
    dry_run: bool,
    actor: Any = None,
    create_missing: bool = False,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Import the rows (the header first) into the event's programme, all or nothing.

    A dry run checks everything and counts what would change, and writes nothing."""
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    if dry_run:
        plan, problems = check_rows(
            event=event, table=rows, create_missing=create_missing, progress=progress
        )
        _fill(report, plan, problems)
        return report
    try:
        with transaction.atomic():
            # One import or publication at a time in these venues, so that the clash
            # check below holds until the import commits.
            list(Venue.objects.select_for_update().filter(event=event).values_list("pk"))
            plan, problems = check_rows(
                event=event, table=rows, create_missing=create_missing, progress=progress
            )
            _fill(report, plan, problems)
            if problems:
                return report
            _write(plan=plan, report=report, actor=actor, progress=progress)
    except IntegrityError:
        report.problems = [
            Problem(
                0,
                "",
                _(
                    "The import could not be saved because the programme was changed at the "
                    "same time. Nothing was saved; try again."
                ),
            )
        ]
        return report
    report.saved = True
    return report


def _fill(report: ImportReport, plan: Plan, problems: list[Problem]) -> None:
    report.problems = problems
    report.rows = plan.rows
    if problems:
        return
    report.created = len(plan.created)
    report.updated = len(plan.updated)
    report.unchanged = len(plan.unchanged)
    report.people_created = len(plan.new_people)
    report.people_updated = len(plan.changed_people)
    report.organisations_created = len(plan.organisations)


# Writing


def _write(*, plan: Plan, report: ImportReport, actor: Any, progress: Progress | None) -> None:
    event = plan.event
    total = len(plan.sessions)

    def step(done: int) -> None:
        if progress:
            progress("save", done, total)

    # What is new and what changed, before the new rows get their ids.
    new, changed = plan.created, plan.updated
    shared_changed = bool(plan.organisations or plan.new_people or plan.changed_people)

    step(0)
    before = _registered_sessions_before(changed)
    _create_organisations(plan.organisations)
    _write_people(plan)
    _create_sessions(event, new)
    step(len(new) // 2)
    _update_sessions(changed)
    _write_parts(new, changed)
    _tell_registrants(before, actor=actor)
    step(total)

    if new or changed:
        cache.programme_changed([event.pk])
    if shared_changed:
        cache.programme_changed(None)  # people and organisations show on every event
    cache.sessions_revised([s.pk for s in changed])
    audit_log(
        action=ACTION,
        target=event,
        actor=actor,
        data={
            "file": report.file_name,
            **report.counts(),
            "status_changes": [
                {"external_id": s.external_id, "from": s.stored_status, "to": s.values["status"]}
                for s in changed
                if "status" in s.values and s.values["status"] != s.stored_status
            ],
        },
    )


def _registered_sessions_before(plans: list[SessionPlan]) -> dict[int, tuple]:
    """The sessions whose status or times the import changes and for which people are
    registered: their status and times before the import (one query, or none)."""
    moved = [
        p.pk
        for p in plans
        if {"status", "starts_at", "ends_at"} & set(p.changed_fields)
        or ("status" in p.values and p.values["status"] != p.stored_status)
    ]
    if not moved:
        return {}
    from pavilion.registration.models import Registration

    registered = Registration.objects.filter(
        session_id__in=moved, status__in=Registration.ACTIVE
    ).values("session_id")
    return {
        pk: (status, starts_at, ends_at)
        for pk, status, starts_at, ends_at in Session.objects.filter(pk__in=registered).values_list(
            "pk", "status", "starts_at", "ends_at"
        )
    }


def _tell_registrants(before: dict[int, tuple], *, actor: Any) -> None:
    """People registered for a session the import cancelled, or moved while it stays
    published, are told as when staff do it in the back office (in this transaction:
    the mail goes only if the import commits)."""
    if not before:
        return
    from pavilion.registration import services as registration

    for session in Session.objects.filter(pk__in=before):
        status, starts_at, ends_at = before[session.pk]
        if session.status == Session.Status.CANCELLED and status != Session.Status.CANCELLED:
            registration.registrations_session_cancelled(session=session, actor=actor)
        elif session.status == Session.Status.PUBLISHED and (starts_at, ends_at) != (
            session.starts_at,
            session.ends_at,
        ):
            registration.registrations_session_rescheduled(
                session=session, old_starts_at=starts_at, old_ends_at=ends_at, actor=actor
            )


def unique_slugs(
    model: type[models.Model],
    texts: list[str],
    *,
    fallback: str,
    reserved: Iterable[str] = (),
) -> list[str]:
    """A slug for each text, unique among themselves, the reserved ones and the model's
    stored slugs: "maria-silva", "maria-silva-2"…"""
    max_length = model._meta.get_field("slug").max_length
    bases = [slugify(text)[: max_length - 8].strip("-") or fallback for text in texts]
    counters: dict[str, int] = defaultdict(int)
    used: set[str] = set(reserved)
    result: list[str] = [""] * len(bases)

    def propose(base: str) -> str:
        while True:
            counters[base] += 1
            n = counters[base]
            slug = base if n == 1 else f"{base}-{n}"
            if slug not in used:
                used.add(slug)
                return slug

    pending = list(range(len(bases)))
    while pending:
        proposals = {i: propose(bases[i]) for i in pending}
        taken: set[str] = set()
        for chunk in chunked(set(proposals.values())):
            taken |= set(
                model._default_manager.filter(slug__in=chunk).values_list("slug", flat=True)
            )
        pending = []
        for i, slug in proposals.items():
            if slug in taken:
                pending.append(i)
            else:
                result[i] = slug
    return result


def _create_organisations(plans: list[OrganisationPlan]) -> None:
    if not plans:
        return
    slugs = unique_slugs(
        Organisation, [p.name_en or p.name_ja for p in plans], fallback="organisation"
    )
    objs = [
        Organisation(slug=slug, name_en=p.name_en, name_ja=p.name_ja, kind=p.kind)
        for p, slug in zip(plans, slugs, strict=True)
    ]
    for p, obj in zip(plans, Organisation.objects.bulk_create(objs, batch_size=BATCH), strict=True):
        p.slug, p.pk = obj.slug, obj.pk


def _write_people(plan: Plan) -> None:
    new, changed = plan.new_people, plan.changed_people  # before the new ones get their ids
    if new:
        wanted = [p for p in new if not p.slug]
        slugs = unique_slugs(
            Person,
            [p.values.get("name_en") or p.values.get("name_ja") or "" for p in wanted],
            fallback="person",
            reserved={p.slug for p in new if p.slug},
        )
        for p, slug in zip(wanted, slugs, strict=True):
            p.slug = slug
        objs = [
            Person(slug=p.slug, **{f: p.values.get(f, "") for f in ("name_en", "name_ja")})
            for p in new
        ]
        for obj, p in zip(objs, new, strict=True):
            obj.title_en = p.values.get("title_en", "")
            obj.title_ja = p.values.get("title_ja", "")
        for p, obj in zip(new, Person.objects.bulk_create(objs, batch_size=BATCH), strict=True):
            p.pk = obj.pk
    if changed:
        now = timezone.now()
        groups: dict[tuple[str, ...], list[Person]] = defaultdict(list)
        for p in changed:
            fields = tuple(p.changed_fields)
            groups[fields].append(
                Person(pk=p.pk, updated_at=now, **{f: p.values[f] for f in fields})
            )
        for fields, objs in groups.items():
            if len(fields) < BULK_UPDATE_MAX_FIELDS:
                Person.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=BATCH)
            else:
                for obj in objs:
                    Person.objects.filter(pk=obj.pk).update(
                        updated_at=now, **{f: getattr(obj, f) for f in fields}
                    )


def _create_sessions(event: Event, plans: list[SessionPlan]) -> None:
    if not plans:
        return
    objs = [Session(event=event, external_id=p.external_id, **p.values) for p in plans]
    for p, obj in zip(plans, Session.objects.bulk_create(objs, batch_size=BATCH), strict=True):
        p.pk = obj.pk


def _update_sessions(plans: list[SessionPlan]) -> None:
    """Only the fields that changed. ``bulk_update`` writes a CASE per field over the whole
    batch, quick for a field or two; for more, one UPDATE per session is quicker."""
    groups: dict[tuple[str, ...], list[SessionPlan]] = defaultdict(list)
    for p in plans:
        if p.changed_fields:
            groups[tuple(sorted(p.changed_fields))].append(p)
    for fields, group in groups.items():
        if len(fields) <= BULK_UPDATE_MAX_FIELDS:
            objs = [Session(pk=p.pk, **{f: p.values[f] for f in fields}) for p in group]
            names = [Session._meta.get_field(f.removesuffix("_id")).name for f in fields]
            Session.objects.bulk_update(objs, names, batch_size=BATCH)
        else:
            for p in group:
                Session.objects.filter(pk=p.pk).update(**{f: p.values[f] for f in fields})


def _pk(ref: PersonPlan | OrganisationPlan | int | None) -> int | None:
    if ref is None or isinstance(ref, int):
        return ref
    return ref.pk


PARTS: dict[str, type[models.Model]] = {
    "speakers": Participation,
    "hosts": SessionHost,
    "links": SessionLink,
    "chapters": Chapter,
}


def _write_parts(new: list[SessionPlan], changed: list[SessionPlan]) -> None:
    """The parts of new sessions, and the changed parts of updated ones, which replace
    the stored ones."""
    replaced: dict[str, list[int]] = defaultdict(list)
    for p in changed:
        for kind in p.parts_changed:
            replaced[kind].append(p.pk)
    for kind, ids in replaced.items():
        for chunk in chunked(ids):
            # One DELETE per chunk: QuerySet.delete() would load each row and send its
            # signals, revising the session once per part; the revisions and cache
            # versions are moved on once, below. Nothing refers to these rows.
            rows = PARTS[kind].objects.filter(session_id__in=chunk)
            rows._raw_delete(rows.db)

    objs: dict[str, list[models.Model]] = defaultdict(list)
    for p in new:
        for kind in PARTS:
            objs[kind].extend(_parts(p, kind))
    for p in changed:
        for kind in p.parts_changed:
            objs[kind].extend(_parts(p, kind))
    for kind, rows in objs.items():
        PARTS[kind].objects.bulk_create(rows, batch_size=BATCH)


def _parts(p: SessionPlan, kind: str) -> list[models.Model]:
    if kind == "speakers":
        return [
            Participation(
                session_id=p.pk,
                person_id=_pk(person),
                role=role,
                segment_en=segment_en,
                segment_ja=segment_ja,
                order=order,
            )
            for order, (person, role, segment_en, segment_ja) in enumerate(p.speakers or [])
        ]
    if kind == "hosts":
        return [
            SessionHost(session_id=p.pk, organisation_id=_pk(ref), role=role, order=order)
            for order, (ref, role) in enumerate(p.hosts or [])
        ]
    if kind == "links":
        return [
            SessionLink(session_id=p.pk, kind=k, url=url, label_en=en, label_ja=ja, order=order)
            for order, (k, url, en, ja) in enumerate(p.links or [])
        ]
    return [
        Chapter(session_id=p.pk, offset=offset, title_en=en, title_ja=ja)
        for offset, en, ja in p.chapters or []
    ]
