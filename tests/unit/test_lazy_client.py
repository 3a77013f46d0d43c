"""The client's packages import each module on first use (``providers.client.lazy``).

A Pulumi program and a provider process import the resources; a ``pulumi up`` with nothing
to do runs only Check and Diff, and neither needs the HTTP client, httpx or pydantic. These
tests hold that (in fresh interpreters, as the program and the provider host start) and that
the lazy packages export exactly what their ``if TYPE_CHECKING:`` imports tell type checkers.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from harness import PROJECT_ROOT

LAZY = ("providers.client", "providers.client.models")
#: What a call that sends nothing must not load.
HEAVY = ("httpx", "pydantic", "providers.client.client", "providers.client.models.templates")


def _type_checking_names(module: ModuleType) -> set[str]:
    """The names imported under ``if TYPE_CHECKING:`` in the module's source."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                names.update(alias.asname or alias.name for alias in statement.names)
    return names


@pytest.mark.parametrize("name", LAZY)
def test_a_lazy_package_exports_what_it_tells_type_checkers(name: str) -> None:
    package = importlib.import_module(name)
    assert set(package.__all__) == _type_checking_names(package)
    for exported in package.__all__:
        value = getattr(package, exported)
        assert value is not None, exported
        assert exported in dir(package)
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018


def test_an_exported_name_is_the_object_its_module_defines() -> None:
    from providers.client import ApiError, SmsClient, models
    from providers.client.client import SmsClient as defined
    from providers.client.errors import ApiError as defined_error
    from providers.client.models.templates import Template

    assert SmsClient is defined and ApiError is defined_error
    assert models.Template is Template


def _modules_after(code: str) -> dict[str, bool]:
    """Which of ``HEAVY`` a fresh interpreter has loaded after running ``code``."""
    report = f"import json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    probe = f"{code}\n{report}"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_the_resources_and_a_no_op_check_and_diff_load_no_http_client() -> None:
    loaded = _modules_after(
        """
import pickle
from pulumi.dynamic import ConfigureRequest
import providers.resources
from providers.resources.resource import pickler_restored
from pulumi.dynamic.dynamic import serialize_provider
from providers.resources import TemplateProvider

with pickler_restored():
    stored = serialize_provider(TemplateProvider())
import base64
provider = pickle.loads(base64.b64decode(stored))  # what the provider host does
provider.configure(ConfigureRequest({"msgsms:region": "cn-north-4"}))
inputs = {
    "region": "cn-north-4", "app_id": "a1", "scope": "cn", "template_name": "notice",
    "template_content": "您的订单${1}已发货。", "template_type": "NOTIFY_TYPE",
    "universal_template": 1,
    "variable_attributes": [{"variable_index": 1, "variable_type": "CHARDIGIT"}],
}
checked = provider.check(inputs, dict(inputs))
assert not checked.failures, checked.failures
outputs = {**checked.inputs, "flow_status": "Reviewing", "segments": 1}
assert not provider.diff("t1", outputs, checked.inputs).changes
"""
    )
    assert loaded == dict.fromkeys(HEAVY, False)


def test_the_client_loads_when_a_call_first_needs_it() -> None:
    loaded = _modules_after(
        """
from providers.resources import TemplateProvider
from pulumi.dynamic import ConfigureRequest
provider = TemplateProvider()
provider.configure(ConfigureRequest({"msgsms:region": "cn-north-4", "msgsms:accessKey": "ak",
                                     "msgsms:secretKey": "sk"}))
provider._client()
from providers.client import models
models.Template
"""
    )
    assert loaded == dict.fromkeys(HEAVY, True)
