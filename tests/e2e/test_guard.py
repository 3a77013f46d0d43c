"""``msgsms guard`` on previews of the example stack, as ``pulumi preview --json`` prints them.

The previews are the offline engine's, of the real program against the emulator, rendered as
the CLI renders them (``harness.engine.digest``); a pull request's edits of the catalog decide
what they delete or replace.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed, PassSummary
from harness.engine.digest import preview_digest
from providers import guard
from tests.e2e.conftest import Toy
from tests.e2e.gitops import GitopsStack
from tests.e2e.test_gitops import make_world_domestic

APP = "pulumi-python:dynamic/msgsms:App"
TEMPLATE = "pulumi-python:dynamic/msgsms:Template"
TOY_FILE = "pulumi-python:dynamic/toy:File"


@pytest.fixture
def deployed(tmp_path: Path, emulator: EmulatorProcess) -> GitopsStack:
    """The example stack, up under the offline engine, its reviews decided at once."""
    gitops = GitopsStack.create(Engine, tmp_path, emulator)
    gitops.set_review("auto", delay=0.0)
    gitops.up()
    return gitops


def preview_json(stack: Engine, **options: bool) -> str:
    """The stack's preview as ``pulumi preview --json`` prints it, failed or not."""
    try:
        summary: PassSummary = stack.preview()
    except PassFailed as failed:
        summary = failed.summary
    return json.dumps(preview_digest(summary, config=stack.config, **options), indent=4)


def run_guard(text: str, max_deletes: int = 0) -> tuple[int, str, str]:
    """The guard on ``text`` given on stdin: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = guard.run("-", max_deletes, io.StringIO(text), out, err)
    return status, out.getvalue(), err.getvalue()


def listed(output: str) -> list[list[str]]:
    """The rows of the guard's list of deleted and replaced objects: op, type, name."""
    rows = []
    for row in output.split("object(s):\n", 1)[1].splitlines():
        if not row.startswith("  "):
            break
        rows.append(row.split()[:3])
    return rows


def engine_of(gitops: GitopsStack) -> Engine:
    assert isinstance(gitops.stack, Engine)
    return gitops.stack


def test_a_preview_that_deletes_and_replaces_nothing_passes(deployed: GitopsStack) -> None:
    with deployed.catalog.edit() as catalog:
        catalog["apps"]["shop"]["name"] = "shop-mall"  # an update in place

    status, out, err = run_guard(preview_json(engine_of(deployed)))

    assert (status, err) == (0, "")
    assert out == "OK: 0 object(s) deleted or replaced, at most 0 allowed.\n"


def test_removals_replacements_and_a_scope_change_are_refused_each_listed_once(
    deployed: GitopsStack,
) -> None:
    with deployed.catalog.edit() as catalog:
        del catalog["templates"]["spring_sale"]
        # approved: a new content replaces it
        catalog["templates"]["order_shipped"]["content"] = (
            "您的订单${1}已于${2}发货，单号${3}，客服${4}。"
        )
        make_world_domestic(catalog)  # the app and its template are replaced
    preview = preview_json(engine_of(deployed))

    status, out, _ = run_guard(preview)

    assert status == guard.EXIT_REFUSED
    assert sorted(listed(out)) == sorted(
        [
            ["delete", TEMPLATE, "spring_sale"],
            ["replace", TEMPLATE, "order_shipped"],
            ["replace", APP, "world"],
            ["replace", TEMPLATE, "global_otp"],
        ]
    )
    assert "(replace reasons: template_content)" in out
    assert "Refused: 4 object(s) would be deleted or replaced, and at most 0 may be" in out
    assert "allow it with --max-deletes 4" in out
    assert run_guard(preview, 3)[0] == guard.EXIT_REFUSED
    assert run_guard(preview, 4)[0] == guard.EXIT_OK
    # with the replacements' create and delete halves shown, each object still counts once
    halves = preview_json(engine_of(deployed), show_replacement_steps=True)
    assert "delete-replaced" in halves
    status, again, _ = run_guard(halves)
    assert sorted(listed(again)) == sorted(listed(out))


def test_the_offline_preview_json_piped_into_msgsms_guard(deployed: GitopsStack) -> None:
    stack = engine_of(deployed)
    with deployed.catalog.edit() as catalog:
        del catalog["templates"]["spring_sale"]
    preview = [sys.executable, "-m", "harness.engine", "preview", "--json"]
    preview += ["--project", str(deployed.project), "--stack", stack.stack]
    preview += ["--state-dir", str(stack.checkpoint_path.parent)]
    preview += ["--config", json.dumps(dict(stack.config.values))]
    preview += ["--env", json.dumps(stack.env)]
    printed = subprocess.run(preview, capture_output=True, text=True, timeout=300, check=True)
    digest: dict[str, Any] = json.loads(printed.stdout)
    # the stack; the one wait for reviews, which no longer lists the template; the template
    shown = [(step["op"], step["urn"].rsplit("::", 1)[-1]) for step in digest["steps"]]
    assert shown == [("same", "msgsms-dev"), ("update", "reviews"), ("delete", "spring_sale")]

    for limit, expected in (("0", guard.EXIT_REFUSED), ("1", guard.EXIT_OK)):
        checked = subprocess.run(
            [sys.executable, "-m", "providers", "guard", "--max-deletes", limit],
            input=printed.stdout,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert checked.returncode == expected, checked.stdout + checked.stderr
        assert listed(checked.stdout) == [["delete", TEMPLATE, "spring_sale"]]


def test_a_failed_preview_is_refused_with_its_errors(deployed: GitopsStack) -> None:
    with deployed.catalog.edit() as catalog:
        del catalog["templates"]["spring_sale"]
        catalog["signatures"]["shop_notify"]["name"] = "12345"  # all digits: refused

    status, out, _ = run_guard(preview_json(engine_of(deployed)), 5)

    assert status == guard.EXIT_REFUSED
    assert "The preview failed, so its plan is incomplete" in out
    assert "signatures.shop_notify.name: must not be all digits" in out


def test_retained_and_protected_resources_are_listed_apart_and_not_counted(
    offline_toy: Toy,
) -> None:
    offline_toy.declare(kept={"retain_on_delete": True}, gone={}, guarded={"protect": True})
    offline_toy.stack.up()
    assert isinstance(offline_toy.stack, Engine)

    offline_toy.declare(guarded={"protect": True})
    status, out, _ = run_guard(preview_json(offline_toy.stack))

    assert status == guard.EXIT_REFUSED
    assert listed(out) == [["delete", TOY_FILE, "gone"]]
    assert f"  {TOY_FILE}  kept  retainOnDelete: Pulumi forgets it, the object stays" in out

    # replacing a protected resource fails the preview; it is not counted either
    offline_toy.declare(guarded={"protect": True, "path": "moved.txt"})
    status, out, _ = run_guard(preview_json(offline_toy.stack), 9)
    assert status == guard.EXIT_REFUSED
    assert "object(s):" not in out
    assert f"  {TOY_FILE}  guarded  protected: the engine refuses to delete it" in out
    assert "The preview failed" in out and "marked for protection" in out


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "stdin: empty; pipe `pulumi preview --json` into it"),
        ("Previewing update (dev)\n", "stdin:1:1: not JSON (Expecting value)"),
        ("[]", "stdin: not the JSON of `pulumi preview --json`"),
        ('{"steps": {}}', "stdin: steps: expected a list, got dict"),
        ('{"steps": [{"urn": "u"}]}', "stdin: steps[0].op: missing or not a string"),
        (
            '{"sequence": 0, "timestamp": 1}\n{"sequence": 1, "timestamp": 1}\n',
            "stdin: a stream of engine events",
        ),
    ],
    ids=["empty", "text", "a list", "steps not a list", "a step without op", "events"],
)
def test_input_that_is_not_a_preview_is_refused_saying_what_is_wrong(
    text: str, problem: str
) -> None:
    status, out, err = run_guard(text)
    assert (status, out) == (guard.EXIT_INVALID, "")
    assert err.startswith(f"error: {problem}")


# -------------------------------------------------------------------------------------------
# The example workflow's guard steps, run as the runner runs them (bash -eo pipefail) with a
# fake `pulumi` printing a preview of the toy project, and a fake `gh` for the merged pull
# request's labels.

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "sms-stack.yml"
FAKE = """#!/bin/sh
echo "$0 $*" >> "$FAKE_LOG"
case "$0" in
  *gh) printf '%s' "$FAKE_LABELS" ;;
  *) cat "$FAKE_PREVIEW" ;;
esac
"""


def guard_step(job: str) -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"][job]["steps"]
    [step] = [s for s in steps if s.get("name") == "Guard against deletions"]
    return dict(step)


def run_step(tmp_path: Path, job: str, labels: list[str], max_deletes: str) -> tuple[int, str]:
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    for name in ("pulumi", "gh"):
        (fakes / name).write_text(FAKE)
        (fakes / name).chmod(0o755)
    # the venv's commands, wherever this one is
    script = guard_step(job)["run"].replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    env = {
        **os.environ,
        "PATH": f"{fakes}{os.pathsep}{os.environ['PATH']}",
        "STACK": "prod",
        "MAX_DELETES": max_deletes,
        "LABELS_JSON": json.dumps(labels),  # the pull request's, as toJSON gives them
        "FAKE_LABELS": "\n".join(labels),  # the merged pull request's, as gh prints them
        "FAKE_PREVIEW": str(tmp_path / "preview.json"),
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "GITHUB_REPOSITORY": "acme/sms",
        "GITHUB_SHA": "0123abc",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_workflow_guards_both_jobs_and_a_label_or_variable_raises_the_limit(
    offline_toy: Toy, tmp_path: Path
) -> None:
    offline_toy.declare(a={}, b={})
    offline_toy.stack.up()
    offline_toy.declare()
    assert isinstance(offline_toy.stack, Engine)
    (tmp_path / "preview.json").write_text(preview_json(offline_toy.stack), encoding="utf-8")

    cases = [
        ([], "", guard.EXIT_REFUSED),
        (["allow-deletes-1"], "", guard.EXIT_REFUSED),
        (["documentation", "allow-deletes-2"], "", guard.EXIT_OK),
        (["allow-deletes-two"], "", guard.EXIT_REFUSED),
        ([], "2", guard.EXIT_OK),
        (["allow-deletes-1"], "2", guard.EXIT_OK),
    ]
    for job in ("preview", "up"):
        for labels, max_deletes, expected in cases:
            status, output = run_step(tmp_path, job, labels, max_deletes)
            assert status == expected, (job, labels, max_deletes, output)
            assert sorted(listed(output)) == [["delete", TOY_FILE, "a"], ["delete", TOY_FILE, "b"]]

    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert {call.split(" ", 1)[1] for call in calls if call.split()[0].endswith("pulumi")} == {
        "preview --stack prod --non-interactive --json"
    }
    assert {call.split(" ", 1)[1] for call in calls if call.split()[0].endswith("gh")} == {
        "api repos/acme/sms/commits/0123abc/pulls --jq .[].labels[].name"
    }


def test_a_terminal_on_stdin_is_refused_rather_than_waited_for() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = io.StringIO()
    assert guard.run("-", 0, Terminal(), io.StringIO(), err) == guard.EXIT_INVALID
    assert err.getvalue().startswith("error: no preview on stdin; pipe `pulumi preview --json`")
