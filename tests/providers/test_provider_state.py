"""What the engine stores of a provider: a small ``__provider`` reference, no credential in
it nor in any input or output; and where credentials come from instead."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, objects
from harness.provider_host import ProviderHost
from harness.results import ProviderError
from harness.sequences import Deployment, stack_config
from harness.wire import unwrap_secret
from providers.resources import (
    AppProvider,
    SignatureFileProvider,
    SignatureProvider,
    TemplateProvider,
)
from tests.providers.support import signature_inputs

PROVIDERS = (AppProvider, SignatureFileProvider, SignatureProvider, TemplateProvider)
NO_ENVIRONMENT_CREDENTIALS = {
    name: ""
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HW_ACCESS_KEY", "HW_SECRET_KEY")
}


def credentials(emu: EmulatorProcess) -> list[str]:
    return [emu.info["access_key"], emu.info["secret_key"], emu.info["password"]]


def test_a_configured_provider_serializes_to_a_small_reference_without_credentials(
    emulator: EmulatorProcess,
) -> None:
    config = {k: unwrap_secret(v) for k, v in stack_config(emulator).items()}
    config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    for kind in PROVIDERS:
        provider = kind()
        provider.configure(ConfigureRequest(Config(config, "msgsms")))
        provider._connection.client()  # built: holds settings, credentials and a pool
        serialized = serialize_provider(provider)
        assert serialized == serialize_provider(kind())
        assert len(serialized) < 2048
        raw = base64.b64decode(serialized)
        assert kind.__module__.encode() in raw  # by reference, not by value
        for value in credentials(emulator):
            assert value.encode() not in raw


def test_no_credential_reaches_inputs_outputs_or_the_stored_provider(
    deployment: Deployment, emulator: EmulatorProcess, tmp_path: Path
) -> None:
    (tmp_path / "licence.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    app = deployment.app()
    upload = deployment.create(
        SignatureFileProvider,
        "licence",
        {"region": "cn-north-4", "path": str(tmp_path / "licence.png")},
    )
    states = [app, upload]
    states.append(
        deployment.create(
            SignatureProvider,
            "sig",
            signature_inputs(app, file_id=upload.id),
        )
    )
    text = json.dumps([[s.inputs, s.outputs] for s in states], ensure_ascii=False)
    for value in credentials(emulator):
        assert value not in text
    for state in states:
        assert len(state.outputs["__provider"]) < 2048


def test_without_credentials_check_works_and_changes_name_every_way_to_give_them(
    emulator: EmulatorProcess,
) -> None:
    with ProviderHost(PROJECT_ROOT, project="msgsms", env=NO_ENVIRONMENT_CREDENTIALS) as host:
        host.configure({"msgsms:region": "cn-north-4"})
        deployment = Deployment(host, emulator)
        news = {"app_name": "shop", "scope": "cn"}
        checked = deployment.check(AppProvider, news)
        assert checked.failures == ()
        assert checked.inputs["region"] == "cn-north-4"  # from msgsms:region
        with pytest.raises(ProviderError) as caught:
            deployment.create(AppProvider, "shop", news)
    reason = caught.value.reason
    assert "ConfigurationError" in reason
    assert "msgsms:accessKey" in reason and "msgsms:iamPassword" in reason


def test_credentials_from_the_environment_alone_are_enough(emulator: EmulatorProcess) -> None:
    config: dict[str, Any] = stack_config(emulator)
    env = {"HW_ACCESS_KEY": emulator.info["access_key"], "HW_SECRET_KEY": ""}
    env["HUAWEICLOUD_SDK_SK"] = unwrap_secret(config.pop("msgsms:secretKey"))
    del config["msgsms:accessKey"]
    with ProviderHost(PROJECT_ROOT, project="msgsms", env=env) as host:
        host.configure(config)
        app = Deployment(host, emulator).app()
    assert app["app_key"] == objects(emulator, "apps")[0]["app_key"]
