"""Run a Pulumi stack of this project from a bare clone: `make up`, `make preview`, `make destroy`.

What it does, in order:

1. finds the Pulumi CLI (on PATH, or in ``.pulumi-cli/`` inside the repository) and, when it is
   absent, installs it there with ``pulumi.automation.PulumiCommand.install``; without internet
   that fails, and the command stops with a message saying what to do;
2. for the ``dev`` stack, makes sure the local emulator runs on its fixed ports (reusing a
   running one), and exports its credentials for the providers;
3. uses a local file backend inside the repository (``.pulumi/``) and, for ``dev`` only, a fixed
   passphrase for the stack's secrets so nothing has to be typed;
4. selects the stack (creating it when missing) and runs the Pulumi command.

Other stacks get no emulator and no passphrase default: they bring their own credentials
(stack config or environment) and their own ``PULUMI_CONFIG_PASSPHRASE``.

The emulator's place can be moved (the dev stack's endpoints expect the defaults, so this is
for tests): ``MSGSMS_EMULATOR_PORT`` (8790), ``MSGSMS_EMULATOR_DIR`` (``.emulator``) and
``MSGSMS_EMULATOR_FLAGS``, further ``serve`` flags such as ``--parent-pid``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

__all__ = ["ROOT", "EmulatorInfo", "StackError", "ensure_emulator", "find_pulumi", "main"]

ROOT = Path(__file__).resolve().parent.parent
CLI_DIR = ROOT / ".pulumi-cli"
BACKEND_DIR = ROOT / ".pulumi"
EMULATOR_DIR = Path(os.environ.get("MSGSMS_EMULATOR_DIR") or ROOT / ".emulator")
EMULATOR_PORT = int(os.environ.get("MSGSMS_EMULATOR_PORT") or 8790)
EMULATOR_FLAGS = tuple(shlex.split(os.environ.get("MSGSMS_EMULATOR_FLAGS", "")))
# Not a secret: it only guards the dev stack's state, whose secrets are the emulator's.
DEV_PASSPHRASE = "dev-stack-passphrase-not-secret"
STARTUP_TIMEOUT = 60.0

EmulatorInfo = dict


class StackError(Exception):
    """A problem the user must fix before the stack can run; the message says how."""


def find_pulumi(*, install: bool = True) -> str:
    """Return the path of a Pulumi CLI, installing one into ``.pulumi-cli/`` if needed."""
    on_path = shutil.which("pulumi")
    if on_path:
        return on_path
    local = CLI_DIR / "bin" / "pulumi"
    if local.exists():
        return str(local)
    if not install:
        raise StackError("the Pulumi CLI is not on PATH and not in .pulumi-cli/")
    print("Pulumi CLI not found; installing it into .pulumi-cli/ ...", file=sys.stderr)
    try:
        from pulumi.automation import PulumiCommand

        command = PulumiCommand.install(root=str(CLI_DIR))
    except Exception as exc:  # the installer raises plain Exceptions and OS errors alike
        raise StackError(
            "the Pulumi CLI is not installed and could not be downloaded "
            f"({type(exc).__name__}: {exc}).\n"
            "Install it from https://www.pulumi.com/docs/iac/download-install/ (or copy the "
            "`pulumi` binary into .pulumi-cli/bin/), then run the command again."
        ) from exc
    return str(Path(command.command))


def _health(url: str) -> bool:
    try:
        with urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (URLError, OSError):
        return False


def ensure_emulator(
    data_dir: Path = EMULATOR_DIR, port: int = EMULATOR_PORT, python: str = sys.executable
) -> EmulatorInfo:
    """Start the emulator in the background unless one already serves ``port``.

    The start-up line is kept in ``<data_dir>/startup.json`` and the process id in
    ``<data_dir>/emulator.pid``; a running emulator started by an earlier ``make up`` is reused
    through them.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    startup = data_dir / "startup.json"
    url = f"http://127.0.0.1:{port}"
    if _health(url):
        if startup.exists() and startup.read_text().strip():
            info: EmulatorInfo = json.loads(startup.read_text().splitlines()[0])
            if info.get("url") == url:
                print(f"Reusing the emulator running at {url}.", file=sys.stderr)
                return info
        raise StackError(
            f"something already answers on {url} but it was not started by `make up` "
            f"({startup} is missing). Stop it, or run the emulator with "
            f"`make emulator` in another terminal after removing {data_dir}."
        )
    startup.write_text("")
    log = data_dir / "emulator.log"
    with startup.open("w") as out, log.open("a") as err:
        process = subprocess.Popen(
            [
                python,
                "-m",
                "emulator",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                *EMULATOR_FLAGS,
            ],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (data_dir / "emulator.pid").write_text(f"{process.pid}\n")
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        text = startup.read_text()
        if text.endswith("\n"):
            info = json.loads(text.splitlines()[0])
            print(
                f"Emulator started at {info['url']} (pid {process.pid}, log {log}).",
                file=sys.stderr,
            )
            return info
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    tail = "".join(log.read_text().splitlines(keepends=True)[-20:])
    raise StackError(f"the emulator did not start; the end of {log}:\n{tail}")


def stack_environment(
    stack: str, emulator: EmulatorInfo | None, base: Mapping[str, str]
) -> dict[str, str]:
    """The environment for the Pulumi CLI: backend, passphrase and (dev) credentials."""
    env = dict(base)
    env.setdefault("PULUMI_BACKEND_URL", BACKEND_DIR.as_uri())
    env.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    if stack == "dev" and not (
        {"PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"} & env.keys()
    ):
        env["PULUMI_CONFIG_PASSPHRASE"] = DEV_PASSPHRASE
    if emulator is not None:
        env["HUAWEICLOUD_SDK_AK"] = emulator["access_key"]
        env["HUAWEICLOUD_SDK_SK"] = emulator["secret_key"]
    return env


def run(
    action: str, stack: str, extra: Sequence[str] = (), environ: Mapping[str, str] = os.environ
) -> int:
    """Select or create ``stack`` and run ``pulumi <action>`` on it; returns the exit code."""
    pulumi = find_pulumi()
    emulator = ensure_emulator() if stack == "dev" else None
    env = stack_environment(stack, emulator, environ)
    BACKEND_DIR.mkdir(exist_ok=True)
    if env["PULUMI_BACKEND_URL"].startswith("file:"):
        print(f"State backend: {env['PULUMI_BACKEND_URL']}", file=sys.stderr)
    select = subprocess.run(
        [pulumi, "stack", "select", "--create", stack, "--non-interactive"],
        cwd=ROOT,
        env=env,
    )
    if select.returncode != 0:
        return select.returncode
    args = {
        "up": ["up", "--yes"],
        "preview": ["preview"],
        "destroy": ["destroy", "--yes"],
        "refresh": ["refresh", "--yes"],
    }[action]
    return subprocess.run(
        [pulumi, *args, "--stack", stack, "--non-interactive", *extra],
        cwd=ROOT,
        env=env,
    ).returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/stack.py",
        description=__doc__.split("\n")[0],
        usage="%(prog)s {up,preview,destroy,refresh} [--stack STACK] [-- PULUMI_ARGS...]",
        epilog="Arguments after -- go to the pulumi command, e.g. -- --diff.",
    )
    parser.add_argument("action", choices=["up", "preview", "destroy", "refresh"])
    parser.add_argument("--stack", default=os.environ.get("STACK", "dev"))
    args = list(sys.argv[1:] if argv is None else argv)
    # split by hand: an argparse remainder would also swallow `--stack` after the action
    split = args.index("--") if "--" in args else len(args)
    ns = parser.parse_args(args[:split])
    extra = args[split + 1 :]
    try:
        return run(ns.action, ns.stack, extra)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
