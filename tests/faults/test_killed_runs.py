"""A run killed in the middle of a create (a cancelled CI job, a runner that died) leaves no
duplicate and no stuck pipeline.

The offline engine runs ``up`` in a process of its own (``python -m harness.engine``) whose API
requests pass through an :class:`Interceptor`. At a chosen point of one resource's create it
and its program and provider processes are killed with SIGKILL:

* before the POST: the request is held at the proxy and never reaches the service;
* after the POST: the service has made the object, the answer is held;
* during the review wait: the object is created and the ``msgsms:Reviews`` resource is
  polling its review (signatures and templates, ``wait_for: approved``).

The checkpoint then holds a pending create for the resource under way and not the resource,
as the engine leaves it. The next ``up`` warns about the pending create, calls Create again,
and the provider takes over the object the killed run made instead of making another (for a
review wait, the object is in the stack already and the wait starts again); the ``up`` after
that is all same with no API request, and ``refresh --clear-pending-creates`` clears the
warning for good.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, set_review
from harness.engine.state import Checkpoint
from harness.interceptor import Interceptor, Rule
from tests.faults.stack import (
    Estate,
    convergence_problems,
    example_stack,
    load_variant,
    stack_settings,
)

pytestmark = pytest.mark.slow

Point = Literal["before the POST", "after the POST", "during the review wait"]
WAIT_SECONDS = 90.0
LICENCE = str(PROJECT_ROOT / "stacks" / "files" / "licence.png")

#: The catalog, one entry per kind; each case adds its kind's entry to those before it.
ENTRIES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "app": ("apps", "shop", {"name": "kill-shop", "scope": "cn", "adopt": False}),
    "file": ("files", "licence", {"path": LICENCE, "description": "business licence"}),
    "signature": (
        "signatures",
        "shop_sig",
        {
            "app": "shop",
            "name": "云商城",
            "type": "NOTIFY_TYPE",
            "source": 0,
            "licence_file": "licence",
            "apply_desc": "order notices",
        },
    ),
    "template": (
        "templates",
        "shipped",
        {
            "app": "shop",
            "signature": "shop_sig",
            "name": "order-shipped",
            "content": "您的订单${1}已发货，请注意查收。",
            "variables": [{"index": 1, "type": "CHARDIGIT"}],
        },
    ),
}
KINDS = list(ENTRIES)
#: The path of each kind's create (POST) and of one object (a review poll).
CREATE_PATH = {
    "app": r"/msgsms/apps$",
    "file": r"/msgsms/upload-files$",
    "signature": r"/msgsms/signatures$",
    "template": r"/msgsms/templates$",
}
#: The listing a wait for review polls.
LIST_PATH = {"signature": r"/msgsms/signatures$", "template": r"/msgsms/templates$"}
NAME_FIELD = {"apps": "app_name", "signatures": "signature_name", "templates": "template_name"}

CASES = [
    pytest.param(kind, point, id=f"{kind}-{point.replace(' ', '-')}")
    for kind in KINDS
    for point in ("before the POST", "after the POST", "during the review wait")
    if point != "during the review wait" or kind in LIST_PATH
]


def write_catalog(directory: Path, kinds: list[str]) -> Path:
    data: dict[str, Any] = {
        "defaults": {"region": "cn-north-4", "wait_for": "approved", "wait_timeout": 120}
    }
    for kind in kinds:
        section, key, entry = ENTRIES[kind]
        data.setdefault(section, {})[key] = entry
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "kill.sms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def wait_for(condition: Callable[[], bool], what: str, engine: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if engine.poll() is not None:
            out, err = engine.communicate()
            raise AssertionError(f"the engine ended before {what}:\n{out.decode()}{err.decode()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@dataclass
class KilledRun:
    """An ``up`` in its own process group, killed at a point of one resource's create."""

    emulator: EmulatorProcess
    state_dir: Path
    catalog: Path

    def run(self, kind: str, point: Point) -> None:
        regions: dict[str, dict[str, str]] = self.emulator.info["regions"]
        upstreams = [self.emulator.iam_url, *(r["msgsms_url"] for r in regions.values())]
        with Interceptor(upstreams) as proxy:
            rule: Rule | None = None
            if point == "before the POST":
                rule = proxy.on("POST", CREATE_PATH[kind], "hold")
            elif point == "after the POST":
                rule = proxy.on("POST", CREATE_PATH[kind], "hold-answer")
            else:
                set_review(self.emulator, "manual")  # the review stays open while we wait
            settings = stack_settings(
                self.emulator,
                catalog=self.catalog,
                endpoints=proxy.endpoints(self.emulator.endpoints()),
            )
            command = [sys.executable, "-m", "harness.engine", "up", "--project", str(PROJECT_ROOT)]
            command += ["--stack", "dev", "--state-dir", str(self.state_dir)]
            command += ["--config", json.dumps(settings.config)]
            command += ["--secrets", json.dumps(settings.secrets)]
            command += ["--env", json.dumps(settings.env)]
            engine = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            try:
                if rule is not None:
                    wait_for(rule.matched.is_set, f"the create {point}", engine)
                else:
                    # the object submitted, then a poll of its review
                    def polled() -> bool:
                        seen = proxy.requests()
                        posts = [i for i, r in enumerate(seen) if r.startswith("POST ")]
                        lists = [
                            i
                            for i, r in enumerate(seen)
                            if r.startswith("GET ") and re.search(LIST_PATH[kind], r)
                        ]
                        return bool(posts) and any(i > posts[-1] for i in lists)

                    wait_for(polled, "a poll of the review", engine)
            finally:
                if engine.poll() is None:
                    os.killpg(engine.pid, signal.SIGKILL)
                engine.communicate()
        # the interceptor is closed: a held request never reaches the service
        set_review(self.emulator, "auto", delay=1.0)


def named(estate: Estate, kind: str) -> list[dict[str, Any]]:
    section, _, entry = ENTRIES[kind]
    if section == "files":
        return estate.objects["files"]
    return [o for o in estate.objects[section] if o[NAME_FIELD[section]] == entry["name"]]


@pytest.mark.parametrize(("kind", "point"), CASES)
def test_a_run_killed_during_a_create_leaves_no_duplicate(
    emulator: EmulatorProcess, tmp_path: Path, kind: str, point: Point
) -> None:
    state_dir = tmp_path / "state"
    before = KINDS[: KINDS.index(kind)]
    if before:  # what the resource needs, made by an earlier, complete run
        example_stack(emulator, state_dir, catalog=write_catalog(tmp_path / "one", before)).up()
    catalog = write_catalog(tmp_path / "two", [*before, kind])
    section, key, _ = ENTRIES[kind]

    KilledRun(emulator, state_dir, catalog).run(kind, point)

    killed = Checkpoint.load(state_dir / "dev.json")
    under_way = "reviews" if point == "during the review wait" else key
    # the wait of an earlier run's signature made the Reviews resource: this one updates it
    operation = "updating" if under_way == "reviews" and "signature" in before else "creating"
    assert [(op.type, op.resource.name) for op in killed.pending_operations] == [
        (operation, under_way)
    ]
    assert (killed.find_all(under_way) == []) == (operation == "creating")
    made = len(named(Estate.of(emulator), kind))
    assert made == (0 if point == "before the POST" else 1)

    stack = example_stack(emulator, state_dir, catalog=catalog)
    recovered = stack.up()

    assert recovered.ops(key) == (["same"] if under_way == "reviews" else ["create"])
    warning = next(d for d in recovered.diagnostics if "pending operations" in d)
    assert f"::{under_way}, interrupted while {operation}" in warning
    estate = Estate.of(emulator)
    objects = named(estate, kind)
    resource = stack.checkpoint().find(key)
    id_field = "file_id" if section == "files" else "id"
    if kind == "file" and point == "after the POST":
        # Uploads can be neither listed nor deleted: the killed run's upload stays behind,
        # referenced by nothing; the stack has its own.
        assert len(objects) == 2 and resource.id in {o[id_field] for o in objects}
    else:
        assert [o[id_field] for o in objects] == [resource.id]  # exactly one, the stack's
    if kind in LIST_PATH:
        assert recovered.output(section)[key]["review_desc"] is None
        status = "status" if kind == "signature" else "flow_status"
        assert recovered.output(section)[key][status] in ("REVIEW_PROCESSING_COMPLETED", "Adopted")

    settled = stack.up()
    assert set(settled.changes) == {"same"} and settled.api_requests == 0
    # the engine keeps a pending create until a refresh clears it (it cannot know the outcome);
    # other pending operations it drops
    kept = [under_way] if operation == "creating" else []
    assert [op.resource.name for op in stack.checkpoint().pending_operations] == kept
    stack.refresh(clear_pending_creates=True)
    uploads = len(estate.objects["files"])
    assert (
        convergence_problems(
            Estate.of(emulator), stack.checkpoint(), load_variant(catalog), uploads=uploads
        )
        == []
    )
    quiet = stack.up()
    assert not any("pending operations" in d for d in quiet.diagnostics)
