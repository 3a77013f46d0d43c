"""The broken-catalog corpus and the problems each file declares it must produce.

Every ``catalogs/broken/*.sms.yaml`` starts with a comment saying what is wrong and one
``# expect: LINE: PATH: MESSAGE`` line per problem.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["BROKEN", "CORPUS", "expectations"]

BROKEN = Path(__file__).parent / "catalogs" / "broken"
CORPUS = sorted(BROKEN.glob("*.sms.yaml"))
_EXPECT = re.compile(r"^# expect: (?P<line>\d+): (?P<path>[^:]+): (?P<message>.+)$")


def expectations(path: Path) -> list[tuple[int, str, str]]:
    """``(line, path, message)`` of each problem the file's leading comment expects."""
    found = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.startswith("#"):
            break
        match = _EXPECT.match(text)
        if match:
            found.append((int(match["line"]), match["path"], match["message"]))
    return found
