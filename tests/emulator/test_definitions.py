"""Each port's published OpenAPI document against the API Explorer definitions.

The definitions of MSGSMS, SMSApi and IAM are kept under ``tests/emulator/definitions``
(trimmed to what is compared, with their repository and commit in ``index.json``; regenerate
them with ``python -m tests.emulator.definitions.extract``). Every constraint on what a request
may carry must agree, or be one of the deliberate differences, each with its reason and source.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from harness.emulator import EmulatorProcess
from tests.emulator.definitions import (
    DEFINITIONS,
    Difference,
    Fact,
    definition_facts,
    differences,
    emulator_facts,
    load_definitions,
)
from tests.emulator.definitions.deliberate import DELIBERATE, EMULATOR_ONLY
from tests.emulator.definitions.extract import OPERATIONS, REPOSITORY

API_PREFIXES = ("/v2/", "/v3/", "/sms/")


@pytest.fixture(scope="module")
def published(emulator_session: EmulatorProcess) -> list[dict[str, Any]]:
    """The documents of the main port and of a region's port."""
    urls = [emulator_session.url, emulator_session.region("cn-north-4")["msgsms_url"]]
    return [httpx.get(url + "/openapi.json", timeout=30).json() for url in urls]


@pytest.fixture(scope="module")
def compared(published: list[dict[str, Any]]) -> tuple[list[Difference], set[str]]:
    """The differences of the served operations, and the operations only the emulator has."""
    definitions = load_definitions()
    definitions.pop("index")
    by_route = {(d["method"], d["path"]): name for name, d in definitions.items()}
    theirs: set[Fact] = set()
    for definition in definitions.values():
        theirs.update(definition_facts(definition))
    ours: set[Fact] = set()
    only_ours: set[str] = set()
    for document in published:
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if not path.startswith(API_PREFIXES):
                    continue
                name = by_route.get((method.upper(), path))
                if name is None:
                    only_ours.add(f"{method.upper()} {path}")
                    continue
                ours.update(emulator_facts(name, method, path, operation, document))
    assert {fact.operation for fact in ours} == set(definitions), "every operation is served"
    return differences(theirs, ours), only_ours


def _explained(difference: Difference) -> bool:
    return any(
        difference.operation in entry.operations
        and (difference.field, difference.constraint) == (entry.field, entry.constraint)
        and (difference.definition, difference.emulator) == (entry.definition, entry.emulator)
        for entry in DELIBERATE
    )


def test_every_difference_from_the_definitions_is_a_deliberate_one(
    compared: tuple[list[Difference], set[str]],
) -> None:
    found, _ = compared
    unexplained = [d for d in found if not _explained(d)]
    assert unexplained == []


def test_every_deliberate_difference_is_still_one(
    compared: tuple[list[Difference], set[str]],
) -> None:
    found, _ = compared
    listed = {
        (operation, entry.field, entry.constraint, entry.definition, entry.emulator)
        for entry in DELIBERATE
        for operation in entry.operations
    }
    seen = {(d.operation, d.field, d.constraint, d.definition, d.emulator) for d in found}
    assert listed - seen == set()
    assert all(entry.reason and entry.source.startswith("http") for entry in DELIBERATE)


def test_operations_beyond_the_definitions_are_the_documented_ones(
    compared: tuple[list[Difference], set[str]],
) -> None:
    _, only_ours = compared
    assert only_ours == set(EMULATOR_ONLY)


def test_the_definitions_name_their_source_and_cover_the_served_operations() -> None:
    index = load_definitions()["index"]
    assert index["repository"] == REPOSITORY
    assert len(index["commit"]) == 40
    expected = {f"{service}/{name}.json" for service, names in OPERATIONS.items() for name in names}
    assert set(index["files"]) == expected
    assert all((DEFINITIONS / name).is_file() for name in expected)


def test_the_comparison_sees_a_changed_constraint() -> None:
    # a definition and its copy with one bound changed: the comparison must say which
    definition = load_definitions()["CreateApp"]
    changed = {
        **definition,
        "body": {
            **definition["body"],
            "schema": {
                **definition["body"]["schema"],
                "properties": {
                    **definition["body"]["schema"]["properties"],
                    "app_name": {"type": "string", "minLength": 1, "maxLength": 65},
                },
            },
        },
    }
    found = differences(set(definition_facts(definition)), set(definition_facts(changed)))
    assert [(d.field, d.constraint, d.definition, d.emulator) for d in found] == [
        ("body.app_name", "maxLength", "64", "65"),
        ("body.app_name", "notBlank", "true", "-"),
    ]
