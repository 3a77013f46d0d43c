"""The toy provider: text files in a directory, with a call log and injectable failures.

Everything the provider keeps lives under ``<dir>/.toy/``: ``calls.jsonl`` records every call
with what the engine sent (so tests can check what each call received), ``<path>.json`` holds
each file's metadata, an empty file ``fail-<call>-<key>`` makes that call fail, and while
``hold-<call>-<key>`` exists the call waits. With the
``toy:ping`` config set to a URL, every create, update and delete also GETs that URL, so an
API request log can count them. ``configure`` logs where and how the process runs (its working
directory, ``PULUMI_PROJECT`` and the ``TOY_PROBE`` environment variable).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

__all__ = ["FORMATS", "FileProvider", "stored_text"]

FORMATS = ("text", "upper")
_INPUTS = ("key", "path", "content", "format", "engine_diff")
_log_lock = threading.Lock()


def stored_text(content: str, format_: str) -> str:
    """The bytes on disk for ``content`` in ``format_``."""
    return content.upper() if format_ == "upper" else content


def _inputs_of(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in _INPUTS if k in props}


def _loggable(value: Any) -> Any:
    if isinstance(value, Unknown):
        return "<unknown>"
    if isinstance(value, dict):
        return {k: _loggable(v) for k, v in value.items() if k != "__provider"}
    if isinstance(value, list):
        return [_loggable(v) for v in value]
    return value


class FileProvider(ResourceProvider):
    """Manages ``<dir>/<path>``; ``dir`` comes from the stack config, read in ``configure``."""

    def configure(self, req: ConfigureRequest) -> None:
        # Attributes set here stay out of the pickled provider stored in state.
        self.root = Path(req.config.require("dir"))
        self.ping_url = req.config.get("ping")
        (self.root / ".toy").mkdir(parents=True, exist_ok=True)
        self._log(
            "configure",
            None,
            token=req.config.get("token"),
            cwd=os.getcwd(),
            project=os.environ.get("PULUMI_PROJECT"),
            probe=os.environ.get("TOY_PROBE"),
        )

    # -- helpers --

    @property
    def _meta_dir(self) -> Path:
        return self.root / ".toy"

    def _log(self, call: str, key: Any, **fields: Any) -> None:
        entry = {"call": call, "key": _loggable(key), **_loggable(fields)}
        with _log_lock, (self._meta_dir / "calls.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, sort_keys=True) + "\n")

    def _before_change(self, call: str, key: str) -> None:
        """Wait while a test holds the call, fail when it asked for it, and announce the
        change to ``toy:ping``."""
        hold = self._meta_dir / f"hold-{call}-{key}"
        while hold.exists():  # holds one of the host's worker threads, as a long call does
            time.sleep(0.02)
        if (self._meta_dir / f"fail-{call}-{key}").exists():
            raise RuntimeError(f"injected failure: {call} {key}")
        if self.ping_url:
            # Any answer will do: the request is what counts.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(self.ping_url, timeout=30).close()

    def _write(self, inputs: dict[str, Any], token: str, version: int, *, exclusive: bool) -> dict:
        path = self.root / inputs["path"]
        text = stored_text(inputs["content"], inputs["format"])
        # Exclusive creation catches a wrong step order: creating before the old file is gone.
        with path.open("x" if exclusive else "w", encoding="utf-8") as handle:
            handle.write(text)
        meta = {**_inputs_of(inputs), "token": token, "version": version}
        (self._meta_dir / f"{inputs['path']}.json").write_text(json.dumps(meta), encoding="utf-8")
        return self._outputs(meta, text)

    def _outputs(self, meta: dict[str, Any], text: str) -> dict[str, Any]:
        return {
            **_inputs_of(meta),
            "full_path": str(self.root / meta["path"]),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "version": meta["version"],
            "token": meta["token"],
        }

    # -- the provider interface --

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        self._log("check", news.get("key"), olds=olds, news=news)
        inputs = _inputs_of(news)
        inputs.setdefault("format", "text")
        failures = []
        path = inputs.get("path")
        if isinstance(path, str) and (not path or "/" in path or path.startswith(".")):
            failures.append(CheckFailure("path", f"{path!r} must be a plain file name"))
        if not isinstance(inputs["format"], Unknown) and inputs["format"] not in FORMATS:
            failures.append(CheckFailure("format", f"must be one of {', '.join(FORMATS)}"))
        return CheckResult(inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        self._log("diff", news.get("key"), id=id_, olds=olds, news=news)
        if news.get("engine_diff"):
            return DiffResult()  # changes unknown: the engine diffs the inputs itself
        replaces = [k for k in ("path", "format") if olds.get(k) != news.get(k)]
        changed = bool(replaces) or olds.get("content") != news.get("content")
        # A new file at the same path can only be written once the old one is gone.
        same_path = "path" not in replaces
        return DiffResult(
            changes=changed, replaces=replaces, delete_before_replace=bool(replaces) and same_path
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._log("create", props["key"], props=props)
        self._before_change("create", props["key"])
        outs = self._write(props, secrets.token_hex(8), 1, exclusive=True)
        print(f"toy: created {props['path']}", file=sys.stderr)  # progress goes to stderr
        return CreateResult(props["path"], outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._log("update", news["key"], id=id_, olds=olds, news=news)
        self._before_change("update", news["key"])
        version = int(olds["version"]) + 1
        return UpdateResult(self._write(news, olds["token"], version, exclusive=False))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        self._log("read", props.get("key"), id=id_, props=props)
        path, meta_path = self.root / id_, self._meta_dir / f"{id_}.json"
        if not path.exists() or not meta_path.exists():
            return ReadResult("", {})
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        if text != stored_text(meta["content"], meta["format"]):
            meta.update(content=text, format="text")  # edited behind our back: adopt it
        return ReadResult(id_, self._outputs(meta, text), _inputs_of(meta))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._log("delete", props["key"], id=id_, props=props)
        self._before_change("delete", props["key"])
        (self.root / id_).unlink(missing_ok=True)
        (self._meta_dir / f"{id_}.json").unlink(missing_ok=True)
