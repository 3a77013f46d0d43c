"""Run a Pulumi stack of this project from a bare clone: `make up`, `make pulumi`, `make emulator`.

What ``up``, ``preview``, ``destroy``, ``refresh`` and ``pulumi`` do, in order:

1. find the Pulumi CLI (on PATH, or in ``.pulumi-cli/`` inside the repository) and, when it is
   absent, install it there with ``pulumi.automation.PulumiCommand.install``; without internet
   that fails, and the command stops with a message saying what to do;
2. for the ``dev`` stack, make sure the local emulator runs on its fixed ports (reusing one
   that this repository started), and export its credentials for the providers;
3. use a local file backend inside the repository (``.pulumi/``) and, for ``dev`` only, a fixed
   passphrase for the stack's secrets so nothing has to be typed;
4. select the stack (creating it when missing) and run the Pulumi command: ``pulumi`` runs the
   arguments after ``--`` as they are, so any command sees the state ``make up`` wrote.

Other stacks get no emulator and no passphrase default: they bring their own credentials
(stack config or environment) and their own ``PULUMI_CONFIG_PASSPHRASE``.

``emulator`` runs the emulator in the foreground, ``stop`` stops the one this repository
started (its data stays) and ``reset`` stops it and deletes ``.emulator/`` and ``.pulumi/``.
These three need only the standard library, so they run without the venv.

The emulator's place can be moved (the dev stack's endpoints expect the defaults, so this is
for tests): ``MSGSMS_EMULATOR_PORT`` (8790), ``MSGSMS_EMULATOR_DIR`` (``.emulator``) and
``MSGSMS_EMULATOR_FLAGS``, further ``serve`` flags such as ``--parent-pid``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, from the venv or (stop, reset) from the system's Python: the emulator is
# started as the tests start it, by the repository's harness, imported from this checkout.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.emulator import first_line, serve_command  # noqa: E402

__all__ = [
    "ROOT",
    "EmulatorInfo",
    "StackError",
    "ensure_emulator",
    "find_pulumi",
    "main",
    "reset",
    "run_emulator",
    "stop_emulator",
]

CLI_DIR = ROOT / ".pulumi-cli"
BACKEND_DIR = ROOT / ".pulumi"
EMULATOR_DIR = Path(os.environ.get("MSGSMS_EMULATOR_DIR") or ROOT / ".emulator")
EMULATOR_PORT = int(os.environ.get("MSGSMS_EMULATOR_PORT") or 8790)
EMULATOR_FLAGS = tuple(shlex.split(os.environ.get("MSGSMS_EMULATOR_FLAGS", "")))
# Not a secret: it only guards the dev stack's state, whose secrets are the emulator's.
DEV_PASSPHRASE = "dev-stack-passphrase-not-secret"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
ACTIONS = ("up", "preview", "destroy", "refresh", "pulumi", "emulator", "stop", "reset")
PULUMI_ARGS = {
    "up": ["up", "--yes"],
    "preview": ["preview"],
    "destroy": ["destroy", "--yes"],
    "refresh": ["refresh", "--yes"],
}

EmulatorInfo = dict


class StackError(Exception):
    """A problem the user must fix before the stack can run; the message says how."""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    _say("Pulumi CLI not found; installing it into .pulumi-cli/ ...")
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


# --------------------------------------------------------------------------------------------
# The emulator: which one runs, starting it (background or foreground), stopping it


def _health(url: str) -> bool:
    try:
        with urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (URLError, OSError):
        return False


def _port_taken(port: int) -> bool:
    """True when something listens on 127.0.0.1:``port`` (a bind as the emulator does fails)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the emulator binds: connections of a stopped server waiting in TIME_WAIT do not count
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/status")
    with contextlib.suppress(OSError):
        # a zombie waiting for its parent to reap it serves nothing any more
        return "\nState:\tZ" not in status.read_text()
    return True


def _is_emulator(pid: int) -> bool:
    """True when ``pid`` lives and is an emulator (not a process that reused the number)."""
    if not _alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        argv = cmdline.read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc here: trust the pid file
    return b"emulator" in argv and b"serve" in argv


def _running_pid(data_dir: Path) -> int | None:
    """The pid in ``<data_dir>/emulator.pid`` if that emulator still runs."""
    try:
        pid = int((data_dir / "emulator.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _is_emulator(pid) else None


def _read_startup(data_dir: Path) -> EmulatorInfo | None:
    try:
        info: EmulatorInfo = json.loads((data_dir / "startup.json").read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _write_startup(data_dir: Path, line: str) -> EmulatorInfo:
    """Keep the start-up line in ``startup.json``, replacing the old one in one step."""
    info: EmulatorInfo = json.loads(line)
    temporary = data_dir / "startup.json.tmp"
    temporary.write_text(line.rstrip("\n") + "\n")
    os.replace(temporary, data_dir / "startup.json")
    return info


def _ours(data_dir: Path, url: str) -> tuple[EmulatorInfo, int] | None:
    """The start-up line and pid of an emulator this data dir's owner started at ``url``."""
    pid = _running_pid(data_dir)
    info = _read_startup(data_dir)
    if pid is None or info is None or info.get("url") != url or not _health(url):
        return None
    return info, pid


def _port_problem(port: int, data_dir: Path) -> str:
    url = f"http://127.0.0.1:{port}"
    pid = _running_pid(data_dir)
    if pid is not None:
        return (
            f"the emulator this repository started (pid {pid}) holds 127.0.0.1:{port}, but "
            f"{data_dir / 'startup.json'} has no start-up line of it, so its keys are unknown. "
            "Stop it with `make stop` and run the command again: it starts again on the same "
            "data, and nothing is lost."
        )
    if _health(url):
        what = f"another emulator (or a server answering /health) already answers on {url}"
    else:
        what = f"another program already listens on 127.0.0.1:{port}"
    return (
        f"{what}, and it was not started from this repository ({data_dir / 'emulator.pid'} "
        "names no running emulator). Another checkout's `make up` or `make emulator`, or a "
        f"`python -m emulator serve` of your own, is the usual cause: stop that one (`make "
        f"stop` in its checkout; `ss -ltnp 'sport = :{port}'` shows its process), then run "
        f"the command again. Nothing in {data_dir} was changed, and nothing there needs to be "
        "deleted."
    )


def _region_ports_follow() -> bool:
    return "--region-ports" not in EMULATOR_FLAGS


def _check_ports_free(data_dir: Path, port: int) -> None:
    # The region ports follow the main port unless the flags place them elsewhere.
    ports = [port, port + 1, port + 2, port + 3] if _region_ports_follow() else [port]
    taken = [p for p in ports if _port_taken(p)]
    if taken:
        raise StackError(_port_problem(taken[0], data_dir))


def ensure_emulator(
    data_dir: Path = EMULATOR_DIR, port: int = EMULATOR_PORT, python: str = sys.executable
) -> EmulatorInfo:
    """Start the emulator in the background unless this repository's runs on ``port``.

    The start-up line is kept in ``<data_dir>/startup.json`` (written only once the emulator
    printed it) and the process id in ``<data_dir>/emulator.pid``; a running emulator that an
    earlier ``make up`` or ``make emulator`` started is reused through them.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    found = _ours(data_dir, url)
    if found is not None:
        _say(f"Reusing the emulator running at {url} (pid {found[1]}).")
        return found[0]
    _check_ports_free(data_dir, port)
    log = data_dir / "emulator.log"
    # the child's stdout: the start-up line lands here first, then goes to startup.json whole
    stdout = data_dir / "emulator.out"
    with stdout.open("w") as out, log.open("a") as err:
        process = subprocess.Popen(
            serve_command(data_dir, port=port, flags=EMULATOR_FLAGS, python=python),
            cwd=ROOT,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (data_dir / "emulator.pid").write_text(f"{process.pid}\n")
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        text = stdout.read_text()
        if text.endswith("\n"):
            info = _write_startup(data_dir, text.splitlines()[0])
            _say(f"Emulator started at {info['url']} (pid {process.pid}, log {log}).")
            return info
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    process.wait()
    (data_dir / "emulator.pid").unlink(missing_ok=True)
    tail = "".join(log.read_text().splitlines(keepends=True)[-20:])
    raise StackError(f"the emulator did not start; the end of {log}:\n{tail}")


def run_emulator(
    data_dir: Path = EMULATOR_DIR, port: int = EMULATOR_PORT, python: str = sys.executable
) -> int:
    """Run the emulator in the foreground until it stops; its exit status.

    Refuses (``StackError``) when its ports are taken, before anything in ``data_dir`` is
    touched; ``startup.json`` is replaced only by a complete start-up line.
    """
    url = f"http://127.0.0.1:{port}"
    found = _ours(data_dir, url)
    if found is not None:
        raise StackError(
            f"the emulator of this repository already runs at {url} (pid {found[1]}, data in "
            f"{data_dir}), and `make up` uses it as it is. To run it here in the foreground "
            "instead, stop it first with `make stop` (its data stays)."
        )
    _check_ports_free(data_dir, port)
    data_dir.mkdir(parents=True, exist_ok=True)
    # stderr (the emulator's log) goes to this terminal; the child shares the terminal's
    # process group, so Ctrl-C reaches it as well as this process.
    process = subprocess.Popen(
        serve_command(data_dir, port=port, flags=EMULATOR_FLAGS, python=python),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    pid_file = data_dir / "emulator.pid"
    pid_file.write_text(f"{process.pid}\n")

    def forward(signum: int, frame: FrameType | None) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        assert process.stdout is not None
        line = first_line(process.stdout, STARTUP_TIMEOUT)
        if line is None:
            if process.poll() is None:
                process.kill()
            status = process.wait()
            raise StackError(
                f"the emulator did not start (exit status {status}; its messages are above). "
                f"{data_dir / 'startup.json'} was left as it was."
            )
        info = _write_startup(data_dir, line)
        print(line.rstrip("\n"), flush=True)
        _say(
            f"Emulator ready at {info['url']}, data in {data_dir}. `make up` in another "
            "terminal uses it; Ctrl-C (or `make stop`) stops it."
        )
        for rest in process.stdout:  # the emulator prints nothing more, but never block it
            print(rest, end="", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return process.wait(timeout=STOP_TIMEOUT)
        process.kill()
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError, ValueError):
            if int(pid_file.read_text()) == process.pid:
                pid_file.unlink()


def stop_emulator(data_dir: Path = EMULATOR_DIR) -> bool:
    """Stop the emulator this repository started (SIGTERM, then SIGKILL); False if none ran."""
    pid = _running_pid(data_dir)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    # The foreground runner removes the file itself; a background emulator cannot.
    with contextlib.suppress(OSError, ValueError):
        if int((data_dir / "emulator.pid").read_text()) == pid:
            (data_dir / "emulator.pid").unlink()
    return True


def _stop_and_say(data_dir: Path) -> None:
    if stop_emulator(data_dir):
        _say(f"Stopped the emulator; its data stays in {data_dir}.")
    else:
        _say(f"No emulator of this repository is running ({data_dir / 'emulator.pid'}).")


# --------------------------------------------------------------------------------------------
# Starting over


def _local_stacks(backend: Path) -> list[str]:
    """Names of the stacks whose state the file backend in ``backend`` holds."""
    names = set()
    for state in backend.glob(".pulumi/stacks/**/*.json*"):
        name = state.name.split(".json")[0]
        if not state.name.endswith(".bak") and name:
            names.add(name)
    return sorted(names)


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return f"{total / 1e6:.1f} MB" if total >= 1e5 else f"{total / 1e3:.0f} kB"


def reset(
    data_dir: Path = EMULATOR_DIR,
    backend: Path = BACKEND_DIR,
    *,
    force: bool = False,
    confirm: bool | None = None,
) -> bool:
    """Stop the emulator, then delete its data dir and the local state backend; False if the
    user declined.

    It says what goes first and, when ``confirm`` (default: stdin is a terminal), asks.
    Refuses without ``force`` when the backend holds the state of a stack other than ``dev``:
    such a stack may manage objects on Huawei Cloud, which would be left unmanaged.
    """
    stacks = _local_stacks(backend) if backend.exists() else []
    others = [name for name in stacks if name != "dev"]
    if others and not force:
        raise StackError(
            f"{backend} holds the state of stack(s) {', '.join(others)} besides dev. Such a "
            "stack may manage objects on Huawei Cloud, and deleting its state leaves them "
            "unmanaged (the next `up` would create them again). Destroy it first (`make "
            "destroy STACK=<stack>`) or keep its state elsewhere (`make pulumi STACK=<stack> "
            "ARGS='stack export --file <file>'`); `make reset FORCE=1` deletes it anyway."
        )
    going = []
    if data_dir.exists():
        going.append(
            (
                data_dir,
                "the emulator's database (its apps, signatures, templates and messages), its "
                "credentials and its log",
            )
        )
    if backend.exists():
        held = ", ".join(stacks) if stacks else "no stack"
        going.append((backend, f"the local Pulumi state backend (state of: {held})"))
    if not going:
        _stop_and_say(data_dir)
        _say("Nothing else to reset: no emulator data and no local state.")
        return True
    _say("This deletes:")
    for path, what in going:
        _say(f"  {path} ({_size(path)}): {what}")
    if confirm is None:
        confirm = sys.stdin.isatty()
    if confirm and input("Delete them? [y/N] ").strip().lower() not in ("y", "yes"):
        _say("Nothing was deleted.")
        return False
    _stop_and_say(data_dir)
    for path, _ in going:
        shutil.rmtree(path)
    _say("Deleted. The next `make up` starts a new emulator and creates the dev stack again.")
    return True


# --------------------------------------------------------------------------------------------
# Pulumi


def stack_environment(
    stack: str,
    emulator: EmulatorInfo | None,
    base: Mapping[str, str],
    project_dir: Path = ROOT,
) -> dict[str, str]:
    """The environment for the Pulumi CLI: backend, passphrase, (dev) credentials, and as many
    steps at once as the provider process serves calls (``PULUMI_PARALLEL``, unless set)."""
    env = dict(base)
    env.setdefault("PULUMI_BACKEND_URL", BACKEND_DIR.as_uri())
    env.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    if "PULUMI_PARALLEL" not in env:
        configured = stack_config(stack, "hostThreads", project_dir)
        env["PULUMI_PARALLEL"] = str(host_threads(env, configured))
    if stack == "dev" and not (
        {"PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"} & env.keys()
    ):
        env["PULUMI_CONFIG_PASSPHRASE"] = DEV_PASSPHRASE
    if emulator is not None:
        env["HUAWEICLOUD_SDK_AK"] = emulator["access_key"]
        env["HUAWEICLOUD_SDK_SK"] = emulator["secret_key"]
    return env


def stack_config(stack: str, key: str, project_dir: Path = ROOT) -> Any:
    """``msgsms:<key>`` as the stack's config file (``Pulumi.<stack>.yaml`` in the project's
    ``stackConfigDir``) holds it in plain text; None when the file, its ``config`` or the key is
    missing, or the value is a secret or not YAML the CLI would read (the CLI then says what is
    wrong)."""
    # the venv's (up, preview and the rest run from it; stop and reset never come here)
    import yaml

    from harness.engine.config import ConfigError, ProjectSettings
    from providers.environment import NAMESPACE

    try:
        text = ProjectSettings.load(project_dir).stack_file(stack).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ConfigError):
        return None
    config = data.get("config") if isinstance(data, dict) else None
    value = config.get(f"{NAMESPACE}:{key}") if isinstance(config, dict) else None
    return None if isinstance(value, dict | list) else value


def host_threads(environ: Mapping[str, str], configured: Any = None) -> int:
    """Calls the provider process serves at once, read as the provider reads them:
    ``msgsms:hostThreads`` of the stack's config (``configured``), else
    ``MSGSMS_HOST_THREADS``, when it is a number; else the provider's default. The CLI's own
    default (four steps per CPU) would leave most of them idle on a small machine, each step
    waiting on the API rather than on a CPU."""
    # the standard library only
    from providers.environment import DEFAULT_HOST_THREADS, stack_setting

    value = str(stack_setting("hostThreads", configured, environ=environ) or "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_HOST_THREADS


def _stderr() -> Any:
    """Where the CLI's chatter goes, so that stdout carries only what the command prints."""
    try:
        sys.stderr.fileno()
    except (AttributeError, io.UnsupportedOperation):
        return None
    return sys.stderr


def run(
    action: str, stack: str, extra: Sequence[str] = (), environ: Mapping[str, str] = os.environ
) -> int:
    """Select or create ``stack`` and run a Pulumi command on it; returns the exit code.

    ``action`` ``pulumi`` runs ``extra`` as the whole command; the others run their command
    with ``--stack`` and ``--non-interactive``, then ``extra``.
    """
    pulumi = find_pulumi()
    emulator = ensure_emulator() if stack == "dev" else None
    env = stack_environment(stack, emulator, environ)
    BACKEND_DIR.mkdir(exist_ok=True)
    if env["PULUMI_BACKEND_URL"].startswith("file:"):
        _say(f"State backend: {env['PULUMI_BACKEND_URL']}")
    select = subprocess.run(
        [pulumi, "stack", "select", "--create", stack, "--non-interactive"],
        cwd=ROOT,
        env=env,
        stdout=_stderr(),
    )
    if select.returncode != 0:
        return select.returncode
    if action == "pulumi":
        command = [pulumi, *extra]
    else:
        command = [pulumi, *PULUMI_ARGS[action], "--stack", stack, "--non-interactive", *extra]
    status = subprocess.run(command, cwd=ROOT, env=env).returncode
    if action == "up" and stack == "dev" and status == 0:
        _say(
            '\nNext: `make pulumi ARGS="stack output --json"` shows the outputs; `make '
            "preview` after editing stacks/dev.sms.yaml; `make stop` stops the emulator, "
            "`make reset` starts over."
        )
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/stack.py",
        description=__doc__.split("\n")[0],
        usage="%(prog)s {" + ",".join(ACTIONS) + "} [--stack STACK] [--force] [-- PULUMI_ARGS...]",
        epilog="Arguments after -- go to the pulumi command, e.g. `up -- --diff`; for the "
        "action pulumi they are the whole command, e.g. `pulumi -- stack output --json`.",
    )
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("--stack", default=os.environ.get("STACK", "dev"))
    parser.add_argument(
        "--force", action="store_true", help="reset: also delete the state of other stacks"
    )
    args = list(sys.argv[1:] if argv is None else argv)
    # split by hand: an argparse remainder would also swallow `--stack` after the action
    split = args.index("--") if "--" in args else len(args)
    ns = parser.parse_args(args[:split])
    extra = args[split + 1 :]
    try:
        if ns.action == "emulator":
            return run_emulator()
        if ns.action == "stop":
            _stop_and_say(EMULATOR_DIR)
            return 0
        if ns.action == "reset":
            return 0 if reset(force=ns.force) else 1
        if ns.action == "pulumi" and not extra:
            raise StackError(
                'give the pulumi command to run: `make pulumi ARGS="stack output --json"`, or '
                "`tools/stack.py pulumi -- stack output --json`"
            )
        return run(ns.action, ns.stack, extra)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
