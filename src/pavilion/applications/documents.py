"""Checking the documents applicants send: PDF only, within the size limit.

A file counts as a PDF when its name ends in ``.pdf``, the browser calls it
``application/pdf`` (or sends no useful type) and its content starts with
``%PDF-``; a renamed image or text file is refused whatever its name says. The
limit is the setting ``PAVILION_APPLICATION_MAX_UPLOAD_BYTES`` (default 5 MB).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
PDF_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream", ""}
PDF_MAGIC = b"%PDF-"


def max_bytes() -> int:
    return int(getattr(settings, "PAVILION_APPLICATION_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """A size in megabytes for messages ("5 MB"; "0.5 MB")."""
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.1f}"


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def read_pdf(upload) -> bytes:
    """The upload's bytes, or ValidationError on the ``file`` field."""
    if upload is None:
        raise _error(_("Please choose a PDF file to send."), "required")
    name = upload.name or ""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise _error(
            _("This file is %(size)s MB; the limit is %(limit)s MB. Please send a smaller PDF.")
            % {"size": size_text(upload.size), "limit": size_text(limit)},
            "too_large",
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if not name.lower().endswith(".pdf") or content_type not in PDF_TYPES:
        raise _error(_("Please send a PDF file (its name ends in .pdf)."), "not_pdf")
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _error(
            _("This file is larger than %(limit)s MB. Please send a smaller PDF.")
            % {"limit": size_text(limit)},
            "too_large",
        )
    if not content.startswith(PDF_MAGIC):
        raise _error(
            _("This file is not a PDF, although its name ends in .pdf. Please send a PDF."),
            "not_pdf",
        )
    return content


def clean_name(name: str) -> str:
    """The file's own name, without folders or control characters, for staff to see."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "document.pdf"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
