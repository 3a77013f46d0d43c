"""Choosing the entries' keys, which become the Pulumi resource names.

Keys are derived from names: letters and digits kept, lower-cased, anything else made ``_``;
a signature's key ends with its type (``shopcloud_notify``). Names without a letter or digit
to keep (e.g. Chinese ones) get the kind and a short hash of the name (``sig_notify_3fa2``), so
the same estate always exports to the same keys; a key taken already gets a short hash of the
object's id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from providers.catalog import KEY_PATTERN

from .entry import Entry, Kind

__all__ = ["assign_keys", "key_base", "short_hash"]

_PREFIX: Mapping[Kind, str] = {"app": "app", "signature": "sig", "template": "tpl"}
_KEY = re.compile(KEY_PATTERN)
_KEY_MAX = 64


def short_hash(text: str) -> str:
    """Four hex digits of the SHA-256 of ``text``: the same text, the same digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:4]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def key_base(kind: Kind, name: str, type_word: str | None = None) -> str:
    """The key an object of ``kind`` named ``name`` gets unless it is taken already."""
    slug = _slug(name)
    if not slug:
        parts = [_PREFIX[kind], *([type_word] if type_word else []), short_hash(name)]
        return "_".join(parts)
    if not slug[0].isalpha():
        slug = f"{_PREFIX[kind]}_{slug}"
    return f"{slug}_{type_word}" if type_word else slug


def assign_keys(entries: Sequence[Entry]) -> None:
    """Give each entry a valid key, unique across the catalog, in the entries' order."""
    taken: set[str] = set()
    suffix_room = 5  # "_" and 4 hex digits
    for entry in entries:
        base = entry.base[:_KEY_MAX]
        candidates = [base, f"{base[: _KEY_MAX - suffix_room]}_{short_hash(entry.identity)}"]
        key = next((c for c in candidates if c not in taken), None)
        number = 2
        while key is None:
            numbered = f"{candidates[1][: _KEY_MAX - len(str(number)) - 1]}_{number}"
            key = numbered if numbered not in taken else None
            number += 1
        assert _KEY.match(key), key
        entry.key = key
        taken.add(key)
