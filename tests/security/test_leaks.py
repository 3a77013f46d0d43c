"""No credential, token or app secret in plain text where a run leaves its traces.

Scenarios of the example stack through the offline engine against an emulator that logs at
debug level: a whole life cycle (preview, up, refresh, a second up, destroy) with access keys
and with an IAM password, and runs refused for wrong credentials. After each, the checkpoint
(as a backend stores it: secret values encrypted), everything the program and the provider
printed, the pass errors and stack outputs, the emulator's log and its request log are searched
for the access key pair, the IAM password, every token the emulator issued and every app secret
(``tests.security.leaks``). The fault runs of ``tests/faults`` are searched the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.emulator import EmulatorProcess, start_emulator
from harness.engine import PassFailed
from harness.engine.summary import PassSummary
from tests.faults.stack import Credentials, example_stack
from tests.security.leaks import (
    Secret,
    checkpoint_text,
    emulator_secrets,
    find_leaks,
    issued_tokens,
    scenario_texts,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chatty_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator logging everything it logs at all, deciding reviews after a second."""
    directory = tmp_path_factory.mktemp("leaks")
    with start_emulator(directory, "--log-level", "debug", "--review-delay", "1") as emulator:
        yield emulator


@pytest.fixture
def emulator(chatty_emulator: EmulatorProcess) -> EmulatorProcess:
    chatty_emulator.reset()
    return chatty_emulator


@pytest.mark.parametrize("credentials", ["access_key", "password"])
def test_a_whole_life_cycle_leaves_no_secret_in_plain_text(
    emulator: EmulatorProcess, tmp_path: Path, credentials: Credentials
) -> None:
    stack = example_stack(emulator, tmp_path / "state", credentials=credentials)

    passes = [stack.preview(), stack.up(), stack.refresh(), stack.up()]
    checkpoint_after_up = checkpoint_text(stack.checkpoint_path)
    secrets = emulator_secrets(emulator)  # before destroy: the apps stay, but read them now
    passes.append(stack.destroy())

    assert passes[1].output("apps")["shop"]["app_secret"], "the run made app secrets"
    if credentials == "password":
        assert issued_tokens(emulator), "the provider used IAM tokens"
    texts = scenario_texts(emulator, stack.checkpoint_path, passes)
    texts["checkpoint after up"] = checkpoint_after_up
    assert find_leaks(secrets, texts) == []


def test_the_search_finds_secrets_where_the_backend_would_keep_them_in_clear(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    """The checkpoint holds the secret key and app secrets as secrets (a backend encrypts
    them): the search sees them in the raw file and not in what a backend keeps readable."""
    stack = example_stack(emulator, tmp_path / "state")
    stack.up()
    raw = stack.checkpoint_path.read_text(encoding="utf-8")
    secrets = emulator_secrets(emulator)
    secret_key = next(s for s in secrets if s.label == "secret key")
    app_secrets = [s for s in secrets if s.label.startswith("app secret")]

    assert len(app_secrets) == 2
    assert find_leaks([secret_key, *app_secrets], {"raw": raw}) == [
        f"raw: {s.label}" for s in (secret_key, *app_secrets)
    ]
    assert find_leaks(secrets, {"visible": checkpoint_text(stack.checkpoint_path)}) == []
    # 24 characters of a secret in a row are enough to count as leaked
    part = secret_key.value[9:33]
    assert find_leaks([secret_key], {"log": f"sk={part}…"}) == ["log: secret key"]


@pytest.mark.parametrize("credentials", ["access_key", "password"])
def test_refused_credentials_are_not_repeated_in_errors(
    emulator: EmulatorProcess, tmp_path: Path, credentials: Credentials
) -> None:
    stack = example_stack(emulator, tmp_path / "state", credentials=credentials)
    wrong = "Wr0ng-" + emulator.info["secret_key"][::-1][:30]
    key = "msgsms:secretKey" if credentials == "access_key" else "msgsms:iamPassword"
    stack.set_config(key, wrong, secret=True)

    with pytest.raises(PassFailed) as refused:
        stack.up()

    summary: PassSummary = refused.value.summary
    assert "401" in "\n".join(summary.errors) or "APIG.0301" in "\n".join(summary.errors)
    secrets = [*emulator_secrets(emulator), Secret("the refused credential", wrong)]
    texts = scenario_texts(emulator, stack.checkpoint_path, [summary])
    assert find_leaks(secrets, texts) == []


def test_a_security_token_is_in_no_trace_of_a_run_nor_of_its_refusal(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    answer = emulator.admin.post("/temporary-credentials", json={"duration_seconds": 900})
    answer.raise_for_status()
    issued = answer.json()["credential"]
    stack = example_stack(emulator, tmp_path / "state")
    stack.set_config("msgsms:accessKey", issued["access"], secret=True)
    stack.set_config("msgsms:secretKey", issued["secret"], secret=True)
    stack.set_config("msgsms:securityToken", issued["securitytoken"], secret=True)
    up = stack.up()
    assert up.output("apps")["shop"]["app_secret"], "the run made apps with the temporary key"

    emulator.admin.put("/clock", json={"offset_seconds": 901}).raise_for_status()
    with pytest.raises(PassFailed) as refused:
        stack.refresh()
    summary: PassSummary = refused.value.summary
    assert "security token expires" in "\n".join(summary.errors)

    secrets = [
        *emulator_secrets(emulator),
        Secret("temporary secret key", issued["secret"]),
        Secret("security token", issued["securitytoken"]),
    ]
    texts = scenario_texts(emulator, stack.checkpoint_path, [up, summary])
    assert find_leaks(secrets, texts) == []
    # the state holds it as a secret (a backend encrypts it), where the search does see it
    raw = stack.checkpoint_path.read_text(encoding="utf-8")
    assert find_leaks(secrets[-1:], {"raw": raw}) == ["raw: security token"]
