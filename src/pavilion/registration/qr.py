"""QR codes of registration codes, drawn with segno (pure Python, no dependencies).

The QR code holds the registration's code and nothing else, in the form the
check-in page accepts: a USB scanner at the desk "types" it followed by Enter.
The code is upper-case letters and digits, so segno uses QR's compact
alphanumeric mode and a twelve-character code fits the smallest symbol (21×21).
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

# Quartile (25% of the symbol can be lost): a crumpled print-out or a cracked
# phone screen still scans, and the symbol stays small.
ERROR_LEVEL = "q"


@lru_cache(maxsize=256)  # choosing the mask is most of the work; a page and a mail share it
def _symbol(code: str) -> segno.QRCode:
    return segno.make_qr(code, error=ERROR_LEVEL, boost_error=False)


def qr_svg(code: str, *, title: str, scale: int = 8) -> str:
    """An inline <svg> element (no XML declaration) for a page; ``title`` is its text
    alternative, read by screen readers."""
    return _symbol(code).svg_inline(
        scale=scale, border=4, title=title, dark="#000", light="#fff", svgclass="qr-code"
    )


def qr_png(code: str, *, scale: int = 10) -> bytes:
    """A PNG (black on white, with the quiet zone scanners need) for an e-mail attachment."""
    out = io.BytesIO()
    _symbol(code).save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
