"""Long-SMS splitting (reference §4.6): the segment count a message is billed and reported as.

Domestic messages count every character once, the bracketed signature included: up to 70 is
one segment, longer ones 67 per segment. International text that is all GSM-7 splits 160/153,
with the extension characters ``^ { } \\ [ ~ ] | €`` and form feed counting two (the escape
plus the character, the common industry rule); any other character makes the message UCS-2,
split 70/67 and counted in UTF-16 code units, so a character outside the BMP counts two.

This is the service's own rule, kept apart from the providers' estimate on purpose: the
emulator is what those estimates are checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "Split", "split_message"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

Encoding = Literal["domestic", "GSM-7", "UCS-2"]


@dataclass(frozen=True)
class Split:
    """A message's counted length, its encoding and how many segments it takes."""

    length: int
    encoding: Encoding
    segments: int


#: (longest single message, length per segment of a long one) per encoding.
_LIMITS: dict[Encoding, tuple[int, int]] = {
    "domestic": (70, 67),
    "GSM-7": (160, 153),
    "UCS-2": (70, 67),
}


def _measure(text: str, international: bool) -> tuple[int, Encoding]:
    if not international:
        return len(text), "domestic"
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text), "GSM-7"
    return len(text.encode("utf-16-le")) // 2, "UCS-2"


def split_message(text: str, *, international: bool) -> Split:
    """How ``text`` (for domestic messages: with its bracketed signature) is split."""
    length, encoding = _measure(text, international)
    single, part = _LIMITS[encoding]
    segments = 1 if length <= single else -(-length // part)
    return Split(length=length, encoding=encoding, segments=segments)
