"""Each port publishes an OpenAPI 3.1 document of exactly the operations it answers.

The app's own route table says which operations exist; requests to every one of them at the
main port and at a region's port, with credentials that get them past the gateway, say which
port answers which (an operation a port does not serve gets the gateway's 404 ``APIG.0101``).
Each port's document must list exactly the operations that port answered, load in schemathesis
and declare the error answers, security and request bodies the API really has.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from schemathesis.core.result import Err

from emulator.app import create_app
from emulator.core.regions import REGIONS
from emulator.gateway.middleware import Gateway
from emulator.state import EmulatorState, Listeners, Settings
from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sdk import iam_token
from tests.emulator.sending import wsse_headers

REGION = "cn-north-4"
Operation = tuple[str, str]  # method, path template


@pytest.fixture(scope="module")
def app_operations(tmp_path_factory: pytest.TempPathFactory) -> set[Operation]:
    """Every documented-to-be operation of the app (its route table, not its documents)."""
    listeners = Listeners("127.0.0.1", 1, {region: 2 + i for i, region in enumerate(REGIONS)})
    state = EmulatorState.open(Settings(tmp_path_factory.mktemp("routes")), listeners)
    try:
        gateway = create_app(state)
        assert isinstance(gateway, Gateway)
        assert isinstance(gateway.app, FastAPI)
        operations: set[Operation] = set()
        for route in iter_route_contexts(gateway.app.routes):
            path = route.path or ""
            if isinstance(route.original_route, APIRoute) and route.include_in_schema:
                operations.update((method, path) for method in route.methods or ())
        return operations
    finally:
        state.close()


@pytest.fixture(scope="module")
def credentials(emulator_session: EmulatorProcess) -> Iterator[dict[str, str]]:
    """Headers that get a request past the gateway's authentication of every API."""
    emulator_session.reset()
    api = RawApi(emulator_session, REGION)
    app = api.create_app("openapi", "cn")
    api.close()
    launched = emulator_session.admin.post(f"/apps/{app['id']}/status", json={"status": "LAUNCHED"})
    assert launched.status_code == 200, launched.text
    yield {
        "X-Auth-Token": iam_token(emulator_session, REGION),
        **wsse_headers(app["app_key"], app["app_secret"]),
    }
    emulator_session.reset()


def _document(base_url: str) -> dict[str, Any]:
    response = httpx.get(base_url + "/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _documented(document: dict[str, Any]) -> set[Operation]:
    return {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}


def _answers(base_url: str, operation: Operation, project_id: str, headers: dict[str, str]) -> bool:
    """Whether the port at ``base_url`` runs the operation (rather than the gateway's 404)."""
    method, template = operation
    path = template.replace("{project_id}", project_id)
    path = re.sub(r"\{[^}]+\}", "openapi-probe", path)
    response = httpx.request(method, base_url + path, headers=headers, timeout=30)
    return not (response.status_code == 404 and response.json().get("error_code") == "APIG.0101")


def _ports(emulator: EmulatorProcess) -> dict[str, str]:
    # the region first: probing the main port runs the admin API's reset
    return {"region": emulator.region(REGION)["msgsms_url"], "main": emulator.url}


def test_each_port_documents_exactly_the_operations_it_answers(
    emulator_session: EmulatorProcess,
    app_operations: set[Operation],
    credentials: dict[str, str],
) -> None:
    project_id = emulator_session.region(REGION)["project_id"]
    for port, base_url in _ports(emulator_session).items():
        answered = {
            operation
            for operation in app_operations
            if _answers(base_url, operation, project_id, credentials)
        }
        assert _documented(_document(base_url)) == answered, port
    main = _documented(_document(emulator_session.url))
    region = _documented(_document(emulator_session.region(REGION)["msgsms_url"]))
    assert main & region == {("GET", "/health")}
    assert main | region == app_operations
    assert {path.split("/")[1] for _, path in main} == {"health", "v3", "_emulator"}
    assert {path.split("/")[1] for _, path in region} == {"health", "v2", "sms"}


@pytest.mark.parametrize("port", ["main", "region"])
def test_the_document_is_openapi_3_1_that_schemathesis_loads(
    emulator_session: EmulatorProcess, port: str
) -> None:
    base_url = _ports(emulator_session)[port]
    document = _document(base_url)
    assert document["openapi"].startswith("3.1.")
    assert document["servers"] == [{"url": base_url}]
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json")
    results = list(schema.get_all_operations())
    failed = [result.err() for result in results if isinstance(result, Err)]
    assert failed == []
    assert len(results) == len(_documented(document))


def test_no_operation_declares_422_and_errors_have_the_services_bodies(
    emulator_session: EmulatorProcess,
) -> None:
    documents = [_document(url) for url in _ports(emulator_session).values()]
    for document in documents:
        assert "HTTPValidationError" not in document["components"]["schemas"]
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                assert "422" not in operation["responses"], (method, path)
    region, main = documents
    schemas = region["components"]["schemas"]
    assert set(schemas["ServiceFailure"]["required"]) == {"error_code", "error_msg", "error_detail"}
    assert set(schemas["GatewayFailure"]["required"]) == {"error_code", "error_msg", "request_id"}

    def schema_of(document: dict[str, Any], path: str, method: str, status: str) -> Any:
        answer = document["paths"][path][method]["responses"][status]
        return answer["content"]["application/json"]["schema"]

    apps = "/v2/{project_id}/msgsms/apps"
    assert set(region["paths"][apps]["post"]["responses"]) == {
        "200", "400", "401", "413", "429", "500", "502", "503", "504"
    }  # fmt: skip
    assert schema_of(region, apps, "post", "400") == {"$ref": "#/components/schemas/ServiceFailure"}
    assert schema_of(region, apps, "post", "401") == {"$ref": "#/components/schemas/GatewayFailure"}
    # 404 only where a path names an object; 413 only where there is a body
    assert "404" in region["paths"][apps + "/{id}"]["get"]["responses"]
    assert "404" not in region["paths"][apps]["get"]["responses"]
    assert "413" not in region["paths"][apps]["get"]["responses"]
    assert "Retry-After" in region["paths"][apps]["get"]["responses"]["429"]["headers"]
    tokens = main["paths"]["/v3/auth/tokens"]["post"]["responses"]
    assert tokens["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/IamFailure")
    send = region["paths"]["/sms/batchSendSms/v1"]["post"]["responses"]
    assert send["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/SendFailure")
    reset = main["paths"]["/_emulator/reset"]["post"]["responses"]
    assert set(reset) == {"200", "403"}


def test_security_is_declared_per_api(emulator_session: EmulatorProcess) -> None:
    region, main = (_document(url) for url in _ports(emulator_session).values())
    schemes = region["components"]["securitySchemes"]
    assert schemes["IamToken"] == {
        **schemes["IamToken"], "type": "apiKey", "in": "header", "name": "X-Auth-Token"
    }  # fmt: skip
    assert schemes["AkSkSignature"]["name"] == "Authorization"
    assert schemes["WsseUsernameToken"]["name"] == "X-WSSE"
    cloud: list[dict[str, list[str]]] = [{"IamToken": []}, {"AkSkSignature": []}]
    for path, operations in region["paths"].items():
        for operation in operations.values():
            if path.startswith("/v2/"):
                assert operation["security"] == cloud, path
            elif path.startswith("/sms/"):
                assert operation["security"] == [
                    {"AppSignature": []},
                    {"WsseAuthorization": [], "WsseUsernameToken": []},
                ], path
    assert main["paths"]["/v3/projects"]["get"]["security"] == cloud
    assert main["paths"]["/v3/auth/tokens"]["post"]["security"] == []
    assert "security" not in main["paths"]["/_emulator/reset"]["post"]


def test_the_send_bodies_are_declared(emulator_session: EmulatorProcess) -> None:
    region = _document(emulator_session.region(REGION)["msgsms_url"])
    diff = region["paths"]["/sms/batchSendDiffSms/v1"]["post"]["requestBody"]
    schema = diff["content"]["application/json"]["schema"]
    assert diff["required"] is True
    assert set(schema["required"]) == {"from", "smsContent"}
    group = schema["properties"]["smsContent"]["items"]
    assert set(group["required"]) == {"to", "templateId"}
    assert group["properties"]["to"]["maxItems"] == 1000
    batch = region["paths"]["/sms/batchSendSms/v1"]["post"]["requestBody"]["content"]
    form = batch["application/x-www-form-urlencoded"]["schema"]
    assert set(form["required"]) == {"from", "to", "templateId"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_page_lists_every_operation_and_needs_nothing_from_elsewhere(
    emulator_session: EmulatorProcess, page: str
) -> None:
    for base_url in _ports(emulator_session).values():
        response = httpx.get(base_url + page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        text = response.text
        # offline: no script, no stylesheet or image to fetch, no address of another site
        for outside in ("<script", "src=", "http://", "https://", "//cdn"):
            assert outside not in text, outside
        assert '<a href="/openapi.json">' in text
        for method, path in _documented(_document(base_url)):
            assert f"<td class=method>{method}</td><td><code>{html.escape(path)}</code>" in text
