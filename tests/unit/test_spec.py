"""One place per fact: a field added to a kind's description reaches everything made from it,
and the recipe in docs/extending.md names files that exist."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from providers.catalog.build import Builder
from providers.catalog.entries import entry_model
from providers.catalog.layout import entry_check
from providers.client import models
from providers.resources import TemplateProvider
from providers.resources.resource import args_class
from providers.resources.template import LiveTemplate
from providers.rules.fields import check_fields
from providers.spec import BY_NAME, KINDS, TEMPLATE, Field

ROOT = Path(__file__).parents[2]

#: A plain field, as a new one of the API would be declared.
NOTE = Field(
    "template_note",
    description="A note kept with the template",
    catalog="note",
    max_len=10,
    api="template_remark",
)
EXTENDED = replace(TEMPLATE, fields=(*TEMPLATE.fields, NOTE))


def test_every_kind_is_described_once_and_names_its_parts() -> None:
    assert [k.name for k in KINDS] == list(BY_NAME)
    for kind in KINDS:
        resource = kind.resource_class()
        assert resource.provider_class.spec is kind
        assert set(kind.exports) <= {"id", *kind.output_names}
        assert all(o in kind.output_names for o in kind.decided)
        for field in kind.fields:
            assert field.description, f"{kind.name}.{field.name}"
            if field.catalog_form == "reference":
                assert BY_NAME[field.refers_to or ""].reference_output, field.name


def test_a_plain_field_reaches_the_catalog_the_rules_and_the_resource() -> None:
    entry = entry_model(EXTENDED)
    assert entry.model_validate({"app": "a", "name": "n", "content": "c", "note": "hi"})
    assert "note" in entry.model_fields
    plain = entry_check(EXTENDED)({"app": "a", "name": "n", "content": "c", "note": "hi"})
    assert plain is not None and plain.note == "hi"

    problems = check_fields({"template_note": "x" * 11}, EXTENDED.fields)
    assert ("template_note", "must be 10 characters at most (got 11)") in problems

    class Extended(TemplateProvider):
        spec = EXTENDED

    provider = Extended()
    assert "template_note" in {f.name for f in provider.fields}
    inputs: dict[str, Any] = {"app_id": "a", "scope": "cn", "template_note": "hi"}
    assert provider.body(inputs)["template_remark"] == "hi"  # sent by its API name
    shown = models.Template.model_validate({"id": "t", "template_remark": "hi"})
    live = LiveTemplate(shown, client=None, region="cn-north-4", known_variables=[])  # type: ignore[arg-type]
    assert provider.inputs_from_live(None, live)["template_note"] == "hi"  # type: ignore[arg-type]

    args = args_class(EXTENDED, __name__)
    assert args(app_id="a", scope="cn", template_name="n", template_content="c", template_note="hi")


_PATH = re.compile(r"`((?:providers|emulator|tests|stacks|docs)/[\w/.<>-]+|__main__\.py)`")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_recipe_names_files_that_exist(kind: Any) -> None:
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    for path in sorted(set(_PATH.findall(text))):
        resolved = path.replace("<kind>", kind.name if kind.name != "file" else "signature_file")
        if resolved.startswith("providers/spec/"):
            resolved = path.replace("<kind>", kind.name)
        if "<kind>s" in path:
            continue  # the emulator names its modules by section
        assert (ROOT / resolved).exists(), resolved
    assert hasattr(Builder, f"_{kind.name}"), f"no catalog step for {kind.name}"
