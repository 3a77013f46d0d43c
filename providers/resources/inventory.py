"""Inventories: what already existed under a parent when a provider process first created there.

A create must never make a second copy of an object that an interrupted run already made: a
CI job cancelled, or a runner killed, after the POST or during the review wait leaves the
object remotely but not in the state, and the next run calls ``create`` again. For objects the
API lets share a name (templates), the create therefore looks for an identical one first.
Listing once per parent and process (one request per 500 objects) instead of once per create
keeps that to a fraction of a request per object.

An inventory only answers "what existed before this process wrote here":

* it is listed on the first create under a parent, before that create's POST, and creates
  under one parent wait for the listing, so every object this process creates comes after it;
* an object is taken over at most once (:meth:`Inventory.claim`), so two creates never share
  one remote object;
* an object this process deleted is never offered again (:meth:`Inventory.forget`);
* it lives in the provider process only: every ``pulumi`` command starts afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Protocol, TypeVar

from providers.client.cache import KeyLocks

__all__ = ["Inventory"]


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Identified)


class Inventory:
    """Listings per parent key; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_lock = KeyLocks()
        self._listed: dict[Hashable, list[_Identified]] = {}
        self._claimed: set[str] = set()
        self._forgotten: set[str] = set()

    def objects(self, key: Hashable, list_all: Callable[[], Iterable[T]]) -> list[T]:
        """The parent's objects as first listed (``list_all()``, once per key), less those
        claimed or deleted since."""
        with self._key_lock(key):
            if key not in self._listed:
                self._listed[key] = list(list_all())
            listed = self._listed[key]
        with self._lock:
            taken = self._claimed | self._forgotten
            return [o for o in listed if o.id not in taken]  # type: ignore[misc]

    def claim(self, object_id: str) -> bool:
        """Take ``object_id`` for one create; False when it was taken (or deleted) before."""
        with self._lock:
            if object_id in self._claimed or object_id in self._forgotten:
                return False
            self._claimed.add(object_id)
            return True

    def forget(self, object_id: str) -> None:
        """``object_id`` was deleted: never offer it again."""
        with self._lock:
            self._forgotten.add(object_id)
