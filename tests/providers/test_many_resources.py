"""A program may declare thousands of resources: serializing each one's provider leaves the
pickler as it found it (Pulumi's serializer wraps it anew on every call)."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi

from providers.resources import Template, TemplateArgs

COUNT = 1500  # Python's default recursion limit is 1000


class Cloud(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def test_a_program_declares_1500_templates() -> None:
    pulumi.runtime.set_mocks(Cloud(), project="msgsms", stack="test", preview=False)
    pristine = pickle._Pickler.__dict__["_batch_setitems"]

    @pulumi.runtime.test
    def declare() -> pulumi.Output[Any]:
        templates = [
            Template(
                f"notice_{i}",
                TemplateArgs(
                    app_id="app-1",
                    scope="cn",
                    template_name=f"notice-{i}",
                    template_content="您的订单${1}已发货。",
                    region="cn-north-4",
                ),
            )
            for i in range(COUNT)
        ]
        return pulumi.Output.all(*(t.id for t in templates)).apply(check)

    def check(ids: list[str]) -> None:
        assert ids == [f"notice_{i}-id" for i in range(COUNT)]
        assert pickle._Pickler.__dict__["_batch_setitems"] is pristine

    declare()
