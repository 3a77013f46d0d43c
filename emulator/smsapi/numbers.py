"""Recipient numbers of the send API (reference §4.1).

``to`` holds numbers in ``+{CC}{NDC}{SN}`` form; a domestic mobile number may omit ``+86``.
Any character other than digits and ``+`` fails the whole request; a number that is only
malformed (a ``+`` in the middle, a wrong length) fails alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CHINA",
    "ISO_CODES",
    "MAX_NUMBER_LENGTH",
    "Recipient",
    "foreign_characters",
    "parse_recipient",
]

MAX_NUMBER_LENGTH = 21
#: The calling code of the Chinese mainland.
CHINA = 86
_DOMESTIC_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_ALLOWED = re.compile(r"^[0-9+]*$")

#: ISO 3166 alpha-2 code (the response's ``countryId``) of the Chinese mainland and of every
#: destination of international templates (``GET .../country``), by calling code.
ISO_CODES: dict[int, str] = {
    1: "US", 7: "RU", 20: "EG", 27: "ZA", 30: "GR", 31: "NL", 32: "BE", 33: "FR", 34: "ES",
    36: "HU", 39: "IT", 40: "RO", 41: "CH", 43: "AT", 44: "GB", 45: "DK", 46: "SE", 47: "NO",
    48: "PL", 49: "DE", 51: "PE", 52: "MX", 54: "AR", 55: "BR", 56: "CL", 57: "CO", 60: "MY",
    61: "AU", 62: "ID", 63: "PH", 64: "NZ", 65: "SG", 66: "TH", 81: "JP", 82: "KR", 84: "VN",
    86: "CN", 90: "TR", 91: "IN", 92: "PK", 93: "AF", 94: "LK", 95: "MM", 98: "IR", 212: "MA",
    213: "DZ", 234: "NG", 254: "KE", 255: "TZ", 351: "PT", 353: "IE", 358: "FI", 380: "UA",
    420: "CZ", 852: "HK", 853: "MO", 855: "KH", 856: "LA", 880: "BD", 886: "TW", 960: "MV",
    966: "SA", 971: "AE", 972: "IL", 974: "QA", 976: "MN", 977: "NP", 998: "UZ",
}  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    """A number of ``to`` as given, and what it means once normalised."""

    given: str
    number: str | None  # E.164, e.g. +8613800000000; None when malformed
    calling_code: int | None  # None when malformed or not a code the emulator knows

    @property
    def country_id(self) -> str:
        """``countryId`` of the result: the ISO code, or ``"--"`` when unknown."""
        return ISO_CODES.get(self.calling_code or 0, "--")

    @property
    def domestic(self) -> bool:
        return self.calling_code == CHINA


def foreign_characters(numbers: list[str]) -> str | None:
    """The first number holding a character other than digits and ``+``, if any."""
    return next((n for n in numbers if not _ALLOWED.match(n)), None)


def parse_recipient(given: str) -> Recipient:
    text = given.strip()
    if _DOMESTIC_MOBILE.match(text):
        text = f"+{CHINA}{text}"
    if len(text) > MAX_NUMBER_LENGTH or not _E164.match(text):
        return Recipient(given, None, None)
    if text.startswith(f"+{CHINA}") and not _DOMESTIC_MOBILE.match(text[3:]):
        return Recipient(given, None, None)
    digits = text[1:]
    code = next((int(digits[:n]) for n in (1, 2, 3) if int(digits[:n]) in ISO_CODES), None)
    return Recipient(given, text, code)
