"""Property values in the engine's *wire form*, and their ``google.protobuf.Struct`` encoding.

Wire form: JSON-like Python values where a secret is ``{SIG_KEY: SECRET_SIG, "value": ...}``
and an unknown (preview only) is the string :data:`UNKNOWN`. The conversion to and from
``Struct`` follows the engine:

* secrets are unwrapped before a call, because the dynamic provider host answers ``Configure``
  with ``acceptSecrets=false`` (``Configure`` itself receives the wrappers and the host unwraps
  them);
* unknowns are only sent to ``check`` and ``diff`` with ``allow_unknowns=True`` (previews);
* numbers come back as floats, as they do for the provider itself.

Every resource property bag carries the serialized provider under :data:`PROVIDER_KEY`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = [
    "PROVIDER_KEY",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "Props",
    "contains_unknowns",
    "from_struct",
    "is_secret",
    "provider_reference",
    "secret",
    "strip_secrets",
    "to_struct",
    "unwrap_secret",
]

PROVIDER_KEY = "__provider"
UNKNOWN: str = rpc.UNKNOWN
SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig

Props = dict[str, Any]


def secret(value: Any) -> dict[str, Any]:
    """Wrap ``value`` as a secret in wire form (no-op for an existing secret)."""
    wrapped: dict[str, Any] = rpc.wrap_rpc_secret(value)
    return wrapped


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def unwrap_secret(value: Any) -> Any:
    return value["value"] if is_secret(value) else value


def strip_secrets(value: Any) -> Any:
    """The value with every secret wrapper replaced by its content, at any depth."""
    if is_secret(value):
        return strip_secrets(value["value"])
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def _is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def contains_unknowns(value: Any) -> bool:
    if _is_unknown(value):
        return True
    if isinstance(value, dict):
        return any(contains_unknowns(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknowns(v) for v in value)
    return False


def _encode(target: struct_pb2.Value, value: Any, keep_secrets: bool, unknowns: list[bool]) -> None:
    """One walk, straight into the message: ``value`` as ``target`` (the encoding of the SDK's
    ``Struct.update``), unknowns as :data:`UNKNOWN` (noted in ``unknowns``), secrets unwrapped
    unless kept."""
    if value is None:
        target.null_value = 0
    elif isinstance(value, bool):  # before the numbers: a bool is an int
        target.bool_value = value
    elif isinstance(value, str):
        if value == UNKNOWN:
            unknowns.append(True)
        target.string_value = value
    elif isinstance(value, int | float):
        target.number_value = value
    elif isinstance(value, dict):
        if not keep_secrets and value.get(SIG_KEY) == SECRET_SIG:
            _encode(target, value["value"], keep_secrets, unknowns)
            return
        struct = target.struct_value
        struct.Clear()  # sets the field, so that an empty dict is an empty Struct
        fields = struct.fields
        for k, v in value.items():
            _encode(fields[k], v, keep_secrets, unknowns)
    elif isinstance(value, list | tuple):
        items = target.list_value
        items.Clear()
        values = items.values
        for v in value:
            _encode(values.add(), v, keep_secrets, unknowns)
    elif isinstance(value, Unknown):
        unknowns.append(True)
        target.string_value = UNKNOWN
    else:
        raise ValueError(f"a property value of type {type(value).__name__} has no wire form")


def to_struct(
    props: Mapping[str, Any], *, keep_secrets: bool = False, keep_unknowns: bool = False
) -> struct_pb2.Struct:
    """Marshal a wire-form property bag into a ``Struct`` as the engine does for a provider."""
    unknowns: list[bool] = []
    struct = struct_pb2.Struct()
    fields = struct.fields
    for k, v in props.items():
        _encode(fields[k], v, keep_secrets, unknowns)
    if unknowns and not keep_unknowns:
        raise ValueError(
            "property bag contains an unknown value; the engine sends unknowns only to "
            "check and diff during a preview"
        )
    return struct


def _unmarshal(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        return value.number_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return {k: _unmarshal(v) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_unmarshal(v) for v in value.list_value.values]
    return None


def from_struct(struct: struct_pb2.Struct) -> Props:
    """Unmarshal a ``Struct`` into wire form (numbers become floats, as on the wire): what
    ``json_format.MessageToDict`` gives, without its generic message walk."""
    return {k: _unmarshal(v) for k, v in struct.fields.items()}


def provider_reference(provider: Any) -> str:
    """The ``__provider`` string a dynamic resource stores for ``provider`` (dill + base64)."""
    ref: str = serialize_provider(provider)
    return ref
