"""Settings reach the providers from the environment: ``MSGSMS_<KEY>`` variables given to the
real provider host (as a CI job exports them), temporary credentials with their security
token, and the stack config winning over both."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, objects
from harness.engine import Engine
from harness.provider_host import ProviderHost
from harness.results import ProviderError
from harness.sequences import Deployment
from harness.wire import secret
from providers.resources import AppProvider
from tests.faults.stack import stack_settings

#: The developer's shell must not lend the host credentials or settings of its own.
BLANK = {
    name: ""
    for name in (
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "HW_ACCESS_KEY",
        "HW_SECRET_KEY",
        "HW_SECURITY_TOKEN",
        "HW_PROJECT_ID",
        "HW_REGION_NAME",
        "MSGSMS_REGION",
        "MSGSMS_ACCESS_KEY",
        "MSGSMS_SECRET_KEY",
        "MSGSMS_SECURITY_TOKEN",
        "MSGSMS_IAM_USER",
        "MSGSMS_IAM_PASSWORD",
        "MSGSMS_IAM_DOMAIN",
        "MSGSMS_PROJECT_IDS",
        "MSGSMS_ENDPOINTS",
        "MSGSMS_CATALOG",
    )
}


def temporary_credentials(emulator: EmulatorProcess) -> dict[str, str]:
    answer = emulator.admin.post("/temporary-credentials", json={"duration_seconds": 900})
    answer.raise_for_status()
    return dict(answer.json()["credential"])


def project_ids(emulator: EmulatorProcess) -> dict[str, str]:
    regions: dict[str, dict[str, str]] = emulator.info["regions"]
    return {name: region["project_id"] for name, region in regions.items()}


@contextmanager
def host_with(
    emulator: EmulatorProcess, env: Mapping[str, str], config: Mapping[str, Any]
) -> Iterator[Deployment]:
    with ProviderHost(PROJECT_ROOT, project="msgsms", env={**BLANK, **env}) as host:
        host.configure(dict(config))
        yield Deployment(host, emulator)


def test_msgsms_variables_alone_configure_the_providers(emulator: EmulatorProcess) -> None:
    issued = temporary_credentials(emulator)
    env = {
        "MSGSMS_ENDPOINTS": json.dumps(emulator.endpoints()),
        "MSGSMS_PROJECT_IDS": json.dumps(project_ids(emulator)),
        "MSGSMS_ACCESS_KEY": issued["access"],
        "MSGSMS_SECRET_KEY": issued["secret"],
        "MSGSMS_SECURITY_TOKEN": issued["securitytoken"],
    }
    with host_with(emulator, env, {}) as deployment:
        mark = deployment.mark()
        app = deployment.app("from-env", region="ap-southeast-1", scope="intl")
        calls = deployment.api_calls(mark)
        output = [line.text for line in deployment.host.output.since(0)]
    assert [a["id"] for a in objects(emulator, "apps", "ap-southeast-1")] == [app.id]
    # the project id came from MSGSMS_PROJECT_IDS: no IAM lookup, straight to its path
    project = project_ids(emulator)["ap-southeast-1"]
    assert calls and all(call.split(" ")[1].startswith(f"/v2/{project}/") for call in calls)
    assert not emulator.requests(since=mark[0], api="iam")
    stored = json.dumps([app.inputs, app.outputs, output])
    for value in (issued["secret"], issued["securitytoken"]):
        assert value not in stored


def test_the_stack_config_wins_over_msgsms_variables(emulator: EmulatorProcess) -> None:
    dead = {
        "iam": "http://127.0.0.1:9",
        "msgsms": {r: "http://127.0.0.1:9" for r in project_ids(emulator)},
    }
    env = {
        "MSGSMS_ENDPOINTS": json.dumps(dead),
        "MSGSMS_ACCESS_KEY": "not-the-access-key",
        "MSGSMS_SECRET_KEY": "not-the-secret-key",
    }
    config = {
        "msgsms:endpoints": emulator.endpoints(),
        "msgsms:projectIds": project_ids(emulator),
        "msgsms:accessKey": emulator.info["access_key"],
        "msgsms:secretKey": secret(emulator.info["secret_key"]),
    }
    with host_with(emulator, env, config) as deployment:
        app = deployment.app("from-config")
    assert [a["id"] for a in objects(emulator, "apps")] == [app.id]


def test_a_security_token_from_the_stack_config_signs_until_it_expires(
    emulator: EmulatorProcess,
) -> None:
    issued = temporary_credentials(emulator)
    config = {
        "msgsms:endpoints": emulator.endpoints(),
        "msgsms:accessKey": issued["access"],
        "msgsms:secretKey": secret(issued["secret"]),
        "msgsms:securityToken": secret(issued["securitytoken"]),
    }
    with host_with(emulator, {}, config) as deployment:
        deployment.app("temporary")
        emulator.admin.put("/clock", json={"offset_seconds": 901}).raise_for_status()
        with pytest.raises(ProviderError) as caught:
            deployment.app("too-late")
        output = [line.text for line in deployment.host.output.since(0)]
    reason = caught.value.details
    assert "security token expires" in reason
    assert "the temporary credentials were refused" in reason
    assert issued["securitytoken"] not in reason + "".join(output)
    assert [a["app_name"] for a in objects(emulator, "apps")] == ["temporary"]


def test_a_security_token_without_a_key_pair_stops_the_provider_with_a_clear_error(
    emulator: EmulatorProcess,
) -> None:
    env = {"HUAWEICLOUD_SDK_SECURITY_TOKEN": "token-without-its-key"}
    config = {"msgsms:endpoints": emulator.endpoints()}
    with host_with(emulator, env, config) as deployment, pytest.raises(ProviderError) as caught:
        deployment.app()
    reason = caught.value.reason
    assert "ConfigurationError: HUAWEICLOUD_SDK_SECURITY_TOKEN is set with no access key" in reason
    assert "token-without-its-key" not in caught.value.details
    assert not objects(emulator, "apps")


def test_msgsms_region_is_the_region_of_resources_that_name_none(
    emulator: EmulatorProcess,
) -> None:
    env = {"MSGSMS_REGION": "cn-south-1"}
    with host_with(emulator, env, {"msgsms:endpoints": emulator.endpoints()}) as deployment:
        checked = deployment.check(AppProvider, {"app_name": "shop", "scope": "cn"})
    assert checked.inputs["region"] == "cn-south-1"


def test_msgsms_catalog_and_region_reach_the_program(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    catalog = tmp_path / "env.sms.yaml"
    catalog.write_text("apps:\n  envapp: {name: envapp, scope: cn}\n", encoding="utf-8")
    engine = Engine(
        PROJECT_ROOT,
        "dev",
        state_dir=tmp_path / "state",
        config={"msgsms:endpoints": emulator.endpoints()},
        secrets=stack_settings(emulator).secrets,
        emulator=emulator,
        env={**BLANK, "MSGSMS_CATALOG": str(catalog), "MSGSMS_REGION": "cn-south-1"},
    )
    engine.remove_config("msgsms:region")  # the dev stack's file sets it
    planned = engine.preview()
    assert {s.name for s in planned.steps if s.type.endswith(":App")} == {"envapp"}
    engine.up()
    assert [a["app_name"] for a in objects(emulator, "apps", "cn-south-1")] == ["envapp"]
