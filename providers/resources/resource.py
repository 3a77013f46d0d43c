"""The Pulumi side of the resources: what a program declares.

Each resource takes its inputs as a typed ``...Args`` dataclass or as a plain mapping (what
``providers.catalog.Declaration.resolve`` returns); either may hold Pulumi ``Output`` values.
Every input and output key is seeded (as ``None``) so that it appears as an attribute of the
resource object, e.g. ``template.flow_status``. The ``...Args`` classes and the attributes'
types come from the kind's fields and outputs (:mod:`providers.spec`).
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import pulumi
from pulumi.dynamic import Resource

from providers.spec import Kind

from .base import MsgsmsProvider

__all__ = ["MsgsmsResource", "args_class", "pickler_restored"]

# built at run time from the specs: types as values, not annotations
_Input: Any = pulumi.Input
_Output: Any = pulumi.Output

#: The Python type of a field's value, per value kind.
_TYPES: Mapping[str, Any] = {
    "str": str,
    "int": int,
    "number": float,
    "bool": bool,
    "yes_no": str,
    "int_set": list[int],
    "variables": list[dict[str, Any]],
    "str_list": list[str],
}


def args_class(spec: Kind, module: str) -> type:
    """The ``...Args`` dataclass of a kind: one attribute per field a program declares, the
    required ones first (``region`` defaults to ``msgsms:region``), each a ``pulumi.Input``."""
    declared = [f for f in spec.inputs if f.declared]
    required = [f for f in declared if f.required and f.name != "region"]
    optional = [f for f in declared if f not in required]
    attributes: list[Any] = [(f.name, _Input[_TYPES[f.kind]]) for f in required]
    attributes += [
        (f.name, _Input[_TYPES[f.kind]] | None, dataclasses.field(default=None)) for f in optional
    ]
    described = "\n".join(f"* ``{f.name}``: {f.description}" for f in declared if f.description)
    doc = f"Inputs of a :class:`{spec.title}` ({spec.description}).\n\n{described}"
    return dataclasses.make_dataclass(
        f"{spec.title}Args", attributes, namespace={"__doc__": doc, "__module__": module}
    )


A = TypeVar("A")


def _props(args: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(args) and not isinstance(args, type):
        # not dataclasses.asdict: it would deep-copy Output values
        pairs = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    elif isinstance(args, Mapping):
        pairs = dict(args)
    else:
        raise TypeError(f"resource inputs must be an Args dataclass or a mapping, not {args!r}")
    return {k: v for k, v in pairs.items() if v is not None}


#: The pure-Python pickler's methods that Pulumi's ``serialize_provider`` replaces.
_PATCHED = ("_batch_setitems", "save_dict")


@contextmanager
def pickler_restored() -> Iterator[None]:
    """Undo what serializing a provider leaves behind.

    Pulumi's ``serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` in a new sorting
    wrapper on every call and never unwraps it, so each resource deepens the chain by one:
    a program declaring about a thousand dynamic resources dies of ``RecursionError``.
    """
    saved = {name: pickle._Pickler.__dict__[name] for name in _PATCHED}
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(pickle._Pickler, name, method)


class MsgsmsResource(Resource, Generic[A]):
    """Base of the four resources; a subclass names its provider class and, as the type
    parameter, its ``...Args`` dataclass."""

    provider_class: ClassVar[type[MsgsmsProvider]]
    #: Outputs the engine must store encrypted (e.g. an app secret).
    secret_outputs: ClassVar[tuple[str, ...]] = ()

    if TYPE_CHECKING:
        # The attributes come from the spec at run time; to a type checker every one of
        # them is an Output.
        def __getattr__(self, name: str) -> pulumi.Output[Any]: ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        provider = cls.__dict__.get("provider_class")
        if provider is None:
            return
        spec: Kind = provider.spec
        cls.secret_outputs = spec.secret_outputs
        # every input and output an attribute, typed for the SDK and for readers
        annotations: dict[str, Any] = {f.name: _Output[_TYPES[f.kind] | None] for f in spec.inputs}
        annotations.update({o.name: _Output[o.type] for o in spec.outputs})
        cls.__annotations__ = annotations

    def __init__(
        self,
        resource_name: str,
        args: A | Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if opts is not None and opts.import_:
            # The engine would call Read with no properties, and the dynamic provider host
            # fails before any provider code runs (pulumi/pulumi#16175).
            raise ValueError(
                f"msgsms:{self.provider_class.title} {resource_name!r}: import (the import_ "
                "option or `pulumi import`) is not supported for dynamic providers. Declare "
                "the object as it is with adopt: true instead: the next `pulumi up` takes it "
                "over without creating anything"
            )
        provider = self.provider_class()
        props: dict[str, Any] = dict.fromkeys(f.name for f in provider.fields)
        props.update(dict.fromkeys(provider.outputs))
        props.update(_props(args))
        if self.secret_outputs:
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=list(self.secret_outputs))
            )
        with pickler_restored():
            super().__init__(provider, resource_name, props, opts)
