"""Peak memory of the processes a pass starts: the provider host and the program."""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["ROLES", "PeakRss"]

#: Role -> a part of the command line that identifies it.
ROLES = {"provider": "pulumi.dynamic", "program": "program_host.py"}


def _children() -> list[int]:
    me = str(os.getpid())
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # the field after the parenthesised command name is the state, then the parent
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me:
            pids.append(int(entry.name))
    return pids


def _role_and_peak(pid: int) -> tuple[str, int] | None:
    try:
        cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
        status = (Path("/proc") / str(pid) / "status").read_text()
    except OSError:
        return None
    role = next((r for r, mark in ROLES.items() if mark.encode() in cmdline), None)
    if role is None:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):  # the peak resident set size so far
            return role, int(line.split()[1]) * 1024
    return None


class PeakRss:
    """Samples the peak RSS (``VmHWM``) of this process's provider and program children while
    the block runs; ``peaks`` maps role -> bytes (the largest seen)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid in _children():
            found = _role_and_peak(pid)
            if found is not None:
                role, peak = found
                self.peaks[role] = max(peak, self.peaks.get(role, 0))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
