"""Which package may import which, read from the source's import statements.

The emulator stands alone: people use it without the providers, as they use moto without
their own code, so nothing in ``emulator`` may import ``providers``. Inside it the services
sit on ``emulator.core``; the management API does not know the send side that builds on it;
and no service reaches into the admin API. The providers' HTTP client is a library the
resources use, never the other way round.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import PROJECT_ROOT

Import = tuple[str, str, int]  # importing module, imported module, line


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(package: str) -> Iterator[Import]:
    """Every import in the package's modules, relative ones resolved to absolute names."""
    for path in sorted((PROJECT_ROOT / package.replace(".", "/")).rglob("*.py")):
        module = _module_name(path)
        # a package's own name is the anchor of its relative imports; a module's is its parent
        anchor = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield module, alias.name, node.lineno
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = anchor.split(".")
                    parent = ".".join(parts[: len(parts) - node.level + 1])
                    base = f"{parent}.{base}" if base else parent
                yield module, base, node.lineno
                # "from package import name" may import a module: count it as one
                for alias in node.names:
                    yield module, f"{base}.{alias.name}", node.lineno


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _breaches(package: str, forbidden: str, allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{module}:{line} imports {name}"
        for module, name, line in _imports(package)
        if _within(name, forbidden) and not any(_within(name, a) for a in allowed)
    ]


def test_the_import_reader_sees_relative_and_absolute_imports() -> None:
    found = {(module, name) for module, name, _ in _imports("emulator")}
    assert ("emulator.msgsms.routes", "emulator.state") in found  # from ..state import
    assert ("emulator.msgsms.routes", "emulator.msgsms.models") in found  # from .models import
    assert ("emulator.app", "emulator.admin.routes") in found  # from .admin import routes
    assert ("emulator.core.store", "sqlite3") in found
    client = {(module, name) for module, name, _ in _imports("providers.client")}
    assert ("providers.client", "providers.client.models") in client  # from . import models


def test_the_emulator_does_not_import_the_providers() -> None:
    assert _breaches("emulator", "providers") == []
    assert _breaches("emulator", "tests") == []


def test_the_client_does_not_import_the_resources() -> None:
    assert _breaches("providers.client", "providers.resources") == []


@pytest.mark.parametrize(
    "service", ["emulator.gateway", "emulator.iam", "emulator.msgsms", "emulator.smsapi"]
)
def test_services_do_not_reach_into_the_admin_api(service: str) -> None:
    # the gateway answers refused admin calls in the admin API's error shape
    assert _breaches(service, "emulator.admin", allowed=("emulator.admin.errors",)) == []


def test_the_core_depends_on_no_service() -> None:
    outside_core = [
        f"{module} imports {name}"
        for module, name, _ in _imports("emulator.core")
        if _within(name, "emulator") and not _within(name, "emulator.core")
    ]
    assert outside_core == []


def test_the_management_api_does_not_know_the_send_side() -> None:
    assert _breaches("emulator.msgsms", "emulator.smsapi") == []


def test_the_kinds_sit_below_everything_else_of_the_providers() -> None:
    """providers.spec says what each kind is; the rules, the catalog and the resources build
    on it, so it imports none of them (a resource class is named by a string, imported on
    first use)."""
    for layer in ("providers.rules", "providers.catalog", "providers.resources"):
        assert _breaches("providers.spec", layer) == [], layer


def test_the_rules_and_the_catalog_do_not_import_the_resources_nor_the_client() -> None:
    for package in ("providers.rules", "providers.catalog"):
        assert _breaches(package, "providers.resources") == [], package
        assert _breaches(package, "providers.client") == [], package
    assert _breaches("providers.rules", "providers.catalog") == []
