"""``msgsms guard``: stop a pipeline whose ``pulumi preview --json`` would destroy objects.

A replaced template or signature goes back into review; a deleted one loses its history and
its approvals. The guard reads the preview the CLI prints with ``--json`` (its *preview
digest*: ``steps``, ``diagnostics``, ``changeSummary``) and counts the managed objects it would
delete or replace. More than ``--max-deletes`` (0 by default) fails the check, listing them.

What counts, once per resource: the steps ``delete``, ``replace``, its halves
``create-replacement`` and ``delete-replaced`` (shown with ``--show-replacement-steps``), and
``read-replacement`` / ``import-replacement`` (a managed object given up for another). Not
counted: the stack, providers, component resources (nothing remote), and resources whose old
state is protected (the engine refuses to delete them), retained (``retainOnDelete``: Pulumi
forgets them, the object stays) or external (only read, never managed); ``discard`` and
``discard-replaced`` concern read resources only.

Exit status: 0 within the limit; 1 over it, or when the preview itself failed (its plan is then
incomplete, so what it would delete is unknown); 2 when the input is not a preview's JSON.
Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = [
    "DESTRUCTIVE_OPS",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_REFUSED",
    "Deletion",
    "PreviewError",
    "check_preview",
    "deletions",
    "read_preview",
    "run",
]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_INVALID = 2

#: Step ops that destroy the managed object a resource stands for (the engine's op names,
#: ``pkg/resource/deploy/step.go``); every op but ``delete`` is part of a replacement.
DESTRUCTIVE_OPS = frozenset(
    {
        "delete",
        "replace",
        "create-replacement",
        "delete-replaced",
        "read-replacement",
        "import-replacement",
    }
)
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
PREVIEW_KEYS = ("steps", "diagnostics", "changeSummary", "config", "duration")
HOW_TO_MAKE = "pipe `pulumi preview --json` into it (or give the file it was saved to)"


class PreviewError(ValueError):
    """The input is not the JSON of ``pulumi preview --json``; the message says what is wrong."""


@dataclass(frozen=True)
class Deletion:
    """A resource whose object the preview destroys: ``op`` is ``delete`` or ``replace``."""

    op: str
    type: str
    name: str
    urn: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Spared:
    type: str
    name: str
    why: str


def _type_and_name(urn: str, state: dict[str, Any]) -> tuple[str, str]:
    """``urn:pulumi:<stack>::<project>::<parent$type>::<name>``; the state's type when given."""
    parts = urn.split("::")
    name = parts[-1] if len(parts) >= 4 else urn
    qualified = parts[2] if len(parts) >= 4 else ""
    type_ = state.get("type")
    return (type_ if isinstance(type_, str) else qualified.rsplit("$", 1)[-1]), name


def read_preview(text: str, source: str = "stdin") -> dict[str, Any]:
    """The preview digest in ``text``, checked for the fields the guard reads."""
    if not text.strip():
        raise PreviewError(f"{source}: empty; {HOW_TO_MAKE}")
    try:
        preview = json.loads(text)
    except json.JSONDecodeError as exc:
        first = text.lstrip().splitlines()[0]
        if exc.msg == "Extra data" and _is_event(first):
            raise PreviewError(
                f"{source}: a stream of engine events (`pulumi up --json`, or `pulumi preview "
                "--json` with PULUMI_ENABLE_STREAMING_JSON_PREVIEW set), not a preview's JSON; "
                "run `pulumi preview --json` without that variable"
            ) from None
        raise PreviewError(
            f"{source}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); {HOW_TO_MAKE}"
        ) from None
    if not isinstance(preview, dict) or not any(key in preview for key in PREVIEW_KEYS):
        raise PreviewError(
            f"{source}: not the JSON of `pulumi preview --json` (an object with steps, "
            f"diagnostics or changeSummary); {HOW_TO_MAKE}"
        )
    steps = preview.get("steps", [])
    if not isinstance(steps, list):
        raise PreviewError(f"{source}: steps: expected a list, got {type(steps).__name__}")
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise PreviewError(f"{source}: steps[{index}]: expected an object")
        for key in ("op", "urn"):
            if not isinstance(step.get(key), str):
                raise PreviewError(f"{source}: steps[{index}].{key}: missing or not a string")
        for key in ("oldState", "newState"):
            if step.get(key) is not None and not isinstance(step[key], dict):
                raise PreviewError(f"{source}: steps[{index}].{key}: expected an object")
    diagnostics = preview.get("diagnostics", [])
    if not isinstance(diagnostics, list) or not all(isinstance(d, dict) for d in diagnostics):
        raise PreviewError(f"{source}: diagnostics: expected a list of objects")
    return preview


def _is_event(line: str) -> bool:
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(event, dict) and "sequence" in event and "timestamp" in event


def _spared_because(old: dict[str, Any]) -> str:
    """Why destroying this resource's step destroys no managed object ("" when it does)."""
    if old.get("protect"):
        return "protected: the engine refuses to delete it"
    if old.get("retainOnDelete"):
        return "retainOnDelete: Pulumi forgets it, the object stays"
    if old.get("external"):
        return "external: only read, never managed"
    if old.get("custom") is False:
        return "a component: nothing remote to delete"
    return ""


def _classify(preview: dict[str, Any]) -> tuple[list[Deletion], list[_Spared]]:
    ops: dict[str, list[str]] = {}  # URN -> its destructive ops, in the preview's order
    reasons: dict[str, list[str]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    spared: dict[str, _Spared] = {}
    for step in preview.get("steps") or []:
        op, urn = step["op"], step["urn"]
        if op not in DESTRUCTIVE_OPS:
            continue
        old = step.get("oldState") or {}
        type_, name = _type_and_name(urn, old)
        if type_ == STACK_TYPE or type_.startswith(PROVIDER_TYPE_PREFIX):
            continue
        if why := _spared_because(old):
            spared.setdefault(urn, _Spared(type_, name, why))
            continue
        kinds.setdefault(urn, (type_, name))
        ops.setdefault(urn, []).append(op)
        known = reasons.setdefault(urn, [])
        for reason in step.get("replaceReasons") or []:
            if isinstance(reason, str) and reason not in known:
                known.append(reason)
    found = [
        Deletion(
            "delete" if set(steps) == {"delete"} else "replace",
            *kinds[urn],
            urn,
            tuple(reasons[urn]),
        )
        for urn, steps in ops.items()
    ]
    return found, list(spared.values())


def deletions(preview: dict[str, Any]) -> list[Deletion]:
    """The resources whose objects the preview destroys, once each, in the preview's order."""
    return _classify(preview)[0]


def _errors(preview: dict[str, Any]) -> list[str]:
    return [
        str(d.get("message", "")).strip()
        for d in preview.get("diagnostics") or []
        if d.get("severity") == "error"
    ]


def _table(rows: Iterable[tuple[str, ...]]) -> list[str]:
    rows = list(rows)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def check_preview(preview: dict[str, Any], max_deletes: int, out: TextIO) -> int:
    """Write the verdict on ``preview`` to ``out``; the exit status."""
    found, spared = _classify(preview)
    errors = _errors(preview)
    if found:
        print(f"The preview deletes or replaces {len(found)} object(s):", file=out)
        rows = [
            (
                d.op,
                d.type,
                d.name,
                f"(replace reasons: {', '.join(d.reasons)})" if d.reasons else "",
            )
            for d in found
        ]
        print("\n".join(_table(rows)), file=out)
    if spared:
        print("Not counted:", file=out)
        print("\n".join(_table((s.type, s.name, s.why) for s in spared)), file=out)
    if errors:
        print(
            "The preview failed, so its plan is incomplete and what it would delete is "
            "unknown; fix these errors first:",
            file=out,
        )
        for error in errors:
            print("  " + error.replace("\n", "\n  "), file=out)
        return EXIT_REFUSED
    if len(found) > max_deletes:
        print(
            f"Refused: {len(found)} object(s) would be deleted or replaced, and at most "
            f"{max_deletes} may be (--max-deletes {max_deletes}). A replaced signature or "
            "template goes through review again. If this is intended, allow it with "
            f"--max-deletes {len(found)}.",
            file=out,
        )
        return EXIT_REFUSED
    print(
        f"OK: {len(found)} object(s) deleted or replaced, at most {max_deletes} allowed.",
        file=out,
    )
    return EXIT_OK


def run(source: str, max_deletes: int, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """The guard on the preview in file ``source`` (``-``: ``stdin``); the exit status."""
    name = "stdin" if source == "-" else source
    if source == "-" and stdin.isatty():
        # nothing piped in: reading would wait for the user to type a preview
        print(f"error: no preview on stdin; {HOW_TO_MAKE}", file=err)
        return EXIT_INVALID
    try:
        if source == "-":
            text = stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
        preview = read_preview(text, name)
    except OSError as exc:
        print(f"error: {name}: cannot read it ({exc.strerror or exc}); {HOW_TO_MAKE}", file=err)
        return EXIT_INVALID
    except UnicodeDecodeError:
        print(f"error: {name}: not UTF-8 text; {HOW_TO_MAKE}", file=err)
        return EXIT_INVALID
    except PreviewError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INVALID
    return check_preview(preview, max_deletes, out)
