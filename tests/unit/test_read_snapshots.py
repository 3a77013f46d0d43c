"""ReadSnapshots on their own: when a read is served from a listing and when it is read live."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from providers.client import ServerError
from providers.resources.snapshot import ReadSnapshots, writing

KEY = ("templates", "cn-north-4", "app-1")


@dataclass(frozen=True)
class Obj:
    id: str
    version: int = 1


@dataclass
class Api:
    """Objects of one parent and the calls made to read them."""

    objects: dict[str, Obj]
    calls: list[str] = field(default_factory=list)
    fail_listing: bool = False
    during_listing: list[Callable[[], None]] = field(default_factory=list)

    def show(self, object_id: str) -> Obj:
        self.calls.append(f"show {object_id}")
        return self.objects[object_id]

    def list_all(self, first: Obj) -> Iterable[Obj]:
        self.calls.append(f"list after {first.id}")
        if self.fail_listing:
            raise ServerError(
                status=500,
                error_code="MSGSMS.0001",
                error_msg="Internal server error.",
                request_id=None,
                method="GET",
                path="/templates",
            )
        for hook in self.during_listing:
            hook()
        return list(self.objects.values())

    def read(self, snapshots: ReadSnapshots, object_id: str) -> Obj:
        return snapshots.read(KEY, object_id, lambda: self.show(object_id), self.list_all)


def api(count: int = 4) -> Api:
    return Api({f"o{i}": Obj(f"o{i}") for i in range(count)})


def test_the_first_read_shows_the_second_lists_and_the_rest_are_served() -> None:
    remote, snapshots = api(), ReadSnapshots()

    read = [remote.read(snapshots, f"o{i}") for i in range(4)]

    assert read == [Obj(f"o{i}") for i in range(4)]
    assert remote.calls == ["show o0", "list after o0"]


def test_an_object_is_served_once_then_read_live() -> None:
    remote, snapshots = api(), ReadSnapshots()
    for i in range(3):
        remote.read(snapshots, f"o{i}")
    remote.objects["o2"] = Obj("o2", version=2)
    remote.objects["o0"] = Obj("o0", version=2)

    assert remote.read(snapshots, "o2").version == 2
    assert remote.read(snapshots, "o0").version == 2
    assert remote.calls[-2:] == ["show o2", "show o0"]


def test_a_snapshot_expires_after_its_max_age() -> None:
    now = [0.0]
    remote, snapshots = api(), ReadSnapshots(max_age=10, clock=lambda: now[0])
    remote.read(snapshots, "o0")
    remote.read(snapshots, "o1")  # lists at t=0
    remote.objects["o2"] = Obj("o2", version=2)

    now[0] = 10.5
    assert remote.read(snapshots, "o2").version == 2
    assert remote.calls[-1] == "show o2"


def test_a_write_drops_the_snapshot() -> None:
    remote, snapshots = api(), ReadSnapshots()
    remote.read(snapshots, "o0")
    remote.read(snapshots, "o1")
    with writing():
        remote.objects["o3"] = Obj("o3", version=2)

    assert remote.read(snapshots, "o3").version == 2
    assert remote.calls[-1] == "show o3"


def test_a_listing_during_a_write_is_not_used() -> None:
    remote, snapshots = api(), ReadSnapshots()
    remote.read(snapshots, "o0")

    def write() -> None:
        with writing():
            pass

    remote.during_listing.append(write)

    assert remote.read(snapshots, "o1") == Obj("o1")
    assert remote.calls == ["show o0", "list after o0", "show o1"]
    remote.read(snapshots, "o2")  # starts over: this read shows, the next one lists
    assert remote.calls[-1] == "show o2"


def test_a_failed_listing_falls_back_to_reading_one_by_one() -> None:
    remote, snapshots = api(), ReadSnapshots()
    remote.fail_listing = True

    read = [remote.read(snapshots, f"o{i}") for i in range(4)]

    assert read == [Obj(f"o{i}") for i in range(4)]
    assert remote.calls == ["show o0", "list after o0", "show o1", "show o2", "show o3"]


def test_an_object_missing_from_the_listing_is_shown() -> None:
    remote, snapshots = api(), ReadSnapshots()
    remote.read(snapshots, "o0")
    remote.read(snapshots, "o1")
    remote.objects["o9"] = Obj("o9")

    assert remote.read(snapshots, "o9") == Obj("o9")
    assert remote.calls[-1] == "show o9"


def test_concurrent_reads_of_one_parent_share_one_listing() -> None:
    remote, snapshots = api(40), ReadSnapshots()
    remote.read(snapshots, "o0")
    results: list[Obj] = []
    lock = threading.Lock()

    def reader(i: int) -> None:
        found = remote.read(snapshots, f"o{i}")
        with lock:
            results.append(found)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(1, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.id for r in results) == sorted(f"o{i}" for i in range(1, 40))
    assert remote.calls == ["show o0", "list after o0"]
