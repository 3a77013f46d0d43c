"""A schema-driven fuzzer (schemathesis) on the emulator's OpenAPI: no 5xx, no crash, and every
answer is one the document declares.

Every operation of ``/openapi.json`` is fuzzed at the port that serves it (each port publishes
its own document): IAM and the admin API at the main port, MSGSMS and SMSApi at cn-north-4's
port. Management calls carry a project token of cn-north-4 and that project's id in the path,
so the generated requests get past the gateway into the handlers; the other parameters, bodies
and SMSApi's own authentication are left to the generator, with valid and invalid inputs. Each
operation gets a bounded number of examples; no answer may be a 5xx, each answer's status,
media type, headers and body must be as declared for that operation (schemathesis's
status-code, content-type, response-headers and response-schema conformance checks), and
afterwards the emulator still runs, answers its health checks and logged no error.

Left out: ``PUT /_emulator/faults``, whose purpose is to answer 5xx.

schemathesis's own pytest integration (``schemathesis.pytest``) does not run under pytest 9,
so each operation's strategies are run here with Hypothesis directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from harness.emulator import EmulatorProcess, start_emulator
from tests.emulator.sdk import iam_token
from tests.security.leaks import emulator_stderr

pytestmark = pytest.mark.slow

REGION = "cn-north-4"
EXAMPLES = 100

#: What every answer is held to, beyond not being a 5xx.
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with start_emulator(tmp_path_factory.mktemp("fuzz"), "--review-delay", "0") as emulator:
        yield emulator
        assert emulator.running, "the emulator is still running"
        assert httpx.get(emulator.url + "/health").status_code == 200
        assert httpx.get(emulator.region(REGION)["msgsms_url"] + "/health").status_code == 200
        log = emulator_stderr(emulator)
        assert "Traceback" not in log and "unexpected error" not in log, log[-4000:]


@dataclass
class Target:
    """Where the fuzzed requests go, what gets them past the gateway, and what they got."""

    base_url: str
    project_id: str
    token: str
    statuses: Counter[int]

    def call(self, case: schemathesis.Case) -> Response:
        # the project in the path is the token's: a random one would only meet the gateway
        if "project_id" in (case.path_parameters or {}):
            case.path_parameters["project_id"] = self.project_id
        response = case.call(
            base_url=self.base_url, headers={"X-Auth-Token": self.token}, timeout=30
        )
        self.statuses[response.status_code] += 1
        return response


def _target(emulator: EmulatorProcess, base_url: str) -> Target:
    project_id = emulator.region(REGION)["project_id"]
    return Target(base_url, project_id, iam_token(emulator, REGION), Counter())


def _operations(base_url: str, include: str) -> list[APIOperation]:
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json").include(path_regex=include)
    schema = schema.exclude(path="/_emulator/faults", method="PUT")
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise AssertionError(f"the spec has an operation it cannot describe: {result.err()}")
        operations.append(result.ok())
    return operations


def _problems(
    target: Target,
    operations: list[APIOperation],
    examples: int = EXAMPLES,
    *,
    faults: bool = False,
) -> list[str]:
    """Fuzz each operation (valid and invalid inputs); the undeclared answers seen, and the 5xx
    unless ``faults`` are injected on purpose."""
    found: list[str] = []
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=strategy)
        def fuzz(case: schemathesis.Case) -> None:
            response = target.call(case)
            if response.status_code >= 500 and not faults:
                found.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")
            try:
                case.validate_response(response, checks=CONFORMANCE)
            except FailureGroup as failures:
                found.append(f"{case.method} {case.formatted_path}: {failures.message[:1500]}")

        fuzz()
    return found


def test_msgsms_and_smsapi_answer_no_5xx_and_as_declared(fuzzed: EmulatorProcess) -> None:
    base = fuzzed.region(REGION)["msgsms_url"]
    operations = _operations(base, r"^/(v2|sms)/")
    assert len(operations) == 23  # 21 management operations, 2 sending operations
    target = _target(fuzzed, base)

    assert _problems(target, operations) == []
    # the token and project got the requests past the gateway: the handlers answered
    assert target.statuses[200] > 0 and target.statuses[400] > 0
    assert target.statuses[401] < sum(target.statuses.values()) / 10


def test_iam_and_the_admin_api_answer_no_5xx_and_as_declared(fuzzed: EmulatorProcess) -> None:
    operations = _operations(fuzzed.url, r"^/(v3|_emulator)/")
    target = _target(fuzzed, fuzzed.url)

    assert _problems(target, operations) == []
    assert target.statuses[200] > 0


def test_injected_faults_answer_as_declared(fuzzed: EmulatorProcess) -> None:
    """The 429 and 5xx answers of the fault plan are declared too, with their bodies."""
    statuses = [429, 500, 502, 503, 504]
    plan = {"error_rate": 0.5, "error_statuses": statuses, "retry_after_seconds": 0, "seed": 7}
    region = _target(fuzzed, fuzzed.region(REGION)["msgsms_url"])
    main = _target(fuzzed, fuzzed.url)
    assert fuzzed.admin.put("/faults", json=plan).status_code == 200
    try:
        problems = _problems(
            region, _operations(region.base_url, r"^/(v2|sms)/"), 10, faults=True
        ) + _problems(main, _operations(main.base_url, r"^/v3/"), 10, faults=True)
    finally:
        assert fuzzed.admin.delete("/faults").status_code == 200
    assert problems == []
    seen = region.statuses + main.statuses
    assert all(seen[status] > 0 for status in statuses), seen
