"""The emulator's request log, read as API operations: ``GET /templates/{id}/varilable``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["count_operations", "operation"]

_MSGSMS = re.compile(r"^/v2/[^/]+/msgsms")
# a path segment that names one object (uuid-like ids, 32-hex project ids, numbers)
_ID = re.compile(r"^(?=.*\d)[0-9A-Za-z-]{8,}$|^\d+$")


def operation(entry: Mapping[str, Any]) -> str:
    """``METHOD /path`` with the project prefix dropped and object ids as ``{id}``."""
    path = _MSGSMS.sub("", str(entry["path"]))
    segments = ["{id}" if _ID.match(s) else s for s in path.split("/")]
    return f"{entry['method']} {'/'.join(segments)}"


def count_operations(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Operation -> how often it was requested, most frequent first."""
    return dict(Counter(operation(e) for e in entries).most_common())
