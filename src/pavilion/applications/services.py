"""Every write to an application: the applicant's steps and the secretariat's review.

Each service runs in one transaction, locks the application's row
(``SELECT … FOR UPDATE``), checks that the move is allowed from the status it
finds under the lock, writes, audits (``pavilion.application.<verb>``, with the
status before and after, the note and the actor) and, for every decision, mails
the applicant in their language. Mail is queued after the commit, so a move that
rolls back sends nothing.

Allowed moves (``TRANSITIONS``)::

    submit        draft                                 → submitted   (applicant)
    review_start  submitted                             → in_review   (staff)
    request_info  in_review                             → info_requested (staff)
    answer        info_requested                        → in_review   (applicant)
    review_resume info_requested                        → in_review   (staff)
    approve       in_review                             → approved    (staff)
    reject        submitted, in_review, info_requested  → rejected    (staff)
    withdraw      draft, submitted, in_review, info_requested → withdrawn (either)

Which staff notes the applicant receives (``NOTE_SENT``): the question of a
request for information, the reason of a refusal, and the note of a withdrawal.
Every other note (starting or resuming the review, approving) stays in the audit
trail. A request for information, a refusal and resuming the review need a note.

The applicant's answer (through the resume link, with a PDF if asked) puts the
application back in review: the applicant gets a confirmation, the reviewer (or,
without one, every active staff member who may review) a notice with the answer.
Resuming the review is for an answer that came another way, such as by e-mail.

Approval creates the member and its first invoice (``invoice_issue`` for the
current year) in the same transaction: if the invoice cannot be issued, the
member is not created and the application stays in review. The member is current
and listed in the public directory from that day (``joined_on`` = the day of
approval), as the welcome mail says; the invoice is to be paid by its due date.
The application's single "city or area" goes to the member's English or Japanese
field by its script (kana or kanji → Japanese), and so does a name given only in
the field of the other language.

The resume token is random (32 bytes) and only its SHA-256 is stored, so the
database alone cannot open anyone's application. It is mailed when the
application starts; asking the applicant for information makes a new token and
mails it (the earlier link stops working).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pavilion.core.audit import audit_log
from pavilion.membership.fees import ineligible_message
from pavilion.membership.models import ELIGIBILITY, Category, Member

from . import documents, selectors
from .models import (
    Application,
    ApplicationDocument,
    document_path,
    org_key,
    private_storage,
    token_hash,
)
from .notifications import application_notify, application_notify_staff

logger = logging.getLogger("pavilion.applications")

Status = Application.Status

AUDIT = "pavilion.application.%s"

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((Status.DRAFT,), Status.SUBMITTED),
    "review_start": ((Status.SUBMITTED,), Status.IN_REVIEW),
    "request_info": ((Status.IN_REVIEW,), Status.INFO_REQUESTED),
    "answer": ((Status.INFO_REQUESTED,), Status.IN_REVIEW),
    "review_resume": ((Status.INFO_REQUESTED,), Status.IN_REVIEW),
    "approve": ((Status.IN_REVIEW,), Status.APPROVED),
    "reject": ((Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED), Status.REJECTED),
    "withdraw": (
        (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED),
        Status.WITHDRAWN,
    ),
}
# The moves the secretariat makes from the back office.
STAFF_TRANSITIONS = (
    "review_start",
    "review_resume",
    "request_info",
    "approve",
    "reject",
    "withdraw",
)
# The staff moves whose note the applicant receives; every other note is internal.
NOTE_SENT = ("request_info", "reject", "withdraw")
# The staff moves that close the application and mail the applicant: the back office
# asks for a confirmation first.
CONFIRMED_MOVES = ("approve", "reject", "withdraw")

STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("name_en", "name_ja", "kind", "country", "locality", "website", "contact_email"),
    2: ("contact_name", "contact_title", "contact_email", "contact_phone", "language"),
    3: ("population", "population_source", "population_year", "currency"),
}
STEPS = 5
MAX_ANSWER_FILES = 5
NULLABLE = ("population", "population_year")
POPULATION_KINDS_CATEGORY = Category.LOCAL_REGIONAL
# The oldest year a population figure may come from: an older census is no basis for
# a fee (the latest is always later than this).
POPULATION_YEAR_MIN = 1950


def new_token() -> str:
    """A resume token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def allowed_transitions(*, application: Application, staff: bool = True) -> list[str]:
    """The moves possible from the application's status (for staff: their moves only)."""
    names = STAFF_TRANSITIONS if staff else ("withdraw", "answer", "submit")
    return [name for name in names if application.status in TRANSITIONS[name][0]]


# Rules


def category_for(kind: str) -> str | None:
    """The category an organisation of this kind may join, or None."""
    category = ELIGIBILITY.get(kind)
    return str(category) if category else None


def _check_kind(kind: str) -> str:
    category = category_for(kind)
    if category is None:
        raise ValidationError(
            {"kind": ValidationError(ineligible_message(kind), code="ineligible")}
        )
    return category


def _check_not_open_elsewhere(*, application: Application) -> None:
    """Refuse a second open application from the same organisation (same country and
    the same name, ignoring case, width and spaces, in English or in Japanese)."""
    others = Application.objects.filter(
        status__in=Application.OPEN, country=application.country
    ).exclude(pk=application.pk)
    for field, key in (("name_en", application.org_key_en), ("name_ja", application.org_key_ja)):
        if key and others.filter(**{f"org_key_{field[-2:]}": key}).exists():
            raise ValidationError(
                {
                    field: ValidationError(
                        _(
                            "An application from this organisation is already being "
                            "reviewed. We will write to the contact person it gave; if you "
                            "have a question about it, please write to us through the "
                            "contact page."
                        ),
                        code="already_open",
                    )
                }
            )


def _set_keys(application: Application) -> None:
    application.org_key_en = org_key(application.name_en)
    application.org_key_ja = org_key(application.name_ja)


def _lock(application: Application | int) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    return Application.objects.select_for_update().get(pk=pk)


def _audit(
    *,
    application: Application,
    verb: str,
    old: str | None,
    actor: Any,
    note: str = "",
    extra: dict | None = None,
) -> None:
    data = {"from": old, "to": application.status, "note": note}
    audit_log(action=AUDIT % verb, target=application, actor=actor, data=data | (extra or {}))


def _check_allowed(*, application: Application, verb: str) -> None:
    if application.status not in TRANSITIONS[verb][0]:
        raise ValidationError(
            _("This application is now “%(status)s”: that step is not possible from there.")
            % {"status": application.get_status_display()},
            code="not_allowed",
        )


def _note_messages() -> dict[str, str]:
    """The staff moves that need a note, with the message when it is missing."""
    return {
        "request_info": _("Please write what you need from the applicant."),
        "reject": _("Please write the reason; the applicant receives it."),
        "review_resume": _(
            "Please note why the review resumes, for example what the applicant sent by e-mail."
        ),
    }


def _check_note(*, verb: str, note: str) -> str:
    note = (note or "").strip()
    message = _note_messages().get(verb)
    if message and not note:
        raise ValidationError({"note": ValidationError(message, code="required")})
    return note


def application_move_check(*, application: Application, verb: str, note: str = "") -> None:
    """Whether staff may make this move now, with this note (ValidationError if not).
    Changes nothing: the back office asks it before its confirmation page."""
    if verb not in STAFF_TRANSITIONS:
        raise ValidationError(_("Choose one of the steps offered."), code="unknown")
    _check_allowed(application=application, verb=verb)
    _check_note(verb=verb, note=note)


def _move(
    *, application: Application, verb: str, actor: Any, note: str = "", extra: dict | None = None
) -> str:
    """Check and make one move under the lock; returns the status it came from."""
    _check_allowed(application=application, verb=verb)
    target = TRANSITIONS[verb][1]
    old = application.status
    application.status = target
    fields = ["status", "updated_at"]
    if verb in {"approve", "reject"}:
        application.decided_at = timezone.now()
        fields.append("decided_at")
    if actor is not None and getattr(actor, "is_staff", False):
        application.reviewer = actor
        fields.append("reviewer")
    application.save(update_fields=fields)
    _audit(application=application, verb=verb, old=old, actor=actor, note=note, extra=extra)
    return old


# The applicant's steps


@transaction.atomic
def application_start(*, data: dict, language: str) -> tuple[Application, str]:
    """Create a draft from the first step (the organisation and an e-mail address) and
    mail the applicant the link to come back to it. Returns the draft and its token."""
    application = Application(language=language, status=Status.DRAFT)
    for field in STEP_FIELDS[1]:
        if field in data:
            setattr(application, field, data[field] if data[field] is not None else "")
    _check_step_one(application)
    token = new_token()
    application.token_hash = token_hash(token)
    application.step = 1
    application.full_clean()
    application.save()
    _audit(application=application, verb="start", old=None, actor=None)
    application_notify(kind="resume", application=application, token=token)
    return application, token


def _check_step_one(application: Application) -> None:
    errors = _organisation_errors(application, fields=STEP_FIELDS[1])
    if errors:
        raise ValidationError(errors)


def _organisation_errors(
    application: Application, *, fields: tuple[str, ...] | set[str]
) -> dict[str, list[ValidationError]]:
    """Every problem step 1's rules find with these fields, all at once: no name, a
    kind that may join nothing, another open application from the same organisation.
    Fields not named (the form refused them) are not judged."""
    errors: dict[str, list[ValidationError]] = {}
    if {"name_en", "name_ja"} <= set(fields) and not (
        application.name_en.strip() or application.name_ja.strip()
    ):
        errors["name_en"] = [
            ValidationError(
                _("Please give your organisation's name in English or in Japanese."),
                code="required",
            )
        ]
    if "kind" in fields and application.kind:
        category = category_for(application.kind)
        if category is None:
            errors["kind"] = [
                ValidationError(ineligible_message(application.kind), code="ineligible")
            ]
        else:
            application.category = category
    if "country" in fields and application.country:
        _set_keys(application)
        try:
            _check_not_open_elsewhere(application=application)
        except ValidationError as error:
            for field, messages in error.error_dict.items():
                errors.setdefault(field, []).extend(messages)
    return errors


def application_check_step(
    *, step: int, data: dict, application: Application | None = None
) -> None:
    """Check a step's rules on the fields its form could read (``data``, the form's
    cleaned data, lacks the fields the form refused), writing nothing: so that a page
    shows every error of a step at once, the form's and the rules'. Raises one
    ValidationError with them all."""
    fields = [field for field in STEP_FIELDS.get(step, ()) if field in data]
    preview = Application(pk=application.pk if application else None)
    if application is not None:
        for field in ("kind", "country", "name_en", "name_ja"):
            setattr(preview, field, getattr(application, field))
    for field in fields:
        value = data[field]
        setattr(preview, field, "" if value is None and field not in NULLABLE else value)
    if step == 1:
        errors = _organisation_errors(preview, fields=fields)
    elif step == 3:
        errors = _population_errors(preview, fields=fields)
    else:
        errors = {}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_save_step(
    *, application: Application, step: int, data: dict, token: str | None = None
) -> Application:
    """Save one of the first three steps of a draft (fields as the step's form cleaned
    them). A changed e-mail address gets the resume link again (``token``)."""
    application = _lock(application)
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has been sent: it can no longer be changed."))
    old_email = application.contact_email
    for field in STEP_FIELDS[step]:
        if field in data:
            value = data[field]
            if value is None and field not in NULLABLE:
                value = ""
            setattr(application, field, value)
    if step == 1:
        _check_step_one(application)
    if step == 3:
        _check_population(application)
        application.quote = _quote(application).to_json()
    application.step = max(application.step, step)
    application.full_clean()
    application.save()
    if token and application.contact_email != old_email:
        application_notify(kind="resume", application=application, token=token)
    return application


def population_needed(kind: str) -> bool:
    """Whether an organisation of this kind gives its population (and its source and
    year): only local and regional governments, whose fee depends on it. Associations
    and associate partners pay a flat fee and are not asked."""
    return category_for(kind) == POPULATION_KINDS_CATEGORY


def population_year_range() -> tuple[int, int]:
    """The years a population figure may come from: POPULATION_YEAR_MIN to this year."""
    return POPULATION_YEAR_MIN, timezone.localdate().year


def population_year_error(year: int) -> str:
    """Why this year cannot be the year of a population figure ("" when it can)."""
    first, last = population_year_range()
    if year > last:
        return _("The year of the figure cannot be in the future.")
    if year < first:
        return _(
            "Please give a year from %(first)s to %(last)s: an older population figure "
            "cannot be used for the fee."
        ) % {"first": first, "last": last}
    return ""


def _check_population(application: Application) -> None:
    category = _check_kind(application.kind)
    application.category = category
    if category != POPULATION_KINDS_CATEGORY:
        # Not asked of this kind (its fee is flat): a figure given earlier, under
        # another kind, is dropped rather than kept unseen.
        application.population = None
        application.population_source = ""
        application.population_year = None
        return
    errors = _population_errors(application, fields=STEP_FIELDS[3])
    if errors:
        raise ValidationError(errors)


def _population_errors(
    application: Application, *, fields: tuple[str, ...] | list[str]
) -> dict[str, list[str]]:
    """Step 3's rules on the fields named (the others the form refused already)."""
    errors: dict[str, list[str]] = {}
    if not population_needed(application.kind):
        return errors
    if "population" in fields:
        if application.population is None:
            errors["population"] = [
                _("Please give the number of inhabitants of your city or region.")
            ]
        elif application.population < 0:
            errors["population"] = [_("The population cannot be negative.")]
    if "population_source" in fields and not application.population_source.strip():
        errors["population_source"] = [
            _("Please say where the population figure comes from, such as a census.")
        ]
    if "population_year" in fields:
        year = application.population_year
        if year is None:
            errors["population_year"] = [_("Please give the year of the population figure.")]
        elif message := population_year_error(year):
            errors["population_year"] = [message]
    return errors


def _quote(application: Application):
    """The fee this application would pay now (ValidationError when none can be computed)."""
    from pavilion.membership.fees import fee_quote

    return fee_quote(
        kind=application.kind,
        country=application.country,
        population=application.population,
        currency=application.currency,
    )


def application_quote(*, application: Application, **changes: Any):
    """The fee for the application with some fields changed (the form's live quote)."""
    preview = Application(
        **{
            field: getattr(application, field)
            for field in ("kind", "country", "population", "currency")
        }
    )
    for field, value in changes.items():
        setattr(preview, field, value)
    return _quote(preview)


@transaction.atomic
def application_document_add(
    *, application: Application, kind: str, upload: Any
) -> ApplicationDocument:
    """Check an uploaded file (a PDF within the size limit) and keep it privately."""
    application = _lock(application)
    if application.status not in (Status.DRAFT, Status.INFO_REQUESTED):
        raise ValidationError(_("This application has been sent: it can no longer be changed."))
    content = documents.read_pdf(upload)
    document = _store_document(
        application=application, kind=kind, content=content, name=upload.name
    )
    if application.status == Status.DRAFT and application.step < 4:
        application.step = 4
        application.save(update_fields=["step", "updated_at"])
    return document


def _check_document_kind(kind: str) -> str:
    if kind not in ApplicationDocument.Kind.values:
        raise ValidationError(
            {
                "kind": ValidationError(
                    _("Please choose a kind of document from the list."), code="invalid"
                )
            }
        )
    return kind


def _store_document(
    *, application: Application, kind: str, content: bytes, name: str
) -> ApplicationDocument:
    """Keep a checked PDF (``documents.read_pdf``) in private storage, in the caller's
    transaction; the file is removed again if its row cannot be saved."""
    document = ApplicationDocument(
        application=application,
        kind=_check_document_kind(kind),
        original_name=documents.clean_name(name),
        size=len(content),
        sha256=documents.digest(content),
    )
    # Saved through storages["private"] as configured now (the field's own storage is
    # fixed when the model loads), under a random name; the applicant's name is kept.
    storage = private_storage()
    path = document_path(document, f"{secrets.token_hex(16)}.pdf")
    document.file.name = storage.save(path, ContentFile(content))
    try:
        document.save()
    except Exception:
        storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def application_step_done(*, application: Application, step: int) -> Application:
    """Mark a step done without new data (the documents step, with a file sent before)."""
    application = _lock(application)
    if step == 4 and not application.documents.exists():
        raise ValidationError(
            {
                "file": ValidationError(
                    _("Please attach your letter of intent or council resolution (a PDF)."),
                    code="required",
                )
            }
        )
    if application.status == Status.DRAFT and application.step < step:
        application.step = step
        application.save(update_fields=["step", "updated_at"])
    return application


@transaction.atomic
def application_submit(
    *, application: Application, consent: bool, token: str | None = None
) -> Application:
    """Send the application: consent recorded with its time, the fee quoted now saved
    with it, a confirmation mailed in the applicant's language."""
    application = _lock(application)
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has already been sent."), code="not_allowed")
    if application.step < 4 or not application.documents.exists():
        raise ValidationError(
            _("Some steps are not complete yet: please go back and fill them in."),
            code="incomplete",
        )
    if not consent:
        raise ValidationError(
            {
                "consent": ValidationError(
                    _("Please agree to our keeping and using these details for your application."),
                    code="required",
                )
            }
        )
    _check_population(application)
    _set_keys(application)
    _check_not_open_elsewhere(application=application)
    quote = _quote(application)
    now = timezone.now()
    application.consent_at = now
    application.submitted_at = now
    application.quote = quote.to_json()
    application.quoted_amount = quote.amount
    application.currency = quote.currency
    application.fee_schedule = quote.schedule
    application.income_snapshot = quote.snapshot
    application.step = STEPS
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            _move(
                application=application,
                verb="submit",
                actor=None,
                extra={"amount": str(quote.amount), "currency": quote.currency},
            )
            application.save()
    except IntegrityError:
        # Another application from the same organisation was sent at the same moment.
        raise ValidationError(
            _("An application from this organisation is already being reviewed."),
            code="already_open",
        ) from None
    application_notify(kind="received", application=application, token=token)
    return application


@transaction.atomic
def application_answer(
    *,
    application: Application,
    note: str,
    uploads: list | tuple = (),
    kind: str = ApplicationDocument.Kind.OTHER,
    token: str | None = None,
) -> Application:
    """The applicant answers a request for information, in words, with PDFs, or both:
    the application goes back in review, the applicant gets a confirmation (with the
    link, ``token``) and the reviewer a notice with the answer. Each file is checked as
    the application's documents are (PDF only, size limit) and kept privately."""
    application = _lock(application)
    _check_allowed(application=application, verb="answer")
    note = (note or "").strip()
    uploads = [upload for upload in uploads if upload is not None]
    if len(uploads) > MAX_ANSWER_FILES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("Please send at most %(count)s files with one answer.")
                    % {"count": MAX_ANSWER_FILES},
                    code="too_many",
                )
            }
        )
    if not note and not uploads:
        raise ValidationError(
            {
                "note": ValidationError(
                    _("Please write your answer, or attach the document we asked for."),
                    code="required",
                )
            }
        )
    # Every check before anything is written: a refused file leaves no trace.
    files: list[tuple[str, bytes]] = []
    for upload in uploads:
        try:
            files.append((upload.name, documents.read_pdf(upload)))
        except ValidationError as error:
            if len(uploads) == 1:
                raise
            raise ValidationError(
                {
                    "file": [
                        _("%(name)s: %(problem)s")
                        % {"name": documents.clean_name(upload.name), "problem": message}
                        for message in error.messages
                    ]
                }
            ) from None
    if files:
        _check_document_kind(kind)
    question = selectors.application_last_note(application=application, verb="request_info")
    names = [documents.clean_name(name) for name, _content in files]
    _move(
        application=application,
        verb="answer",
        actor=None,
        note=note,
        extra={"documents": names} if names else None,
    )
    for name, content in files:
        _store_document(application=application, kind=kind, content=content, name=name)
    application_notify(kind="answer_received", application=application, token=token, note=note)
    application_notify_staff(
        kind="answered",
        application=application,
        recipients=staff_recipients(application=application),
        note=note,
        question=question,
        document_names=names,
    )
    return application


def staff_recipients(*, application: Application) -> list[str]:
    """Who hears of the applicant's answer: the reviewer; without one (or without an
    address), every active staff member who may review applications."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    reviewer = application.reviewer
    if reviewer is not None and reviewer.is_active and reviewer.email:
        return [reviewer.email]
    permission = Permission.objects.filter(
        codename="change_application", content_type__app_label="applications"
    ).first()
    may_review = Q(is_superuser=True)
    if permission is not None:
        may_review |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    addresses = (
        get_user_model()
        .objects.filter(may_review, is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    found = list(addresses)
    if not found:
        logger.warning(
            "Application %s was answered, but no staff address is known to tell.",
            application.pk,
        )
    return found


# The secretariat's review


@transaction.atomic
def application_review_start(*, application: Application, actor: Any, note: str = ""):
    application = _lock(application)
    _move(application=application, verb="review_start", actor=actor, note=note)
    return application


@transaction.atomic
def application_review_resume(*, application: Application, actor: Any, note: str):
    """Back in review while information is requested, for an answer that came another
    way (by e-mail, by post); the note says what came. The applicant is not mailed."""
    application = _lock(application)
    _check_allowed(application=application, verb="review_resume")
    note = _check_note(verb="review_resume", note=note)
    _move(application=application, verb="review_resume", actor=actor, note=note)
    return application


@transaction.atomic
def application_request_info(
    *, application: Application, actor: Any, note: str
) -> tuple[Application, str]:
    """Ask the applicant for more: the note is the question, mailed with a new link."""
    application = _lock(application)
    _check_allowed(application=application, verb="request_info")
    note = _check_note(verb="request_info", note=note)
    _move(application=application, verb="request_info", actor=actor, note=note)
    token = new_token()
    application.token_hash = token_hash(token)
    application.save(update_fields=["token_hash", "updated_at"])
    application_notify(kind="info_requested", application=application, token=token, note=note)
    return application, token


@transaction.atomic
def application_approve(*, application: Application, actor: Any, note: str = "") -> Application:
    """Approve: the member and its first invoice (current year) are created in this
    transaction; if the invoice cannot be issued, nothing is."""
    from pavilion.billing.services import invoice_issue

    application = _lock(application)
    _check_allowed(application=application, verb="approve")
    today = timezone.localdate()
    member = _member_from(application=application, today=today, actor=actor)
    try:
        with transaction.atomic():
            invoice = invoice_issue(member=member, year=today.year, actor=actor)
    except ValidationError as error:
        raise ValidationError(
            _("The first invoice could not be issued, so nothing was changed: %(reason)s")
            % {"reason": " ".join(error.messages)},
            code="invoice_failed",
        ) from error
    application.member = member
    application.save(update_fields=["member", "updated_at"])
    _move(
        application=application,
        verb="approve",
        actor=actor,
        note=note,
        extra={"member": member.pk, "invoice": invoice.number},
    )
    # The approval's note is internal: it is in the audit trail, not in the welcome.
    application_notify(kind="approved", application=application, invoice=invoice)
    return application


def _unique_slug(application: Application) -> str:
    base = slugify(member_names(application)["name_en"])[:100] or f"member-{application.pk}"
    slug, n = base, 1
    while Member.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def is_japanese(text: str) -> bool:
    """Whether a name is written in Japanese: it has kana or kanji (ideographs), full
    width or half width. "Harbourview" is not; "川口湾", "ハーバービュー" are."""
    for char in text or "":
        if "\u3040" <= char <= "\u30ff" or "\uff66" <= char <= "\uff9f":
            return True  # hiragana, katakana, half-width katakana
        if unicodedata.category(char) == "Lo" and unicodedata.name(char, "").startswith("CJK "):
            return True  # kanji (CJK ideographs, compatibility ones included)
    return False


def member_names(application: Application) -> dict[str, str]:
    """The member's name and locality fields from the application's.

    The names are asked for in English and in Japanese, each in its own field, and go
    to the same fields, except a name given only in the field of the other language (a
    Japanese name typed as the English one, or the reverse). The city or area is one
    field, typed in either language whatever the language of our e-mails: it goes to
    ``locality_ja`` when it is written in Japanese (kana or kanji), else to
    ``locality_en``."""
    name_en, name_ja = application.name_en.strip(), application.name_ja.strip()
    if not name_ja and is_japanese(name_en):
        name_en, name_ja = "", name_en
    elif not name_en and name_ja and not is_japanese(name_ja):
        name_en, name_ja = name_ja, ""
    locality = application.locality.strip()
    japanese = is_japanese(locality)
    return {
        "name_en": name_en,
        "name_ja": name_ja,
        "locality_en": "" if japanese else locality,
        "locality_ja": locality if japanese else "",
    }


def _member_from(*, application: Application, today: dt.date, actor: Any) -> Member:
    from pavilion.membership.services import member_create

    return member_create(
        actor=actor,
        slug=_unique_slug(application),
        **member_names(application),
        kind=application.kind,
        category=application.category or category_for(application.kind),
        country=application.country,
        population=application.population,
        population_year=application.population_year,
        population_source=application.population_source,
        website=application.website,
        language=application.language,
        currency=application.currency or "EUR",
        contact_name=application.contact_name,
        contact_email=application.contact_email,
        billing_email=application.contact_email,
        joined_on=today,
        is_listed=True,
        is_example=application.is_example,
    )


@transaction.atomic
def application_reject(*, application: Application, actor: Any, note: str) -> Application:
    application = _lock(application)
    _check_allowed(application=application, verb="reject")
    note = _check_note(verb="reject", note=note)
    _move(application=application, verb="reject", actor=actor, note=note)
    application_notify(kind="rejected", application=application, note=note)
    return application


@transaction.atomic
def application_withdraw(
    *, application: Application, actor: Any = None, note: str = ""
) -> Application:
    """Withdraw (the applicant, or staff on their word)."""
    application = _lock(application)
    _move(application=application, verb="withdraw", actor=actor, note=note)
    application_notify(kind="withdrawn", application=application, note=note)
    return application


STAFF_SERVICES = {
    "review_start": application_review_start,
    "review_resume": application_review_resume,
    "request_info": application_request_info,
    "approve": application_approve,
    "reject": application_reject,
    "withdraw": application_withdraw,
}
