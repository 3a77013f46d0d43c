"""One pass of the offline engine in a process of its own, so that a test can kill it (and its
program and provider processes) in the middle of a pass, as a CI runner is killed.

``python -m harness.engine {preview,up,refresh,destroy} --project DIR --stack NAME --state-dir DIR
[--config JSON] [--secrets JSON] [--env JSON] [--parallel N] [--json]`` (run from the
repository root) prints the pass's summary as one JSON line and exits 0, or 1 when the pass
failed. ``preview --json`` prints instead what ``pulumi preview --json`` prints
(``harness.engine.digest``), failed or not.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from harness.engine.digest import preview_digest
from harness.engine.engine import Engine
from harness.engine.summary import PassFailed, PassSummary

PASSES = ("preview", "up", "refresh", "destroy")


def _summary(summary: PassSummary) -> dict[str, Any]:
    return {
        "kind": summary.kind,
        "steps": [
            {"urn": step.urn, "type": step.type, "op": step.op, "result": step.result}
            for step in summary.steps
        ],
        "errors": summary.errors,
        "diagnostics": summary.diagnostics,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.engine", description=__doc__)
    parser.add_argument("pass_", choices=PASSES, metavar="PASS")
    parser.add_argument("--project", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--config", type=json.loads, default={})
    parser.add_argument("--secrets", type=json.loads, default={})
    parser.add_argument("--env", type=json.loads, default={})
    parser.add_argument("--parallel", type=int)
    parser.add_argument(
        "--json", action="store_true", help="preview: print the digest of pulumi preview --json"
    )
    args = parser.parse_args(argv)
    if args.json and args.pass_ != "preview":
        parser.error("--json goes with preview only, as for the pulumi CLI")
    options: dict[str, Any] = {} if args.parallel is None else {"parallel": args.parallel}
    engine = Engine(
        args.project,
        args.stack,
        state_dir=args.state_dir,
        config=args.config,
        secrets=args.secrets,
        env=args.env,
        **options,
    )
    status = 0
    try:
        summary = getattr(engine, args.pass_)()
    except PassFailed as failed:
        summary, status = failed.summary, 1
    if args.json:
        digest = preview_digest(summary, config=engine.config)
        print(json.dumps(digest, ensure_ascii=False, indent=4), flush=True)
    else:
        print(json.dumps(_summary(summary)), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
