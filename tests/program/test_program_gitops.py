"""The GitOps plumbing: the example CI workflow and the pre-commit hooks.

The workflow cannot run here (it needs GitHub and the real cloud); its structure is checked,
and its validate command is run as written. The hooks' entries are run as pre-commit runs
them: the entry, then the matching file names.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from providers.environment import DEFAULT_HOST_THREADS

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "sms-stack.yml"
BROKEN = Path(__file__).parent / "catalogs" / "broken"
STACK_CATALOGS = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "stacks").glob("*.sms.yaml")
)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    document = _load(WORKFLOW)
    assert isinstance(document, dict)
    return document


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true
    triggers: dict[str, Any] = workflow["on"] if "on" in workflow else workflow[True]
    return triggers


def _index(steps: list[dict[str, Any]], match: str) -> int:
    found = [i for i, step in enumerate(steps) if match in str(step.get("uses", step.get("run")))]
    assert len(found) == 1, f"one step should match {match!r}, got {found}"
    return found[0]


def _run(command: str, files: list[str], env: dict[str, str] | None = None) -> Any:
    argv = shlex.split(command)
    # pre-commit's python environment or the venv: here, this interpreter
    argv[0] = sys.executable
    return subprocess.run(
        [*argv, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


# -------------------------------------------------------------------------------------------
# The CI workflow


def test_pull_requests_preview_and_main_updates(workflow: dict[Any, Any]) -> None:
    triggers = _triggers(workflow)
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["preview"]["if"] == "github.event_name == 'pull_request'"
    assert "github.ref == 'refs/heads/main'" in jobs["up"]["if"]
    assert "github.event_name == 'push'" in jobs["up"]["if"]
    assert jobs["up"]["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize(("job", "command"), [("preview", "preview"), ("up", "up")])
def test_each_job_validates_the_catalog_before_pulumi_runs(
    workflow: dict[Any, Any], job: str, command: str
) -> None:
    steps = workflow["jobs"][job]["steps"]
    checkout = _index(steps, "actions/checkout")
    python = _index(steps, "actions/setup-python")
    venv = _index(steps, "make venv")
    validate = _index(steps, "msgsms validate")
    pulumi = _index(steps, "pulumi/actions")
    assert checkout < python < venv < validate < pulumi
    action = steps[pulumi]["with"]
    assert action["command"] == command
    assert action["stack-name"] == "${{ env.STACK }}"
    assert action["cloud-url"] == "${{ env.PULUMI_BACKEND_URL }}"


def test_the_workflows_validate_command_checks_the_stacks_catalog(
    workflow: dict[Any, Any],
) -> None:
    steps = workflow["jobs"]["preview"]["steps"]
    command = steps[_index(steps, "msgsms validate")]["run"]
    stack = workflow["env"]["STACK"]
    assert (ROOT / "stacks" / f"{stack}.sms.yaml").is_file()
    assert command.startswith(".venv/bin/msgsms ")  # the console script `make venv` installs
    script = Path(sys.executable).parent / "msgsms"

    result = subprocess.run(
        shlex.split(command.replace("$STACK", stack).replace(".venv/bin/msgsms", str(script))),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert f"stacks/{stack}.sms.yaml: valid" in result.stdout


def test_every_secret_the_workflow_reads_is_documented(workflow: dict[Any, Any]) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    header = text.split("\nname:", 1)[0]
    used = set(re.findall(r"(?:secrets|vars)\.(\w+)", text)) - {"GITHUB_TOKEN"}
    assert used >= {
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "PULUMI_CONFIG_PASSPHRASE",
        "OBS_ACCESS_KEY_ID",
        "OBS_SECRET_ACCESS_KEY",
        "STATE_BUCKET",
        "STATE_REGION",
    }
    for name in used:
        assert f"#   {name}" in header, f"{name} is not documented at the top"
    # the providers read the credentials from the environment, under these names
    assert workflow["env"]["HUAWEICLOUD_SDK_AK"] == "${{ secrets.HUAWEICLOUD_SDK_AK }}"
    assert workflow["env"]["HUAWEICLOUD_SDK_SK"] == "${{ secrets.HUAWEICLOUD_SDK_SK }}"


# -------------------------------------------------------------------------------------------
# pre-commit


def _hook(path: Path) -> dict[str, Any]:
    document = _load(path)
    hooks = document if isinstance(document, list) else document["repos"][0]["hooks"]
    (hook,) = [h for h in hooks if h["id"] == "msgsms-validate"]
    return hook


HOOKS = {
    "local": _hook(ROOT / ".pre-commit-config.yaml"),
    "published": _hook(ROOT / ".pre-commit-hooks.yaml"),
}


@pytest.mark.parametrize("name", HOOKS)
def test_the_hook_selects_catalogs_only(name: str) -> None:
    pattern = re.compile(HOOKS[name]["files"])
    assert STACK_CATALOGS == ["stacks/dev.sms.yaml", "stacks/prod.sms.yaml"]
    for catalog in STACK_CATALOGS:
        assert pattern.search(catalog), catalog
    for other in ("stacks/Pulumi.dev.yaml", "stacks/files/licence.png", "README.md"):
        assert not pattern.search(other), other


def test_the_published_hook_also_finds_catalogs_elsewhere() -> None:
    pattern = re.compile(HOOKS["published"]["files"])
    assert pattern.search("infra/sms/team.sms.yml")
    assert HOOKS["published"]["language"] == "python"


@pytest.mark.parametrize("name", HOOKS)
def test_the_hook_passes_good_catalogs(name: str) -> None:
    result = _run(HOOKS[name]["entry"], STACK_CATALOGS)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("name", HOOKS)
def test_the_hook_fails_a_broken_catalog_naming_its_lines(name: str) -> None:
    broken = (BROKEN / "unknown_app.sms.yaml").relative_to(ROOT).as_posix()

    result = _run(HOOKS[name]["entry"], [STACK_CATALOGS[0], broken])

    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith(f"{broken}:")]
    assert problems and all(re.match(rf"{re.escape(broken)}:\d+: \S+: ", p) for p in problems)
    assert "1 of 2 catalog(s) have problems" in result.stderr


def _backend_query(url: str) -> tuple[str, str, dict[str, list[str]]]:
    parsed = urlsplit(url)
    return parsed.scheme, parsed.netloc + parsed.path, parse_qs(parsed.query)


def test_the_state_is_in_obs_through_the_s3_backend(workflow: dict[Any, Any]) -> None:
    env = workflow["env"]
    url = env["PULUMI_BACKEND_URL"].replace("${{ vars.STATE_BUCKET }}", "acme-state/msgsms")
    url = url.replace("${{ vars.STATE_REGION }}", "cn-south-1")

    scheme, where, query = _backend_query(url)

    assert (scheme, where) == ("s3", "acme-state/msgsms")
    # the parameters of gocloud.dev's S3 driver: an S3-compatible endpoint, path-style
    assert query == {
        "endpoint": ["https://obs.cn-south-1.myhuaweicloud.com"],
        "region": ["cn-south-1"],
        "use_path_style": ["true"],
    }
    # the S3 backend reads the AWS SDK's variables; OBS keys go in them
    assert env["AWS_ACCESS_KEY_ID"] == "${{ secrets.OBS_ACCESS_KEY_ID }}"
    assert env["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.OBS_SECRET_ACCESS_KEY }}"
    assert env["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"


def test_the_readme_shows_the_backend_url_the_workflow_uses(workflow: dict[Any, Any]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (url,) = re.findall(r"export PULUMI_BACKEND_URL='([^']+)'", readme)
    _, _, shown = _backend_query(url)
    _, _, used = _backend_query(workflow["env"]["PULUMI_BACKEND_URL"])
    assert set(shown) == set(used)
    assert shown["use_path_style"] == ["true"]
    (region,) = shown["region"]
    assert shown["endpoint"] == [f"https://obs.{region}.myhuaweicloud.com"]


def test_the_workflow_runs_as_many_steps_at_once_as_make_up(workflow: dict[Any, Any]) -> None:
    """As many steps at once as the provider process serves calls by default, as `make up`
    sets it (tools/stack.py)."""
    assert str(workflow["env"]["PULUMI_PARALLEL"]) == str(DEFAULT_HOST_THREADS)
