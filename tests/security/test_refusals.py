"""Every operation the emulator publishes refuses requests it cannot trust, exactly as the API
gateway does: HTTP 401 and the body ``{"error_code": "APIG.0301", "error_msg": "Incorrect IAM
authentication information: <why>", "request_id": <X-Request-Id>}``, nothing more, nothing run.

``tests/emulator/test_auth.py`` checks each refusal once, on one route, and the signing rules in
detail. Here each kind of untrusted request is sent to every MSGSMS operation of the emulator's
OpenAPI (and to IAM's authenticated ones): unauthenticated, a forged token, a token of another
project, a wrong or unknown secret key, a request changed after signing, a signed request
replayed when its date is more than 15 minutes off, and access keys or tokens for a project of
another region at a region's port. Each request runs on a freshly reset emulator (so the
lockout after repeated failures does not change the answer); the emulator must log it as a 401
and hold no object afterwards.

Like the real gateway, the emulator keeps no nonces: within the 15 minutes a signed request is
valid it can be sent again, and the date check is the bound on replays. And as Huawei's SDK
signs a multipart upload with ``UNSIGNED-PAYLOAD``, the body of an upload is not covered by its
signature (its path, query and headers are): "changed after signing" changes the query there.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from harness.emulator import EmulatorProcess, start_emulator
from tests.emulator.api import PNG
from tests.emulator.sdk import iam_token
from tests.faults.stack import Estate

NORTH, SOUTH = "cn-north-4", "cn-south-1"
REFUSAL = "Incorrect IAM authentication information: "
SKEW = 16 * 60
BOUNDARY = "refusalsboundary"


@dataclass(frozen=True)
class Operation:
    """One operation of the OpenAPI, with a request body fit to send."""

    method: str
    template: str  # the path with {project_id} and {id}
    body: bytes
    content_type: str

    def path(self, project_id: str) -> str:
        return self.template.replace("{project_id}", project_id).replace("{id}", str(uuid.uuid4()))

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def _operations(spec: dict[str, object], prefix: str) -> list[Operation]:
    operations = []
    paths = spec["paths"]
    assert isinstance(paths, dict)
    for template, methods in paths.items():
        if not template.startswith(prefix):
            continue
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "multipart/form-data" in content:
                body = (
                    (
                        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                        'filename="licence.png"\r\nContent-Type: image/png\r\n\r\n'
                    ).encode()
                    + PNG
                    + f"\r\n--{BOUNDARY}--\r\n".encode()
                )
                kind = f"multipart/form-data; boundary={BOUNDARY}"
            elif method in ("post", "put"):
                body, kind = b'{"app_name": "refused", "region": "cn"}', "application/json"
            else:
                body, kind = b"", "application/json"
            operations.append(Operation(method.upper(), template, body, kind))
    return operations


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator of its own: the replays move its clock, the failures lock its key."""
    with start_emulator(tmp_path_factory.mktemp("refusals")) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def msgsms_operations(gateway: EmulatorProcess) -> list[Operation]:
    spec = httpx.get(gateway.region(NORTH)["msgsms_url"] + "/openapi.json").json()
    operations = _operations(spec, "/v2/{project_id}/msgsms/")
    assert len(operations) == 21  # every management operation of the reference
    return operations


@pytest.fixture(scope="module")
def iam_operations(gateway: EmulatorProcess) -> list[Operation]:
    spec = httpx.get(gateway.iam_url + "/openapi.json").json()
    # token creation takes a password instead: tests/emulator/test_auth.py
    return [o for o in _operations(spec, "/v3/") if o.template != "/v3/auth/tokens"]


class Sender:
    """Builds and sends one request to an operation, the way a case tampers with it."""

    def __init__(self, emulator: EmulatorProcess) -> None:
        self.emulator = emulator
        self.info = emulator.info
        self.north = emulator.region(NORTH)
        self.south = emulator.region(SOUTH)

    def plain(self, base: str, operation: Operation, path: str, **headers: str) -> httpx.Response:
        return httpx.request(
            operation.method,
            base + path,
            content=operation.body,
            headers={"Content-Type": operation.content_type, **headers},
        )

    def signed(
        self,
        base: str,
        operation: Operation,
        path: str,
        *,
        secret_key: str | None = None,
        access_key: str | None = None,
        project_id: str | None = None,
    ) -> httpx.Request:
        """The request signed by Huawei's Signer (the real keys unless others are given)."""
        request = SdkRequest(
            method=operation.method,
            schema="http",
            host=base.split("://", 1)[1],
            resource_path=path,
            query_params=[],
            header_params={
                "Content-Type": operation.content_type,
                **({"X-Project-Id": project_id} if project_id else {}),
            },
            body=operation.body,
        )
        credentials = BasicCredentials(
            access_key or self.info["access_key"], secret_key or self.info["secret_key"]
        )
        Signer(credentials).sign(request)
        return httpx.Request(
            operation.method,
            base + request.uri,
            content=request.body or b"",
            headers=dict(request.header_params),
        )


Case = Callable[[Sender, Operation, str], tuple[httpx.Response, str]]


def _send(request: httpx.Request) -> httpx.Response:
    with httpx.Client() as client:
        return client.send(request)


def no_credentials(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    return s.plain(base, op, op.path(s.north["project_id"])), "x-auth-token not found"


def forged_token(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    forged = "MII" + "A" * 1000
    path = op.path(s.north["project_id"])
    return s.plain(base, op, path, **{"X-Auth-Token": forged}), "decrypt token fail"


def wrong_secret_key(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    request = s.signed(base, op, op.path(s.north["project_id"]), secret_key="S" * 40)
    return _send(request), "verify aksk signature fail"


def unknown_access_key(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    request = s.signed(base, op, op.path(s.north["project_id"]), access_key="A" * 20)
    return _send(request), "verify aksk signature fail: unknown access key"


def changed_after_signing(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    request = s.signed(base, op, op.path(s.north["project_id"]))
    if op.body and op.content_type == "application/json":
        changed = op.body.replace(b"refused", b"accepted").replace(b"IHDR", b"IHDS")
        assert changed != op.body
        request = httpx.Request(
            request.method, request.url, content=changed, headers=dict(request.headers)
        )
        del request.headers["content-length"]
        request.headers["content-length"] = str(len(changed))
    else:
        request.url = request.url.copy_add_param("limit", "1")
    return _send(request), "verify aksk signature fail"


def _replayed(offset: int) -> Case:
    def replayed(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
        request = s.signed(base, op, op.path(s.north["project_id"]))
        s.emulator.admin.put("/clock", json={"offset_seconds": offset}).raise_for_status()
        return _send(request), "calc ak sk signature fail:signature expired"

    return replayed


def aksk_for_another_region(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    south = s.south["project_id"]
    request = s.signed(base, op, op.path(south), project_id=south)
    return _send(request), f"project {south} is not a project of {NORTH}"


def token_of_another_project(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    token = iam_token(s.emulator, SOUTH)
    north, south = s.north["project_id"], s.south["project_id"]
    response = s.plain(base, op, op.path(north), **{"X-Auth-Token": token})
    return response, f"the token is scoped to project {south}, not {north}"


def token_for_another_region(s: Sender, op: Operation, base: str) -> tuple[httpx.Response, str]:
    token = iam_token(s.emulator, SOUTH)
    south = s.south["project_id"]
    response = s.plain(base, op, op.path(south), **{"X-Auth-Token": token})
    return response, f"project {south} is not a project of {NORTH}"


MSGSMS_CASES: dict[str, Case] = {
    "unauthenticated": no_credentials,
    "forged token": forged_token,
    "wrong secret key": wrong_secret_key,
    "unknown access key": unknown_access_key,
    "changed after signing": changed_after_signing,
    "replayed 16 minutes later": _replayed(SKEW),
    "replayed 16 minutes early": _replayed(-SKEW),
    "access keys for another region's project": aksk_for_another_region,
    "token of another project": token_of_another_project,
    "token of another region's project at this region": token_for_another_region,
}
IAM_CASES = ("unauthenticated", "forged token", "wrong secret key", "changed after signing")


def _problems(
    emulator: EmulatorProcess, case: Case, operations: list[Operation], base: str
) -> list[str]:
    """Send ``case`` to each operation on a reset emulator; what was not a clean refusal."""
    sender = Sender(emulator)
    secrets = (emulator.info["secret_key"], emulator.info["password"])
    problems = []
    for operation in operations:
        emulator.reset()
        response, why = case(sender, operation, base)
        expected = {
            "error_code": "APIG.0301",
            "error_msg": REFUSAL + why,
            "request_id": response.headers.get("X-Request-Id"),
        }
        if response.status_code != 401 or response.json() != expected:
            problems.append(f"{operation}: {response.status_code} {response.text}")
        if any(secret in response.text for secret in secrets):
            problems.append(f"{operation}: the refusal shows a credential")
        logged = [(r["method"], r["status"]) for r in emulator.requests()]
        if logged[-1:] != [(operation.method, 401)]:
            problems.append(f"{operation}: logged as {logged}")
        held = {kind: len(items) for kind, items in Estate.of(emulator).objects.items()}
        if any(held.values()):
            problems.append(f"{operation}: objects after the refusal: {held}")
    emulator.reset()
    return problems


@pytest.mark.parametrize("case", list(MSGSMS_CASES))
def test_every_management_operation_refuses(
    gateway: EmulatorProcess, msgsms_operations: list[Operation], case: str
) -> None:
    base = gateway.region(NORTH)["msgsms_url"]
    assert _problems(gateway, MSGSMS_CASES[case], msgsms_operations, base) == []


@pytest.mark.parametrize("case", IAM_CASES)
def test_every_authenticated_iam_operation_refuses(
    gateway: EmulatorProcess, iam_operations: list[Operation], case: str
) -> None:
    assert iam_operations, "IAM publishes operations besides token creation"
    assert _problems(gateway, MSGSMS_CASES[case], iam_operations, gateway.iam_url) == []


def test_a_replayed_create_within_the_window_is_accepted_and_after_it_refused(
    gateway: EmulatorProcess,
) -> None:
    """What bounds a replay is the signature's date; the second create shows why it matters."""
    sender = Sender(gateway)
    body = json.dumps({"app_name": "replayed", "region": "cn"}).encode()
    create = Operation("POST", "/v2/{project_id}/msgsms/apps", body, "application/json")
    base = gateway.region(NORTH)["msgsms_url"]
    gateway.reset()
    request = sender.signed(base, create, create.path(sender.north["project_id"]))

    assert _send(request).status_code == 200
    gateway.admin.put("/clock", json={"offset_seconds": 14 * 60}).raise_for_status()
    assert _send(request).status_code == 200
    gateway.admin.put("/clock", json={"offset_seconds": SKEW}).raise_for_status()
    refused = _send(request)

    assert refused.status_code == 401
    assert refused.json()["error_msg"] == REFUSAL + "calc ak sk signature fail:signature expired"
    assert len(Estate.of(gateway).objects["apps"]) == 2
    gateway.reset()


def test_the_admin_api_refuses_other_hosts(tmp_path: Path) -> None:
    """The admin API can wipe the emulator and read app secrets: loopback clients only, even
    when the APIs listen on every interface."""
    with start_emulator(tmp_path, "--host", "0.0.0.0") as emulator:
        port = emulator.url.rsplit(":", 1)[1]
        addresses = [a for a in _own_addresses() if not a.startswith("127.")]
        if not addresses:
            pytest.skip("this machine has no address but loopback")
        outside = f"http://{addresses[0]}:{port}"
        refused = httpx.get(f"{outside}/_emulator/objects", params={"kind": "apps"})
        assert refused.status_code == 403
        assert refused.json() == {"error": "the admin API is loopback-only"}
        assert httpx.post(f"{outside}/_emulator/reset").status_code == 403
        assert httpx.get(f"{outside}/health").status_code == 200  # the listener is reachable
        assert emulator.admin.get("/objects", params={"kind": "apps"}).status_code == 200


def _own_addresses() -> list[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))  # no packet is sent: picks the outgoing address
            return [probe.getsockname()[0]]
        except OSError:
            return []
