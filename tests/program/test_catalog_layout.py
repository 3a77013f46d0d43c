"""The catalog's type check without pydantic (providers/catalog/layout.py) against the entry
models: it accepts nothing they refuse, gives the values they give, and a program that loads a
good catalog never imports pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from harness import PROJECT_ROOT
from providers.catalog import ENTRIES, Document, layout
from providers.catalog.messages import as_values
from providers.spec import KINDS

#: Values a catalog field may be given: right, wrong, and at the edges of each type.
VALUES: list[Any] = [
    None,
    0,
    5,
    -1,
    2**40,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    5.5,
    1.0,
    float("inf"),
    True,
    False,
    "x",
    "",
    [],
    [1],
    [1, 2],
    [True],
    [1.0],
    [2**70],
    ["a"],
    (1,),
    {},
    {"a": 1},
    {"existing": "shop"},
    {"existing": 5},
    {"existing": "n", "type": "NOTIFY_TYPE"},
    {"existing": "n", "type": None},
    {"existing": "n", "extra": 1},
    [{"index": 1, "type": "CHARDIGIT"}],
    [{"index": 1, "type": "TEXT", "desc": "d"}],
    [{"index": 1, "type": "TEXT", "desc": None}],
    [{"index": "1", "type": "CHARDIGIT"}],
    [{"index": 1, "typ": "CHARDIGIT"}],
    [{"index": True, "type": 5, "desc": 7}],
    [5],
]
#: Values of a document's settings and sections.
DOCUMENT_VALUES: list[Any] = [
    *VALUES,
    {"a": {}},
    {"a": {"b": 1}},
    {1: {}},
    {"a": {1: 2}},
    {"a": []},
    {"region": "cn-north-4"},
    {"region": 5},
    {"wait_timeout": 5},
    {"protect": True},
    {"nope": 1},
]


def _by_models(model: type[BaseModel], data: Any) -> str | None:
    try:
        return repr(as_values(model.model_validate(data)))
    except ValidationError:
        return None


def _big_int(value: Any) -> bool:
    """Whether ``value`` holds an integer beyond 64 bits (left to pydantic on purpose)."""
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return any(_big_int(item) for item in items)
    return type(value) is int and not -(2**63) <= value < 2**63


def _entries(kind: Any) -> list[dict[str, Any]]:
    """Entries of ``kind``: its required fields, then each field given each value or left out."""
    names = [f.catalog for f in kind.catalog_fields if f.catalog is not None]
    required = {f.catalog: "x" for f in kind.catalog_fields if f.catalog and f.catalog_required}
    cases: list[Any] = [required, *VALUES]
    for name in [*names, "bogus"]:
        cases += [{**required, name: value} for value in VALUES]
        cases.append({k: v for k, v in required.items() if k != name})
    return cases


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_an_entry_is_taken_as_the_models_take_it(kind: Any) -> None:
    decided = left = 0
    for data in _entries(kind):
        plain = layout.ENTRY_CHECKS[kind.name](data)
        by_models = _by_models(ENTRIES[kind.name], data)
        if plain is None and by_models is not None:
            # in doubt: the models decide (the loader asks them); only for huge integers
            assert _big_int(data), data
            left += 1
            continue
        assert (None if plain is None else repr(plain)) == by_models, data
        decided += 1
    assert decided > 300 and left < 10


def test_a_document_is_taken_as_the_models_take_it() -> None:
    decided = 0
    for name in [*Document.model_fields, "bogus"]:
        for value in DOCUMENT_VALUES:
            data = {name: value}
            plain = layout.document(data)
            by_models = _by_models(Document, data)
            assert (None if plain is None else repr(plain)) == by_models, data
            decided += 1
    assert decided == len(DOCUMENT_VALUES) * (len(Document.model_fields) + 1)


def test_a_number_is_a_float_and_a_reference_by_name_keeps_its_type() -> None:
    template = {"app": {"existing": "shop"}, "name": "n", "content": "c", "wait_timeout": 120}
    entry = layout.ENTRY_CHECKS["template"](template)

    assert entry is not None
    assert entry.app == layout.Existing("shop") and repr(entry.app) == "{existing: 'shop'}"
    assert type(entry.wait_timeout) is float and entry.wait_timeout == 120.0


def test_loading_a_good_catalog_imports_no_pydantic() -> None:
    # as the program runs: a fresh interpreter, the example catalogs (references by key and
    # by name, variables, defaults); then a catalog with a type mistake, reported as before
    script = """
import json, sys
from pathlib import Path
from providers.catalog import check_catalog
loaded = {}
for path in sorted(Path("stacks").glob("*.sms.yaml")):
    catalog, problems, _ = check_catalog(path, root=Path("."), default_region="cn-north-4")
    loaded[path.name] = (catalog is not None, [str(p) for p in problems])
before = "pydantic" in sys.modules
broken = Path(sys.argv[1])
broken.write_text("apps:\\n  shop: {name: shop, scope: cn, uplink_url: 5}\\n")
_, problems, _ = check_catalog(broken, root=Path("."), default_region="cn-north-4")
print(json.dumps([loaded, before, [str(p) for p in problems]]))
"""
    broken = PROJECT_ROOT / ".pytest-layout-broken.sms.yaml"
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, str(broken)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        broken.unlink(missing_ok=True)
    loaded, pydantic_before, problems = json.loads(result.stdout)

    assert loaded and all(ok and not found for ok, found in loaded.values()), loaded
    assert pydantic_before is False
    assert [p.split(": ", 1)[1] for p in problems] == [
        "apps.shop.uplink_url: must be text; YAML reads an unquoted 5 as a number: quote it "
        '("5") if it is text'
    ]
