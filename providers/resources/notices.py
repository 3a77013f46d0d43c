"""Lines for the person running ``pulumi``: the engine shows a provider's stderr as info.

Never pass a secret here.
"""

from __future__ import annotations

import sys
import threading

__all__ = ["notice"]

_lock = threading.Lock()


def notice(text: str) -> None:
    """Print one line to stderr (whole, even when several resources are busy at once)."""
    with _lock:
        sys.stderr.write(f"msgsms: {text}\n")
        sys.stderr.flush()
