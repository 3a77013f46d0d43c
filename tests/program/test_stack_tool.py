"""`tools/stack.py` (behind `make up/preview/destroy/refresh/pulumi/emulator/stop/reset`), run
for real.

A recording fake `pulumi` first on PATH stands in for the CLI: it appends its arguments,
working directory and the environment that matters to a JSON-lines file, and prints on stdout
what a real one would (a line when it creates a stack, ``FAKE_PULUMI_STDOUT`` otherwise). The
dev stack's emulator is a real one, started by the tool on a free block of ports.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from harness.emulator import EmulatorProcess
from providers.environment import DEFAULT_HOST_THREADS

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "stack.py"
RECORDED_ENV = (
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "PULUMI_SKIP_UPDATE_CHECK",
    "PULUMI_PARALLEL",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
)
# What a developer's shell may hold and the tool must not be influenced by in these tests.
SCRUBBED_ENV = (
    *RECORDED_ENV,
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "MSGSMS_HOST_THREADS",
    "STACK",
    "MSGSMS_EMULATOR_PORT",
    "MSGSMS_EMULATOR_DIR",
    "MSGSMS_EMULATOR_FLAGS",
)
FAKE_PULUMI = f"""#!{sys.executable}
import json, os, sys
with open(os.environ["FAKE_PULUMI_LOG"], "a") as log:
    env = {{k: os.environ.get(k) for k in {RECORDED_ENV!r}}}
    log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": env}}) + "\\n")
if sys.argv[1:3] == ["stack", "select"]:
    print("Created stack " + repr(sys.argv[4]))
else:
    print(os.environ.get("FAKE_PULUMI_STDOUT", ""), end="")
sys.exit(1 if sys.argv[1] == os.environ.get("FAKE_PULUMI_FAIL") else 0)
"""


def _stack_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stack_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stack_tool = _stack_module()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class FakeCli:
    """The fake `pulumi` on PATH and what it recorded."""

    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        executable = self.bin / "pulumi"
        executable.write_text(FAKE_PULUMI)
        executable.chmod(0o755)
        self.log = tmp_path / "pulumi-calls.jsonl"

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def fake_cli(tmp_path: Path) -> FakeCli:
    return FakeCli(tmp_path)


def _run_tool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # as the Makefile runs it: the venv's python, from the project root
    return subprocess.run(
        [sys.executable, str(TOOL), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    # a zombie whose new parent has not reaped it yet has stopped serving all the same
    return status.exists() and "\nState:\tZ" in status.read_text()


def _stop(pid: int) -> None:
    """SIGTERM the background emulator and wait until it is gone (SIGKILL as a last resort)."""
    if _gone(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while not _gone(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)


@pytest.fixture
def emulator_place(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment that puts the tool's emulator on free ports in a temporary data dir, never
    the developer's own; the emulator the tool starts watches this process, and is stopped
    afterwards."""
    data_dir = tmp_path / "emulator"
    yield {
        "MSGSMS_EMULATOR_PORT": str(_free_port()),
        "MSGSMS_EMULATOR_DIR": str(data_dir),
        # the region ports are the OS's choice: only the main one is found through the port
        "MSGSMS_EMULATOR_FLAGS": f"--parent-pid {os.getpid()} --region-ports 0,0,0",
    }
    pid_file = data_dir / "emulator.pid"
    if pid_file.exists():
        _stop(int(pid_file.read_text()))


@pytest.fixture
def tool_env(fake_cli: FakeCli, emulator_place: dict[str, str]) -> dict[str, str]:
    """The tool's environment: the fake CLI first on PATH, the test's emulator place, and none
    of the developer's Pulumi or Huawei Cloud settings."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["PATH"] = f"{fake_cli.bin}{os.pathsep}{env.get('PATH', '')}"
    env["FAKE_PULUMI_LOG"] = str(fake_cli.log)
    return {**env, **emulator_place}


def _dev_environment(info: dict[str, Any]) -> dict[str, str | None]:
    """What the CLI gets for the dev stack: the repository's backend, the dev passphrase and
    the emulator's keys."""
    return {
        "PULUMI_BACKEND_URL": (ROOT / ".pulumi").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": stack_tool.DEV_PASSPHRASE,
        "PULUMI_CONFIG_PASSPHRASE_FILE": None,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PARALLEL": str(DEFAULT_HOST_THREADS),
        "HUAWEICLOUD_SDK_AK": info["access_key"],
        "HUAWEICLOUD_SDK_SK": info["secret_key"],
    }


def test_up_on_dev_starts_the_emulator_then_reuses_it(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    url = f"http://127.0.0.1:{tool_env['MSGSMS_EMULATOR_PORT']}"

    first = _run_tool(tool_env, "up", "--stack", "dev")

    assert first.returncode == 0, first.stderr
    assert "Emulator started at" in first.stderr
    info = json.loads((data_dir / "startup.json").read_text())
    assert info["url"] == url
    assert httpx.get(f"{url}/health").status_code == 200
    pid = int((data_dir / "emulator.pid").read_text())
    calls = fake_cli.calls()
    assert [call["argv"] for call in calls] == [
        ["stack", "select", "--create", "dev", "--non-interactive"],
        ["up", "--yes", "--stack", "dev", "--non-interactive"],
    ]
    for call in calls:
        assert call["cwd"] == str(ROOT)
        assert call["env"] == _dev_environment(info)

    # A second run finds the emulator through its start-up line; a passphrase of the user's
    # own is kept.
    second = _run_tool(
        {**tool_env, "PULUMI_CONFIG_PASSPHRASE": "my own"},
        "preview",
        "--stack",
        "dev",
        "--",
        "--diff",
    )

    assert second.returncode == 0, second.stderr
    assert f"Reusing the emulator running at {url}" in second.stderr
    assert "Emulator started" not in second.stderr
    assert int((data_dir / "emulator.pid").read_text()) == pid
    assert not _gone(pid)
    calls = fake_cli.calls()[2:]
    assert [call["argv"] for call in calls] == [
        ["stack", "select", "--create", "dev", "--non-interactive"],
        ["preview", "--stack", "dev", "--non-interactive", "--diff"],
    ]
    assert {call["env"]["PULUMI_CONFIG_PASSPHRASE"] for call in calls} == {"my own"}
    assert {call["env"]["HUAWEICLOUD_SDK_AK"] for call in calls} == {info["access_key"]}


def test_other_stacks_get_no_emulator_and_no_passphrase(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    result = _run_tool(tool_env, "destroy", "--stack", "prod")

    assert result.returncode == 0, result.stderr
    assert not Path(tool_env["MSGSMS_EMULATOR_DIR"]).exists()
    calls = fake_cli.calls()
    assert [call["argv"] for call in calls] == [
        ["stack", "select", "--create", "prod", "--non-interactive"],
        ["destroy", "--yes", "--stack", "prod", "--non-interactive"],
    ]
    for call in calls:
        assert call["env"]["PULUMI_BACKEND_URL"] == (ROOT / ".pulumi").as_uri()
        assert call["env"]["PULUMI_CONFIG_PASSPHRASE"] is None
        assert call["env"]["HUAWEICLOUD_SDK_AK"] is None
        assert call["env"]["HUAWEICLOUD_SDK_SK"] is None


def test_a_backend_of_the_users_own_is_kept(fake_cli: FakeCli, tool_env: dict[str, str]) -> None:
    env = {**tool_env, "PULUMI_BACKEND_URL": "s3://state-bucket/msgsms"}

    result = _run_tool(env, "refresh", "--stack", "prod")

    assert result.returncode == 0, result.stderr
    assert [call["argv"][0] for call in fake_cli.calls()] == ["stack", "refresh"]
    assert {c["env"]["PULUMI_BACKEND_URL"] for c in fake_cli.calls()} == {
        "s3://state-bucket/msgsms"
    }


@pytest.mark.parametrize(
    ("environ", "parallel"),
    [
        ({}, str(DEFAULT_HOST_THREADS)),
        ({"MSGSMS_HOST_THREADS": "32"}, "32"),
        ({"PULUMI_PARALLEL": "4", "MSGSMS_HOST_THREADS": "32"}, "4"),
    ],
)
def test_the_cli_runs_as_many_steps_at_once_as_the_provider_serves_calls(
    fake_cli: FakeCli, tool_env: dict[str, str], environ: dict[str, str], parallel: str
) -> None:
    """The CLI's default (four steps per CPU) would leave most of the provider's threads
    idle on a small machine; a PULUMI_PARALLEL of the user's own is kept."""
    result = _run_tool({**tool_env, **environ}, "preview", "--stack", "prod")

    assert result.returncode == 0, result.stderr
    assert {call["env"]["PULUMI_PARALLEL"] for call in fake_cli.calls()} == {parallel}


def test_a_failed_stack_selection_stops_before_the_command(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    env = {**tool_env, "FAKE_PULUMI_FAIL": "stack"}

    result = _run_tool(env, "up", "--stack", "prod")

    assert result.returncode == 1
    assert [call["argv"][0] for call in fake_cli.calls()] == ["stack"]


def test_a_foreign_server_on_the_emulator_port_is_refused_without_touching_the_data(
    fake_cli: FakeCli, tool_env: dict[str, str], emulator_session: EmulatorProcess
) -> None:
    # Something healthy answers on the port, but this data dir has no live emulator of it;
    # the data dir holds the start-up line of an earlier emulator, which must survive.
    port = emulator_session.url.rsplit(":", 1)[1]
    env = {**tool_env, "MSGSMS_EMULATOR_PORT": port}
    data_dir = Path(env["MSGSMS_EMULATOR_DIR"])
    data_dir.mkdir()
    (data_dir / "startup.json").write_text('{"url": "http://127.0.0.1:1"}\n')

    for action in ("up", "emulator"):
        result = _run_tool(env, action, "--stack", "dev")

        assert result.returncode == 2, action
        assert f"already answers on http://127.0.0.1:{port}" in result.stderr
        assert "not started from this repository" in result.stderr
        assert "`make stop` in its checkout" in result.stderr
        assert "nothing there needs to be deleted" in result.stderr
    assert (data_dir / "startup.json").read_text() == '{"url": "http://127.0.0.1:1"}\n'
    assert sorted(p.name for p in data_dir.iterdir()) == ["startup.json"]
    assert fake_cli.calls() == []


def test_a_program_that_is_no_server_on_the_port_is_named_too(tool_env: dict[str, str]) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        env = {**tool_env, "MSGSMS_EMULATOR_PORT": str(port)}

        result = _run_tool(env, "emulator")

    assert result.returncode == 2
    assert f"another program already listens on 127.0.0.1:{port}" in result.stderr
    assert not Path(env["MSGSMS_EMULATOR_DIR"]).exists()


def test_pulumi_runs_any_command_as_up_does_with_only_its_output_on_stdout(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    env = {**tool_env, "FAKE_PULUMI_STDOUT": '{"shipped": {"template_id": "1"}}\n'}

    result = _run_tool(env, "pulumi", "--stack", "dev", "--", "stack", "output", "templates")

    assert result.returncode == 0, result.stderr
    # stdout is the command's own, so `make pulumi ARGS=... > file` keeps clean JSON
    assert result.stdout == '{"shipped": {"template_id": "1"}}\n'
    assert "Created stack 'dev'" in result.stderr
    info = json.loads((Path(tool_env["MSGSMS_EMULATOR_DIR"]) / "startup.json").read_text())
    calls = fake_cli.calls()
    assert [call["argv"] for call in calls] == [
        ["stack", "select", "--create", "dev", "--non-interactive"],
        ["stack", "output", "templates"],
    ]
    assert calls[1]["cwd"] == str(ROOT)
    assert calls[1]["env"] == _dev_environment(info)


def test_pulumi_without_a_command_says_how_to_give_one(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    result = _run_tool(tool_env, "pulumi", "--stack", "prod")

    assert result.returncode == 2
    assert 'make pulumi ARGS="stack output --json"' in result.stderr
    assert fake_cli.calls() == []


def _start_foreground(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(TOOL), "emulator"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal would give it
    )


def _wait_for(check: Any, what: str) -> None:
    deadline = time.monotonic() + 60
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def test_the_foreground_emulator_keeps_its_line_refuses_a_second_and_stops(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    url = f"http://127.0.0.1:{tool_env['MSGSMS_EMULATOR_PORT']}"
    foreground = _start_foreground(tool_env)
    try:
        _wait_for(lambda: (data_dir / "startup.json").exists(), "the start-up line")
        line = (data_dir / "startup.json").read_text()
        assert json.loads(line)["url"] == url
        pid = int((data_dir / "emulator.pid").read_text())
        assert httpx.get(f"{url}/health").status_code == 200

        second = _run_tool(tool_env, "emulator")

        assert second.returncode == 2
        assert f"the emulator of this repository already runs at {url} (pid {pid}" in (
            second.stderr
        )
        assert "`make stop`" in second.stderr
        assert (data_dir / "startup.json").read_text() == line

        # `make up` reuses it
        up = _run_tool(tool_env, "up", "--stack", "dev")
        assert up.returncode == 0, up.stderr
        assert f"Reusing the emulator running at {url} (pid {pid})" in up.stderr
        assert fake_cli.calls()[-1]["env"]["HUAWEICLOUD_SDK_AK"] == json.loads(line)["access_key"]

        stop = _run_tool(tool_env, "stop")

        assert stop.returncode == 0
        assert f"Stopped the emulator; its data stays in {data_dir}" in stop.stderr
        assert foreground.wait(timeout=30) == 0
    finally:
        if foreground.poll() is None:
            os.killpg(foreground.pid, signal.SIGKILL)
        stdout, stderr = foreground.communicate()
    assert stdout == line  # the start-up line is shown as the emulator printed it
    assert f"Emulator ready at {url}" in stderr
    assert _gone(pid)
    assert not (data_dir / "emulator.pid").exists()
    assert (data_dir / "startup.json").read_text() == line
    assert (data_dir / "emulator.db").exists()

    again = _run_tool(tool_env, "stop")
    assert again.returncode == 0
    assert "No emulator of this repository is running" in again.stderr


def test_an_emulator_of_ours_without_its_line_is_named_and_can_be_stopped(
    fake_cli: FakeCli, tool_env: dict[str, str]
) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    foreground = _start_foreground(tool_env)
    try:
        _wait_for(lambda: (data_dir / "startup.json").exists(), "the start-up line")
        pid = int((data_dir / "emulator.pid").read_text())
        (data_dir / "startup.json").write_text("")  # as an older `make emulator` left it

        result = _run_tool(tool_env, "up", "--stack", "dev")

        assert result.returncode == 2
        assert f"the emulator this repository started (pid {pid}) holds" in result.stderr
        assert "Stop it with `make stop`" in result.stderr
        assert fake_cli.calls() == []
        assert _run_tool(tool_env, "stop").returncode == 0
        foreground.wait(timeout=30)
    finally:
        if foreground.poll() is None:
            os.killpg(foreground.pid, signal.SIGKILL)
        foreground.communicate()
    assert _gone(pid)


def test_ctrl_c_stops_the_foreground_emulator(tool_env: dict[str, str]) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    foreground = _start_foreground(tool_env)
    try:
        _wait_for(lambda: (data_dir / "startup.json").exists(), "the start-up line")
        pid = int((data_dir / "emulator.pid").read_text())

        os.killpg(foreground.pid, signal.SIGINT)  # what Ctrl-C in its terminal sends

        foreground.wait(timeout=30)
    finally:
        if foreground.poll() is None:
            os.killpg(foreground.pid, signal.SIGKILL)
        foreground.communicate()
    assert _gone(pid)
    assert not (data_dir / "emulator.pid").exists()
    assert json.loads((data_dir / "startup.json").read_text())["access_key"]


def test_an_emulator_that_cannot_start_leaves_the_old_line_alone(tool_env: dict[str, str]) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    data_dir.mkdir()
    (data_dir / "startup.json").write_text('{"url": "kept"}\n')
    # refused by serve; the region ports stay the OS's choice, so that only the main port,
    # free, is checked (ports next to it may be anyone's)
    flags = f"{tool_env['MSGSMS_EMULATOR_FLAGS']} --review-delay -1"
    env = {**tool_env, "MSGSMS_EMULATOR_FLAGS": flags}

    result = _run_tool(env, "emulator")

    assert result.returncode == 2
    assert "the emulator did not start (exit status 2" in result.stderr
    assert "--review-delay" in result.stderr  # the emulator's own message, passed through
    assert (data_dir / "startup.json").read_text() == '{"url": "kept"}\n'
    assert not (data_dir / "emulator.pid").exists()


def _local_state(backend: Path, *stacks: str) -> None:
    folder = backend / ".pulumi" / "stacks" / "msgsms"
    folder.mkdir(parents=True)
    for stack in stacks:
        (folder / f"{stack}.json").write_text("{}")
        (folder / f"{stack}.json.bak").write_text("{}")


def test_reset_stops_the_emulator_and_says_what_it_deletes(
    tool_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = Path(tool_env["MSGSMS_EMULATOR_DIR"])
    foreground = _start_foreground(tool_env)
    try:
        _wait_for(lambda: (data_dir / "startup.json").exists(), "the start-up line")
        pid = int((data_dir / "emulator.pid").read_text())
        backend = tmp_path / "backend"
        _local_state(backend, "dev")

        stack_tool.reset(data_dir, backend)

        foreground.wait(timeout=30)
    finally:
        if foreground.poll() is None:
            os.killpg(foreground.pid, signal.SIGKILL)
        foreground.communicate()
    assert _gone(pid)
    assert not data_dir.exists()
    assert not backend.exists()
    err = capsys.readouterr().err
    assert err.index("This deletes:") < err.index("Stopped the emulator") < err.index("Deleted.")
    assert f"  {data_dir} (" in err
    assert "the emulator's database (its apps, signatures, templates and messages)" in err
    assert f"  {backend} (" in err
    assert "the local Pulumi state backend (state of: dev)" in err


def test_reset_keeps_the_state_of_other_stacks_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, backend = tmp_path / "emulator", tmp_path / "backend"
    data_dir.mkdir()
    _local_state(backend, "dev", "prod")

    with pytest.raises(stack_tool.StackError, match=r"state of stack\(s\) prod besides dev"):
        stack_tool.reset(data_dir, backend)

    assert data_dir.exists() and backend.exists()
    assert stack_tool.reset(data_dir, backend, force=True)
    assert not data_dir.exists() and not backend.exists()
    assert "(state of: dev, prod)" in capsys.readouterr().err


@pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_reset_in_a_terminal_asks_first(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    deleted: bool,
) -> None:
    data_dir, backend = tmp_path / "emulator", tmp_path / "backend"
    data_dir.mkdir()
    _local_state(backend, "dev")
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))

    assert stack_tool.reset(data_dir, backend, confirm=True) is deleted

    assert data_dir.exists() is not deleted and backend.exists() is not deleted
    err = capsys.readouterr().err
    assert "This deletes:" in err
    assert ("Nothing was deleted." in err) is not deleted


def test_a_missing_cli_that_cannot_be_installed_stops_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No pulumi on PATH, none installed locally, and the download fails: the installer is
    # sent to a proxy on a closed local port, so it fails at once without any network.
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    closed_port = _free_port()
    monkeypatch.setenv("PATH", str(empty))
    for name in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port}")
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(stack_tool, "CLI_DIR", tmp_path / "cli")

    # Pulumi's installer leaves its script's file object open when the download fails.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        status = stack_tool.main(["up", "--stack", "prod"])

    assert status == 2
    err = capsys.readouterr().err
    assert "installing it into .pulumi-cli/" in err
    assert "error: the Pulumi CLI is not installed and could not be downloaded" in err
    assert "URLError" in err
    assert "https://www.pulumi.com/docs/iac/download-install/" in err
    assert "copy the `pulumi` binary into .pulumi-cli/bin/" in err
    assert not (tmp_path / "cli" / "bin" / "pulumi").exists()


def _project(tmp_path: Path, stack_file: str | None) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: msgsms\nruntime: python\nstackConfigDir: stacks\n", encoding="utf-8"
    )
    (tmp_path / "stacks").mkdir()
    if stack_file is not None:
        (tmp_path / "stacks" / "Pulumi.prod.yaml").write_text(stack_file, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("stack_file", "environ", "parallel"),
    [
        ("config:\n  msgsms:hostThreads: 32\n", {}, "32"),
        ("config:\n  msgsms:hostThreads: '24'\n", {"MSGSMS_HOST_THREADS": "8"}, "24"),
        ("config:\n  msgsms:region: cn-north-4\n", {"MSGSMS_HOST_THREADS": "8"}, "8"),
        ("config:\n  msgsms:hostThreads: 32\n", {"PULUMI_PARALLEL": "4"}, "4"),
        (None, {}, str(DEFAULT_HOST_THREADS)),
        ("config: [not, a, mapping\n", {}, str(DEFAULT_HOST_THREADS)),
        ("config:\n  msgsms:hostThreads:\n    secure: v1:abc\n", {}, str(DEFAULT_HOST_THREADS)),
    ],
)
def test_the_steps_at_once_follow_the_stacks_own_host_threads_setting(
    tmp_path: Path, stack_file: str | None, environ: dict[str, str], parallel: str
) -> None:
    """The provider reads msgsms:hostThreads from the stack config before the environment;
    PULUMI_PARALLEL follows it the same way. A file the CLI would refuse changes nothing here:
    the CLI says what is wrong with it."""
    project = _project(tmp_path, stack_file)

    env = stack_tool.stack_environment("prod", None, environ, project)

    assert env["PULUMI_PARALLEL"] == parallel
