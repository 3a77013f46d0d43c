"""A dynamic provider that does nothing: check passes its inputs, diff finds no change,
create names the resource after its ``key`` input, read and delete have nothing to do."""

from typing import Any

from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
)


class Nothing(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"id-{props['key']}", props)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        pass


class Thing(Resource, module="floor", name="Thing"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(Nothing(), name, props, None)
