"""Child processes that cannot outlive the harness: the provider hosts and program runs.

Standard library only.
"""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["die_with_parent", "stop"]

# Runs first in the child: ask the kernel (Linux) to kill it when the spawning thread ends, check
# the parent is still there, then exec the real command, which keeps the setting. Doing this in a
# launcher rather than in a preexec_fn lets subprocess use vfork: forking a process with gRPC
# threads running is unsafe.
_LAUNCHER = """
import ctypes, os, signal, sys
if sys.platform.startswith("linux"):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(70)
os.execv(sys.argv[2], sys.argv[2:])
"""


def die_with_parent(command: list[str], python: str = sys.executable) -> list[str]:
    """``command`` wrapped so the child dies with the thread that starts it (start it from the
    test's main thread); the process that runs is exactly ``command``."""
    return [python, "-S", "-c", _LAUNCHER, str(os.getpid()), *command]


def stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL when it has not ended after ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
