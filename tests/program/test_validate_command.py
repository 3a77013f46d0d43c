"""`python -m providers validate`, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.program.corpus import expectations

ROOT = Path(__file__).parents[2]
DEV = "stacks/dev.sms.yaml"
BROKEN = "tests/program/catalogs/broken/signature_all_digits.sms.yaml"


def run(
    *args: str, code: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "providers", *args]
    if code is not None:
        command = [sys.executable, "-c", code, *args]
    # the region of entries that name none may come from the environment: only the test's
    environ = {k: v for k, v in os.environ.items() if k not in ("MSGSMS_REGION", "HW_REGION_NAME")}
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_valid_catalog_prints_segments_and_costs() -> None:
    result = run("validate", DEV)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"{DEV}: valid (2 apps, 1 file, 3 signatures, 5 templates)"
    assert lines[1].split() == [
        "template", "region", "type", "chars", "segments",
        "≤1M", "/10k", "1M–3M", "/10k", ">3M", "/10k",
    ]  # fmt: skip
    rows = {line.split()[0]: line.split() for line in lines[2:7]}
    assert rows["login_code"][:5] == ["login_code", "cn-north-4", "VERIFY_CODE_TYPE", "37", "1"]
    assert rows["login_code"][5:8] == ["650.00", "600.00", "550.00"]
    assert rows["order_shipped"][4:8] == ["2", "1,300.00", "1,200.00", "1,100.00"]
    assert rows["spring_sale"][4:8] == ["2", "1,600.00", "1,500.00", "1,400.00"]
    assert rows["global_otp"][4:8] == ["1", "-", "-", "-"]
    assert lines[-1].startswith("cost: CNY per 10,000 messages")


def test_a_broken_catalog_exits_1_with_file_line_path_message_on_stderr() -> None:
    result = run("validate", BROKEN)
    assert result.returncode == 1
    assert result.stdout == ""
    expected = [
        f"{BROKEN}:{line}: {path}: {msg}" for line, path, msg in expectations(ROOT / BROKEN)
    ]
    assert result.stderr.splitlines() == [*expected, "1 of 1 catalog(s) have problems"]


def test_several_files_report_each_and_fail_if_any_fails() -> None:
    result = run("validate", DEV, BROKEN, "stacks/prod.sms.yaml")
    assert result.returncode == 1
    assert f"{DEV}: valid" in result.stdout
    assert "stacks/prod.sms.yaml: valid" in result.stdout
    assert result.stderr.splitlines()[0].startswith(f"{BROKEN}:")
    assert result.stderr.splitlines()[-1] == "1 of 3 catalog(s) have problems"


def test_json_output_for_ci() -> None:
    result = run("validate", "--format", "json", DEV, BROKEN)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    good, bad = document["catalogs"]
    assert good["valid"] is True
    assert good["problems"] == [] and good["warnings"] == []
    assert good["declarations"] == {"app": 2, "file": 1, "signature": 3, "template": 5}
    shipped = next(t for t in good["templates"] if t["key"] == "order_shipped")
    assert shipped == {
        "key": "order_shipped",
        "region": "cn-north-4",
        "scope": "cn",
        "type": "NOTIFY_TYPE",
        "characters": 102,
        "segments": 2,
        "encoding": "UCS-2",
        "cost_per_10000": {"≤1M": "1300.000", "1M–3M": "1200.000", ">3M": "1100.000"},
        "note": "",
    }
    assert bad["valid"] is False and bad["templates"] == []
    (line, path, message), *_ = expectations(ROOT / BROKEN)
    assert bad["problems"][0] == {
        "file": BROKEN,
        "line": line,
        "path": path,
        "message": message,
        "severity": "error",
    }


def test_warnings_go_to_stderr_and_do_not_fail(tmp_path: Path) -> None:
    catalog = tmp_path / "many.sms.yaml"
    apps = "".join(f"  app{i}: {{name: app{i}, scope: cn}}\n" for i in range(3))
    catalog.write_text("defaults: {region: cn-south-1}\napps:\n" + apps, encoding="utf-8")
    result = run("validate", str(catalog))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"{catalog}:5: apps.app2: warning: 3 apps in cn-south-1; the default quota is 2 per "
        "region (ask Huawei Cloud to raise it, or creating the app fails)"
    ]
    assert result.stdout.splitlines() == [
        f"{catalog}: valid (3 apps, 0 files, 0 signatures, 0 templates)"
    ]


def test_region_option_fills_entries_without_a_region(tmp_path: Path) -> None:
    catalog = tmp_path / "bare.sms.yaml"
    catalog.write_text("apps:\n  shop: {name: shop, scope: cn}\n", encoding="utf-8")
    assert run("validate", str(catalog)).returncode == 1
    assert run("validate", "--region", "cn-north-4", str(catalog)).returncode == 0


def test_without_region_option_the_region_comes_from_the_environment(tmp_path: Path) -> None:
    catalog = tmp_path / "bare.sms.yaml"
    catalog.write_text(
        "apps:\n  shop: {name: shop, scope: cn}\n  world: {name: world, scope: intl}\n"
        "templates:\n  otp: {app: world, name: otp, content: 'code ${1}', send_countries: [65],"
        " variables: [{index: 1, type: CHARDIGIT}]}\n",
        encoding="utf-8",
    )
    both = {"MSGSMS_REGION": "ap-southeast-1", "HW_REGION_NAME": "cn-south-1"}
    for env, region in (
        (both, "ap-southeast-1"),
        ({"HW_REGION_NAME": "cn-south-1"}, "cn-south-1"),
    ):
        result = run("validate", str(catalog), env=env)
        assert result.returncode == 0, result.stderr
        assert _row(result.stdout, "otp")[1] == region
    given = run("validate", "--region", "cn-north-4", str(catalog), env=both)
    assert _row(given.stdout, "otp")[1] == "cn-north-4"


def _row(table: str, key: str) -> list[str]:
    return next(line.split() for line in table.splitlines() if line.split()[:1] == [key])


def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    assert run("validate").returncode == 2
    assert run("validate", "--format", "xml", DEV).returncode == 2


def test_validate_needs_no_network() -> None:
    # Every socket is refused in this process: validate still works.
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from providers.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = run("validate", DEV, "stacks/prod.sms.yaml", code=code)
    assert result.returncode == 0, result.stderr
    assert "network used" not in result.stderr


def test_the_console_script_validates_from_any_folder(tmp_path: Path) -> None:
    # `make venv` installs the project into the venv, so neither the working directory nor
    # PYTHONPATH has to be the repository
    script = Path(sys.executable).parent / "msgsms"
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)}
    for command in ([str(script)], [sys.executable, "-m", "providers"]):
        result = subprocess.run(
            [*command, "validate", str(ROOT / DEV)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{ROOT / DEV}: valid (2 apps,")
    usage = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert usage.stdout.startswith("usage: msgsms ")


def test_a_closed_pipe_ends_validate_quietly() -> None:
    # `validate stacks/dev.sms.yaml | head -1`: the reader goes away after one line
    process = subprocess.Popen(
        [sys.executable, "-m", "providers", "validate", DEV],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == ""
    process.stderr.close()
