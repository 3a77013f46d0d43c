"""Read snapshots: a refresh of many objects of one parent (the templates of an app) reads
them with one list request per 500 objects instead of one request each.

The first ``read`` of a parent's object shows it alone. The read of a *second* object of the
same parent lists all the parent's objects (paged, 500 a page) and keeps them as a snapshot;
the reads that follow are served from it. A refresh of N templates of an app therefore takes
1 + ⌈N/500⌉ requests.

A snapshot never serves stale data across passes or after writes:

* It lives in the provider process's memory only, never in state: every ``pulumi`` command
  starts a new provider process, so nothing crosses from one command to the next.
* Every create, update and delete in the process (of any resource type) bumps a generation;
  a snapshot taken under an older generation is dropped, and a listing that overlapped a
  write is never used.
* Each object is served from a snapshot at most once, and never when it was read before:
  a second read of the same object (a later pass in a process that stays up) reads it live.
* A snapshot is used for :data:`MAX_AGE` seconds after its listing at most.
* An object missing from a snapshot is read live: only the API's 404 says it is gone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from providers.client import ClientError
from providers.client.cache import KeyLocks

__all__ = ["MAX_AGE", "ReadSnapshots", "generation", "writing"]

#: Seconds a snapshot serves reads after it was listed.
MAX_AGE = 10.0


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Identified)

_generation = 0
_generation_lock = threading.Lock()


def generation() -> int:
    """How many times a write started or ended in this process."""
    return _generation


def _bump() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


@contextmanager
def writing() -> Iterator[None]:
    """Wrap every remote write: snapshots taken before it, or while it ran, are not used."""
    _bump()
    try:
        yield
    finally:
        _bump()


@dataclass
class _Entry:
    first: Any
    generation: int
    taken_at: float
    read: set[str] = field(default_factory=set)
    objects: dict[str, Any] | None = None  # None until a second object is read


class ReadSnapshots:
    """Snapshots per parent key; thread-safe (reads of one parent wait for its listing)."""

    def __init__(
        self, *, max_age: float = MAX_AGE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_age = max_age
        self._clock = clock
        self._entries: dict[Hashable, _Entry] = {}
        self._key_lock = KeyLocks()

    def _current(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.generation != generation() or self._clock() - entry.taken_at > self.max_age:
            del self._entries[key]
            return None
        return entry

    def read(
        self,
        key: Hashable,
        object_id: str,
        show: Callable[[], T],
        list_all: Callable[[T], Iterable[T]],
    ) -> T:
        """The live object ``object_id`` of the parent ``key``: from the parent's snapshot when
        one serves it, else by ``show()`` (which raises when the object is gone).

        ``list_all(first)`` lists every object of the parent; ``first`` is the object the
        parent's first read showed (e.g. to learn the parent's key for the list filter).
        """
        with self._key_lock(key):
            entry = self._current(key)
            if entry is None:
                started = generation()
                first = show()
                self._entries[key] = _Entry(first, started, self._clock(), {object_id})
                return first
            if object_id in entry.read:
                return show()  # read before: a later pass, never served from the snapshot
            entry.read.add(object_id)
            if entry.objects is None:
                entry.objects = self._list(entry, list_all)
                if entry.objects is None:
                    del self._entries[key]
                    return show()
            found: T | None = entry.objects.get(object_id)
            return found if found is not None else show()

    def _list(self, entry: _Entry, list_all: Callable[[T], Iterable[T]]) -> dict[str, Any] | None:
        started = generation()
        try:
            objects = {o.id: o for o in list_all(entry.first)}
        except ClientError:
            return {}  # reads go on one by one; the error shows again if it persists
        if generation() != started:
            return None  # a write ran meanwhile: the listing may predate it
        entry.taken_at = self._clock()
        return objects
