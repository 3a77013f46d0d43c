"""``python -m emulator serve``: the command line of the emulator."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .core.regions import REGIONS
from .server import serve
from .state import Settings

__all__ = ["main", "parser"]


def _region_ports(text: str) -> dict[str, int]:
    parts = text.split(",")
    if len(parts) != len(REGIONS) or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(
            f"give {len(REGIONS)} comma-separated ports, for {', '.join(REGIONS)}"
        )
    return {region: int(p) for region, p in zip(REGIONS, parts, strict=True)}


def _non_negative(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"{text} is negative")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m emulator",
        description="A local emulator of Huawei Cloud IAM, MSGSMS and SMSApi.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "serve",
        help="serve until interrupted",
        description="Serve IAM and the admin API on --port and each region's MSGSMS and SMSApi"
        f" on the next ports ({', '.join(REGIONS)}). Prints one JSON line when ready.",
    )
    run.add_argument("--host", default="127.0.0.1", help="address to listen on")
    run.add_argument(
        "--port",
        type=_non_negative(int),
        default=8790,
        help="main port; 0 picks free ports for everything (default 8790)",
    )
    run.add_argument(
        "--region-ports",
        type=_region_ports,
        default=None,
        help="explicit region ports, e.g. 8791,8792,8793",
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        default=Path(".emulator"),
        help="directory of the database and credentials (default .emulator)",
    )
    run.add_argument(
        "--review-delay",
        type=_non_negative(float),
        default=3.0,
        help="seconds before a submitted signature or template is decided",
    )
    run.add_argument(
        "--apps-quota",
        type=_non_negative(int),
        default=2,
        help="apps per region and scope (default 2)",
    )
    run.add_argument("--signatures-per-app", type=_non_negative(int), default=200)
    run.add_argument("--templates-per-app", type=_non_negative(int), default=2000)
    run.add_argument(
        "--token-ttl",
        type=_non_negative(float),
        default=24 * 3600,
        help="IAM token lifetime in seconds (default 24 h)",
    )
    run.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    run.add_argument("--parent-pid", type=int, default=None, help="exit when this process is gone")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings(
        data_dir=args.data_dir,
        host=args.host,
        port=args.port,
        region_ports=args.region_ports,
        review_delay=args.review_delay,
        apps_quota=args.apps_quota,
        signatures_per_app=args.signatures_per_app,
        templates_per_app=args.templates_per_app,
        token_ttl=args.token_ttl,
        log_level=args.log_level,
        parent_pid=args.parent_pid,
    )
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
