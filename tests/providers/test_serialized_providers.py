"""The ``__provider`` strings stored in existing stacks keep loading into the current classes.

Every resource's state carries its serialized provider; ``pulumi destroy`` and ``pulumi
refresh`` (and the delete of a removed entry) unpickle that stored string, not the one the
current program would write. A provider class moved or renamed without an alias at its old
path would break every existing stack at those calls, so the strings of each release are
committed as fixtures and loaded here, the way the provider host loads them.
"""

from __future__ import annotations

import base64
import json
import pickletools
from pathlib import Path
from typing import Any

import dill
import pytest

from harness.emulator import objects
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, urn
from harness.wire import PROVIDER_KEY
from providers.resources import (
    AppProvider,
    MsgsmsProvider,
    SignatureFileProvider,
    SignatureProvider,
    TemplateProvider,
)
from tests.providers.support import signature_inputs

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("serialized-providers-*.json"))
CLASSES: dict[str, type[MsgsmsProvider]] = {
    cls.title: cls
    for cls in (AppProvider, SignatureFileProvider, SignatureProvider, TemplateProvider)
}
STORED = [
    pytest.param(title, ref, id=f"{path.stem.removeprefix('serialized-providers-')}-{title}")
    for path in FIXTURES
    for title, ref in json.loads(path.read_text(encoding="utf-8"))["providers"].items()
]


def _pickled_strings(ref: str) -> list[Any]:
    """Every constant in the pickle: a class reference holds only its module and name."""
    return [
        arg
        for op, arg, _ in pickletools.genops(base64.b64decode(ref))
        if isinstance(arg, str | bytes | int | float)
        and op.name not in ("PROTO", "FRAME")
        and not op.name.endswith(("PUT", "GET"))
    ]


def test_every_release_has_a_fixture_for_each_provider() -> None:
    assert FIXTURES, "no fixtures of serialized providers"
    for path in FIXTURES:
        stored = json.loads(path.read_text(encoding="utf-8"))["providers"]
        assert set(stored) == set(CLASSES), path.name


@pytest.mark.parametrize(("title", "ref"), STORED)
def test_a_stored_provider_unpickles_into_the_current_class(title: str, ref: str) -> None:
    provider = dill.loads(base64.b64decode(ref))  # what the provider host does

    assert type(provider) is CLASSES[title]
    # a class reference and nothing else: no credential, no client, no config
    strings = _pickled_strings(ref)
    assert strings == [CLASSES[title].__module__, CLASSES[title].__qualname__], strings


@pytest.mark.parametrize(("title", "ref"), STORED)
def test_the_provider_host_runs_calls_with_a_stored_provider(
    title: str, ref: str, provider_host: ProviderHost
) -> None:
    """Check through the real host with the stored string: the host finds the class and our
    code answers (an unknown input is reported by the current rules)."""
    result = provider_host.check(
        urn(CLASSES[title], "old"), {}, {"not_an_input": "x", PROVIDER_KEY: ref}
    )

    reasons = {f.property: f.reason for f in result.failures}
    assert f"is not an input of msgsms:{title}" in reasons["not_an_input"]


def test_a_stored_signature_provider_deletes_the_signature(deployment: Deployment) -> None:
    """Delete with the old state's ``__provider``, as ``pulumi destroy`` sends it."""
    [ref] = [ref for title, ref in (p.values for p in STORED) if title == "Signature"][-1:]
    created = deployment.create(SignatureProvider, "sig", signature_inputs(deployment.app()))
    mark = deployment.mark()

    deployment.host.delete(created.id, created.urn, {**created.outputs, PROVIDER_KEY: ref})

    deletes = [c for c in deployment.api_calls(mark) if c.startswith("DELETE ")]
    assert [d.rsplit("/", 1)[-1] for d in deletes] == [created.id]
    assert created.id not in {s["id"] for s in objects(deployment.emulator, "signatures")}
