"""Billing settings, each with a development default (override them in settings).

- ``PAVILION_INVOICE_DUE_DAYS`` (30): days from issue to the due date.
- ``PAVILION_REMINDER_BEFORE_DAYS`` (14): the first reminder goes this many days
  before the due date.
- ``PAVILION_REMINDER_AFTER_DAYS`` (7): the second goes this many days after it.
- ``PAVILION_LAPSED_AFTER_DAYS`` (90): an invoice unpaid this long after its due
  date makes the member lapsed.
- ``PAVILION_BILLING_ISSUER``: ``{"en": "name\\naddress lines", "ja": "…"}``, the
  address block printed at the top of every invoice.
- ``PAVILION_BILLING_PAYMENT_INSTRUCTIONS``: ``{"en": "…", "ja": "…"}``, how to pay.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_ISSUER = {
    "en": "Network Secretariat (example address)\n1-2-3 Example-machi\nTokyo 100-0000\nJapan",
    "ja": "ネットワーク事務局（例示の住所）\n〒100-0000\n東京都千代田区例示町1-2-3",
}
DEFAULT_PAYMENT_INSTRUCTIONS = {
    "en": (
        "Please pay by bank transfer to: Example Bank, Tokyo branch, account 0000000, "
        "account holder Network Secretariat (example account details)."
    ),
    "ja": (
        "お支払いは次の口座へ銀行振込でお願いいたします。例示銀行 東京支店 普通預金 0000000 "
        "口座名義 ネットワーク事務局（例示の口座情報）"
    ),
}


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def due_days() -> int:
    return _int("PAVILION_INVOICE_DUE_DAYS", 30)


def reminder_before_days() -> int:
    return _int("PAVILION_REMINDER_BEFORE_DAYS", 14)


def reminder_after_days() -> int:
    return _int("PAVILION_REMINDER_AFTER_DAYS", 7)


def lapsed_after_days() -> int:
    return _int("PAVILION_LAPSED_AFTER_DAYS", 90)


def _by_lang(name: str, default: dict[str, str], lang: str) -> str:
    values = getattr(settings, name, None) or default
    return values.get(lang) or values.get(settings.LANGUAGE_CODE) or ""


def issuer_lines(lang: str) -> list[str]:
    return [line for line in _by_lang("PAVILION_BILLING_ISSUER", DEFAULT_ISSUER, lang).split("\n")]


def payment_instructions(lang: str) -> str:
    return _by_lang("PAVILION_BILLING_PAYMENT_INSTRUCTIONS", DEFAULT_PAYMENT_INSTRUCTIONS, lang)
