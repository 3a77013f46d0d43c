"""A schema-driven fuzzer (schemathesis) on the emulator's OpenAPI finds no 5xx and no crash.

Every operation of ``/openapi.json`` is fuzzed at the port that serves it: IAM and the admin API
at the main port, MSGSMS and SMSApi at cn-north-4's port. Management calls carry a project
token of cn-north-4 and that project's id in the path, so the generated requests get past the
gateway into the handlers; the other parameters, bodies and SMSApi's own authentication are
left to the generator, with valid and invalid inputs. Each operation gets a bounded number of
examples, no answer may be a 5xx, and afterwards the emulator still runs, answers its health
checks and logged no error.

Left out: ``PUT /_emulator/faults``, whose purpose is to answer 5xx. The spec is incomplete in
ways the fuzzer tolerates (``INCOMPLETE``), so only the server-error check runs, not the
response-conformance checks.

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
from schemathesis.core.result import Err

from tests.emulator.sdk import iam_token
from tests.security.leaks import emulator_stderr
from tests.support.emulator import EmulatorProcess, start_emulator

pytestmark = pytest.mark.slow

REGION = "cn-north-4"
EXAMPLES = 100

#: Where the published OpenAPI falls short of what the emulator does (reported, not fixed here).
INCOMPLETE = (
    "responses: only 200 (204 for deletions) and FastAPI's 422 are declared, while the API "
    "answers 400/401/404/413/429 with Huawei's error bodies and never 422",
    "security: neither X-Auth-Token nor the AK/SK signature is declared",
    "POST /sms/batchSendDiffSms/v1 declares no request body",
    "one document for every port: IAM and admin routes are listed at the region ports (404 "
    "there) and MSGSMS/SMSApi routes at the main port",
)


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


def _server_errors(target: Target, operations: list[APIOperation]) -> list[str]:
    """Fuzz each operation (valid and invalid inputs); the 5xx answers seen."""
    found: list[str] = []
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=strategy)
        def fuzz(case: schemathesis.Case) -> None:
            response = target.call(case)
            if response.status_code >= 500:
                found.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        fuzz()
    return found


def test_msgsms_and_smsapi_answer_no_5xx(fuzzed: EmulatorProcess) -> None:
    base = fuzzed.region(REGION)["msgsms_url"]
    operations = _operations(base, r"^/(v2|sms)/")
    assert len(operations) == 23  # 21 management operations, 2 sending operations
    target = _target(fuzzed, base)

    assert _server_errors(target, operations) == []
    # the token and project got the requests past the gateway: the handlers answered
    assert target.statuses[200] > 0 and target.statuses[400] > 0
    assert target.statuses[401] < sum(target.statuses.values()) / 10


def test_iam_and_the_admin_api_answer_no_5xx(fuzzed: EmulatorProcess) -> None:
    operations = _operations(fuzzed.url, r"^/(v3|_emulator)/")
    target = _target(fuzzed, fuzzed.url)

    assert _server_errors(target, operations) == []
    assert target.statuses[200] > 0


def test_the_incomplete_parts_of_the_spec_are_as_described(fuzzed: EmulatorProcess) -> None:
    """Pins ``INCOMPLETE``: when the spec is completed, this fails and the note goes."""
    spec = httpx.get(fuzzed.region(REGION)["msgsms_url"] + "/openapi.json").json()
    create_app = spec["paths"]["/v2/{project_id}/msgsms/apps"]["post"]
    assert set(create_app["responses"]) == {"200", "422"}
    assert "securitySchemes" not in spec.get("components", {})
    assert "requestBody" not in spec["paths"]["/sms/batchSendDiffSms/v1"]["post"]
    assert "/_emulator/reset" in spec["paths"] and "/v3/projects" in spec["paths"]
