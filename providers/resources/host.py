"""How many calls the provider host serves at once.

Pulumi's host for Python dynamic providers (``python -m pulumi.dynamic``) serves the engine's
gRPC calls from a pool of four threads (``futures.ThreadPoolExecutor(max_workers=4)`` in
``pulumi/dynamic/__main__.py``), whatever the engine's ``--parallel``: a fifth Create waits
for one of four to end. Against an API that takes a tenth of a second or more per request,
creating a thousand templates then takes at least 1000 x latency / 4.

:func:`widen` lets that pool grow to ``msgsms:hostThreads`` threads (default 16), from inside
a call the pool runs: the pool is the one whose worker runs the current thread. It changes
nothing when the call does not run in such a pool (a test calling a provider directly, a host
that is built differently), and the pool never shrinks. The engine still bounds how many
calls it sends at once (``--parallel``, four per CPU by default).
"""

from __future__ import annotations

import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

__all__ = ["DYNAMIC_HOST", "in_dynamic_host", "widen"]

#: The module the engine runs as the provider host of Python dynamic providers.
DYNAMIC_HOST = "pulumi.dynamic.__main__"

_lock = threading.Lock()


def in_dynamic_host() -> bool:
    """Whether this process is Pulumi's dynamic provider host."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_HOST


def _current_pool() -> ThreadPoolExecutor | None:
    """The thread pool whose worker is the current thread, if it is one.

    A worker of ``concurrent.futures.thread`` runs ``_worker(executor_reference, ...)``; the
    thread keeps its arguments while it runs, the first being a weak reference to the pool.
    """
    args = getattr(threading.current_thread(), "_args", None)
    reference = args[0] if isinstance(args, tuple) and args else None
    pool = reference() if isinstance(reference, weakref.ReferenceType) else None
    return pool if isinstance(pool, ThreadPoolExecutor) else None


def widen(threads: int) -> int | None:
    """Let the host's pool serve up to ``threads`` calls at once; the pool's size after, or
    None when this call is not served by the dynamic provider host's pool."""
    if not in_dynamic_host():
        return None
    pool = _current_pool()
    if pool is None or not isinstance(getattr(pool, "_max_workers", None), int):
        return None
    with _lock:
        if threads > pool._max_workers:
            pool._max_workers = threads
        return pool._max_workers
