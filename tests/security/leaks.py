"""Finding credentials, tokens and app secrets in plain text where a scenario left its traces.

The secrets are taken from the emulator's side: the access key pair and IAM password of its
start-up line, every IAM token it issued (read from its database) and every app secret it
generated. The search looks for 16-character stretches of each secret, starting every 8
characters, so any 24 characters of a secret in a row are found: a truncated or partly masked
secret is caught too.

The checkpoint is read as a real backend stores it: values marked secret are encrypted there,
so they are left out, except the pickled provider (``__provider``), which is decoded and read
because it must hold no credential at all.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.emulator import EmulatorProcess
from harness.engine.summary import PassSummary
from harness.wire import SECRET_SIG, SIG_KEY

__all__ = [
    "WINDOW",
    "Secret",
    "checkpoint_text",
    "emulator_secrets",
    "emulator_stderr",
    "find_leaks",
    "issued_tokens",
    "pass_texts",
    "scenario_texts",
]

#: Length of the stretches of a secret searched for.
WINDOW = 16


@dataclass(frozen=True)
class Secret:
    label: str
    value: str

    def stretches(self) -> set[str]:
        """Overlapping stretches covering the whole value (the value itself when short)."""
        value = self.value
        if len(value) <= WINDOW:
            return {value}
        starts = {*range(0, len(value) - WINDOW + 1, WINDOW // 2), len(value) - WINDOW}
        return {value[i : i + WINDOW] for i in starts}


def issued_tokens(emulator: EmulatorProcess) -> list[str]:
    """Every IAM token the emulator has issued (its ``tokens`` table, opened read-only)."""
    database = emulator.data_dir / "emulator.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30.0) as connection:
        return [row[0] for row in connection.execute("SELECT token FROM tokens")]


def emulator_secrets(emulator: EmulatorProcess) -> list[Secret]:
    """The access key pair, the IAM password, the issued tokens and every app secret."""
    info = emulator.info
    found = [
        Secret("access key", info["access_key"]),
        Secret("secret key", info["secret_key"]),
        Secret("IAM password", info["password"]),
    ]
    found += [Secret(f"IAM token {i}", t) for i, t in enumerate(issued_tokens(emulator))]
    apps = emulator.admin.get("/objects", params={"kind": "apps"})
    apps.raise_for_status()
    found += [
        Secret(f"app secret of {app['app_name']}", app["app_secret"])
        for app in apps.json()
        if app.get("app_secret")
    ]
    return found


def find_leaks(secrets: Iterable[Secret], texts: Mapping[str, str]) -> list[str]:
    """``"<where>: <secret label>"`` for every secret found in a text."""
    found = []
    for secret in secrets:
        stretches = secret.stretches()
        for where, text in texts.items():
            if any(stretch in text for stretch in stretches):
                found.append(f"{where}: {secret.label}")
    return found


def _visible(value: Any) -> Any:
    """A state value as a real backend stores it in the clear (secrets left out)."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return "[encrypted]"
        return {k: _visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def _pickled_providers(value: Any) -> list[str]:
    """The decoded ``__provider`` values found anywhere in a state value."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "__provider":
                found.append(_decode_provider(item))
            else:
                found += _pickled_providers(item)
    elif isinstance(value, list):
        for item in value:
            found += _pickled_providers(item)
    return found


def _decode_provider(value: Any) -> str:
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        value = json.loads(value["plaintext"]) if "plaintext" in value else value.get("value")
    text = str(value)
    try:
        return base64.b64decode(text, validate=True).decode("latin-1")
    except (binascii.Error, ValueError):
        return text


def checkpoint_text(path: Path) -> str:
    """The checkpoint file as a backend keeps it readable, plus its decoded pickled providers."""
    if not path.exists():
        return ""
    export = json.loads(path.read_text(encoding="utf-8"))
    visible = json.dumps(_visible(export), ensure_ascii=False)
    return "\n".join([visible, *_pickled_providers(export)])


def pass_texts(summaries: Iterable[PassSummary]) -> dict[str, str]:
    """What the passes printed (program and provider, stdout and stderr) and their errors."""
    texts = {}
    for i, summary in enumerate(summaries):
        texts[f"pass {i} ({summary.kind}) output"] = "\n".join(summary.diagnostics)
        texts[f"pass {i} ({summary.kind}) errors"] = "\n".join(summary.errors)
        texts[f"pass {i} ({summary.kind}) stack outputs"] = json.dumps(
            _visible(summary.outputs), ensure_ascii=False
        )
    return texts


def emulator_stderr(emulator: EmulatorProcess) -> str:
    """All the emulator has logged since its data dir was made (``stderr()`` keeps a tail)."""
    log = emulator.data_dir / "stderr.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def scenario_texts(
    emulator: EmulatorProcess, checkpoint: Path, summaries: Iterable[PassSummary]
) -> dict[str, str]:
    """Every trace of a scenario: checkpoint, pass output, the emulator's stderr and request log."""
    requests = emulator.requests()
    return {
        "checkpoint": checkpoint_text(checkpoint),
        **pass_texts(summaries),
        "emulator stderr": emulator_stderr(emulator),
        "emulator request log": json.dumps(requests, ensure_ascii=False),
    }
