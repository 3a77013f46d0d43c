"""The catalog's JSON Schema: generated from the models, kept in stacks/, and true to
`validate` on the example catalogs and the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from pydantic import BaseModel

from providers.catalog import ENTRIES, Defaults, VariableEntry
from providers.catalog.schema import DIALECT, catalog_schema, description
from tests.program.corpus import BROKEN

ROOT = Path(__file__).parents[2]
SCHEMA_FILE = ROOT / "stacks" / "catalog.schema.json"
EXAMPLES = sorted((ROOT / "stacks").glob("*.sms.yaml"))
GOOD = sorted((Path(__file__).parent / "catalogs" / "good").glob("*.sms.yaml"))
MODELINE = "# yaml-language-server: $schema=catalog.schema.json"


def _data(path: Path) -> Any:
    # as an editor sees the file: YAML anchors and merge keys resolved
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> Any:
    return jsonschema_rs.Draft202012Validator(catalog_schema())


def test_the_schema_command_prints_the_committed_schema(tmp_path: Path) -> None:
    # from another folder: the venv has the project installed
    result = subprocess.run(
        [sys.executable, "-m", "providers", "schema"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == catalog_schema()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.stdout, (
        "stacks/catalog.schema.json is out of date: run `make schema`"
    )


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    schema = catalog_schema()
    assert schema["$schema"] == DIALECT
    jsonschema_rs.meta.validate(schema)


def test_every_field_of_every_model_is_described() -> None:
    models: list[type[BaseModel]] = [*ENTRIES.values(), Defaults, VariableEntry]
    for model in models:
        for name in model.model_fields:
            assert description(model, name).strip(), f"{model.__name__}.{name}"
    properties = catalog_schema()["$defs"][ENTRIES["template"].__name__]["properties"]
    assert all(prop.get("description") for prop in properties.values())


@pytest.mark.parametrize("path", EXAMPLES + GOOD, ids=lambda p: p.name)
def test_the_examples_and_the_good_corpus_pass(path: Path, validator: Any) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(_data(path))]
    assert errors == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_name_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    assert (path.parent / first.split("=", 1)[1]).exists()


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("unknown_field", ["apps", "shop"]),
        ("missing_field", ["signatures", "notify"]),
        ("bad_scope", ["apps", "shop", "scope"]),
        ("bad_region", ["apps", "shop", "region"]),
        ("wait_for_yes", ["signatures", "notify", "wait_for"]),
        ("intl_unknown_country", ["templates", "otp", "send_countries", 1]),
        ("intl_too_many_countries", ["templates", "otp", "send_countries"]),
        ("bad_key", ["apps"]),
        ("unknown_section", []),
        ("number_as_text", ["apps", "shop", "name"]),
    ],
)
def test_what_editors_can_check_is_refused_where_validate_refuses_it(
    name: str, where: list[Any], validator: Any
) -> None:
    errors = list(validator.iter_errors(_data(BROKEN / f"{name}.sms.yaml")))
    assert errors
    assert [e.instance_path for e in errors] == [where] * len(errors)
