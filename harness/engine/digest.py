"""A preview's summary as ``pulumi preview --json`` prints it: the CLI's *preview digest*.

The shape follows the Pulumi CLI's source:

* ``pkg/display/json.go``: ``PreviewDigest`` (``config``, ``steps``, ``diagnostics``,
  ``duration``, ``changeSummary``, ``maybeCorrupt``; empty ones left out), ``PreviewStep``
  (``op``, ``urn``, ``provider``, ``oldState``, ``newState``, ``diffReasons``,
  ``replaceReasons``, and ``detailedDiff``, always present) and ``PreviewDiagnostic``
  (``urn``, ``prefix``, ``message``, ``severity``);
* ``pkg/backend/display/json.go``, ``ShowPreviewDigest``: which steps are shown (``same`` only
  for the stack or when ``protect`` changed, the non-logical halves of a replacement,
  ``create-replacement`` and ``delete-replaced``, only with ``--show-replacement-steps``),
  states with every secret as ``"[secret]"``, config values likewise;
* ``pkg/engine/update.go``, ``isInternalStep``: steps of default providers and
  ``remove-pending-replace`` are never shown nor counted; ``changeSummary`` counts the
  logical steps by op;
* ``sdk/go/common/apitype/core.go``: ``ResourceV3``, the state of ``oldState``/``newState``.

What the offline engine cannot give: ``duration`` (left out), ``detailedDiff`` (always
``null``: the dynamic provider host answers no detailed diff, and the one the engine builds for
DIFF_UNKNOWN is not modelled), the ``urn`` of a diagnostic (the engine's lines carry it in
their text), and a failed preview's exit status (the CLI's is 255).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from harness.engine.config import StackConfig
from harness.engine.state import PROVIDER_TYPE_PREFIX, STACK_TYPE, ResourceState
from harness.engine.summary import PassSummary, StepRecord

__all__ = ["preview_digest"]

#: The halves of a replacement the CLI shows only with ``--show-replacement-steps``.
REPLACEMENT_HALVES = ("create-replacement", "delete-replaced")
#: Diagnostics of the offline engine by prefix, and the severity the CLI gives them.
_SEVERITIES = (("[engine] warning: ", "warning"), ("[program] ", "info"), ("[provider] ", "info"))


def _internal(step: StepRecord) -> bool:
    default_provider = step.type.startswith(PROVIDER_TYPE_PREFIX) and step.name.startswith(
        "default"
    )
    return default_provider or step.op == "remove-pending-replace"


def _shown(step: StepRecord, *, show_sames: bool, show_replacement_steps: bool) -> bool:
    if _internal(step):
        return False
    if step.op == "same":
        protect_changed = (
            step.old is not None and step.new is not None and step.old.protect != step.new.protect
        )
        return step.type == STACK_TYPE or protect_changed or show_sames
    return show_replacement_steps or step.op not in REPLACEMENT_HALVES


def _numbers(value: Any) -> Any:
    """Numbers as the CLI prints them: a property value is a float64, and Go's JSON writes a
    whole one without a fraction (the wire form here has ``3.0`` for it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def _state(state: ResourceState | None) -> dict[str, Any] | None:
    """``apitype.ResourceV3`` as the CLI serializes it there: empty fields left out."""
    if state is None:
        return None
    data: dict[str, Any] = _numbers(state.to_json(blind_secrets=True))
    for key in ("id", "inputs", "outputs"):
        if not data.get(key):
            data.pop(key, None)
    return data


def _step(step: StepRecord) -> dict[str, Any]:
    provider = next((s.provider for s in (step.new, step.old) if s is not None), "")
    fields: dict[str, Any] = {
        "op": step.op,
        "urn": step.urn,
        "provider": provider,
        "oldState": _state(step.old),
        "newState": _state(step.new),
        "diffReasons": list(step.diffs),
        "replaceReasons": list(step.replaces),
    }
    shown = {key: value for key, value in fields.items() if value}
    shown["detailedDiff"] = None
    return shown


def _diagnostics(summary: PassSummary) -> list[dict[str, Any]]:
    diagnostics = []
    for line in summary.diagnostics:
        prefix, severity = next(
            ((p, s) for p, s in _SEVERITIES if line.startswith(p)), ("", "info")
        )
        diagnostics.append({"message": line.removeprefix(prefix) + "\n", "severity": severity})
    diagnostics += [{"message": error + "\n", "severity": "error"} for error in summary.errors]
    return diagnostics


def _config(config: StackConfig) -> dict[str, str]:
    return {
        key: "[secret]" if key in config.secret_keys else value
        for key, value in sorted(config.values.items())
    }


def preview_digest(
    summary: PassSummary,
    *,
    config: StackConfig | None = None,
    show_sames: bool = False,
    show_replacement_steps: bool = False,
) -> dict[str, Any]:
    """The JSON document ``pulumi preview --json`` prints for this preview (``--show-sames``
    and ``--show-replacement-steps`` as the flags say); ``config`` is the stack's."""
    if summary.kind != "preview":
        raise ValueError(f"only a preview has a preview digest, not a {summary.kind}")
    steps: Iterable[StepRecord] = (
        step
        for step in summary.steps
        if _shown(step, show_sames=show_sames, show_replacement_steps=show_replacement_steps)
    )
    digest: dict[str, Any] = {
        "config": _config(config) if config is not None else {},
        "steps": [_step(step) for step in steps],
        "diagnostics": _diagnostics(summary),
        "changeSummary": dict(summary.changes),
    }
    return {key: value for key, value in digest.items() if value}
