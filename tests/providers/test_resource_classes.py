"""The resource classes as a program sees them, registered with Pulumi's mock monitor."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks

from providers.resources import (
    App,
    AppArgs,
    Signature,
    SignatureArgs,
    SignatureFile,
    Template,
    TemplateArgs,
)


class Recorder(pulumi_mocks.MockMonitor):
    """The mock monitor, keeping every RegisterResourceRequest."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:
        self.requests.append(request)
        return super().RegisterResource(request)


class Cloud(pulumi.runtime.Mocks):
    """Answers every registration with its inputs plus made-up outputs."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        outputs = {"app_key": "key-1", "app_secret": "s3cret", "status": "LAUNCHED"}
        return f"{args.name}-id", {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def recorder() -> Recorder:
    cloud = Cloud()
    monitor = Recorder(cloud)
    pulumi.runtime.set_mocks(cloud, project="msgsms", stack="test", preview=False, monitor=monitor)
    return monitor


def registered(recorder: Recorder, name: str) -> Any:
    return next(r for r in recorder.requests if r.name == name)


@pulumi.runtime.test
def test_type_tokens_inputs_and_secret_outputs(recorder: Recorder) -> pulumi.Output[Any]:
    app = App("shop", AppArgs(app_name="shop-notify", scope="cn", region="cn-north-4"))
    licence = SignatureFile("licence", {"path": "files/licence.png", "region": "cn-north-4"})
    sig = Signature(
        "shop_sig",
        SignatureArgs(
            app_id=app.id,
            signature_name="云商城",
            signature_type="NOTIFY_TYPE",
            signature_source=0,
            is_involved_third="No",
            file_id=licence.file_id,
        ),
    )
    tpl = Template(
        "shipped",
        TemplateArgs(
            app_id=app.id,
            scope="cn",
            template_name="order-shipped",
            template_content="您的订单${1}已发货。",
            sign_id=sig.id,
            variable_attributes=[{"variable_index": 1, "variable_type": "CHARDIGIT"}],
        ),
    )

    def check(values: list[Any]) -> None:
        app_key, app_secret, template_type = values
        assert (app_key, app_secret) == ("key-1", "s3cret")
        assert template_type is None  # seeded: the attribute exists without an input
        tokens = {r.name: r.type for r in recorder.requests if r.custom}
        assert tokens == {
            "shop": "pulumi-python:dynamic/msgsms:App",
            "licence": "pulumi-python:dynamic/msgsms:SignatureFile",
            "shop_sig": "pulumi-python:dynamic/msgsms:Signature",
            "shipped": "pulumi-python:dynamic/msgsms:Template",
        }
        assert list(registered(recorder, "shop").additionalSecretOutputs) == ["app_secret"]
        assert list(registered(recorder, "shipped").additionalSecretOutputs) == []
        fields = registered(recorder, "shop").object.fields
        assert {k for k in fields if not k.startswith("__")} == {"app_name", "scope", "region"}
        # a class reference only: stored in plain text, not as a secret
        provider_value = fields["__provider"]
        assert provider_value.WhichOneof("kind") == "string_value", provider_value
        deps = set(registered(recorder, "shipped").dependencies)
        assert any(urn.endswith("::shop") for urn in deps)
        assert any(urn.endswith("::shop_sig") for urn in deps)

    return pulumi.Output.all(app.app_key, app.app_secret, tpl.template_type).apply(check)


@pytest.mark.parametrize("cls", [App, SignatureFile, Signature, Template], ids=lambda c: c.__name__)
def test_every_input_and_output_is_an_attribute(recorder: Recorder, cls: Any) -> None:
    resource = cls("r", {"region": "cn-north-4"})
    provider = cls.provider_class
    for key in [*(f.name for f in provider.fields), *provider.outputs]:
        assert isinstance(getattr(resource, key), pulumi.Output), key
        assert key in cls.__annotations__, f"{cls.__name__}.{key} is not declared"


def test_inputs_must_be_args_or_a_mapping(recorder: Recorder) -> None:
    with pytest.raises(TypeError, match="Args dataclass or a mapping"):
        App("shop", ["app_name", "shop"])


@pytest.mark.parametrize("cls", [App, SignatureFile, Signature, Template], ids=lambda c: c.__name__)
def test_import_is_refused_with_a_pointer_to_adopt(recorder: Recorder, cls: Any) -> None:
    with pytest.raises(ValueError) as refused:
        cls("r", {"region": "cn-north-4"}, pulumi.ResourceOptions(import_="some-id"))
    message = str(refused.value)
    assert f"msgsms:{cls.provider_class.title} 'r'" in message
    assert "not supported for dynamic providers" in message and "adopt: true" in message
    assert not recorder.requests  # refused before anything was registered
