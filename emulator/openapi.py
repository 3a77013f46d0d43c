"""The OpenAPI documents the emulator publishes at ``/openapi.json``, one per kind of port, and
the page at ``/docs`` that lists them.

The main port documents IAM, the admin API and ``/health``; a region's port documents that
region's MSGSMS and SMSApi and ``/health``: exactly the routes the gateway lets through there.
FastAPI's generated document is completed with what the framework cannot know:

* the error answers of each operation, in the shape of the service that sends them (the
  MSGSMS body, the API gateway's, IAM's, SMSApi's, the admin API's), and never FastAPI's 422,
  because the app turns validation failures into 400s of the API the path belongs to;
* the authentication each API takes (an IAM token or an AK/SK signature; an app's signature
  or WSSE for SMSApi), per operation, with token creation taking none.

The page at ``/docs`` (and ``/redoc``) is plain HTML made from the port's document, with no
script and nothing fetched from elsewhere, so it works offline: every operation with its
parameters, body, answers and authentication, and a link to the document itself.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.openapi.utils import get_openapi
from fastapi.routing import RouteContext, iter_route_contexts
from pydantic import BaseModel, Field
from starlette.routing import BaseRoute

from .gateway.middleware import COMMON_PATHS, MAIN_PREFIXES, REGION_PREFIXES

__all__ = [
    "SECURITY_SCHEMES",
    "AdminFailure",
    "GatewayFailure",
    "IamFailure",
    "SendFailure",
    "ServiceFailure",
    "docs_page",
    "openapi_document",
]


class ServiceFailure(BaseModel):
    """A MSGSMS business error (reference §2.1)."""

    error_code: str = Field(description="MSGSMS.00xx", examples=["MSGSMS.0002"])
    error_msg: str
    error_detail: str = Field(description="what was wrong and what to do")


class GatewayFailure(BaseModel):
    """An error of the API gateway in front of the service (reference §2.2)."""

    error_code: str = Field(description="APIG.xxxx", examples=["APIG.0301"])
    error_msg: str
    request_id: str


class IamErrorDetail(BaseModel):
    code: int
    message: str
    title: str


class IamFailure(BaseModel):
    """IAM's error body (reference §2.4)."""

    error: IamErrorDetail


class SendFailure(BaseModel):
    """A request-level result code of the send API (reference §4.3)."""

    code: str = Field(examples=["E000503"])
    description: str


class AdminFailure(BaseModel):
    """The admin API's error body."""

    error: str


_FAILURES: tuple[type[BaseModel], ...] = (
    ServiceFailure,
    GatewayFailure,
    IamFailure,
    SendFailure,
    AdminFailure,
)

#: How each API authenticates; applied per operation below.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "IamToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
        "description": "An IAM token (X-Subject-Token of POST /v3/auth/tokens); MSGSMS takes "
        "only a token scoped to the project in the path.",
    },
    "AkSkSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "SDK-HMAC-SHA256 Access=<access key>, SignedHeaders=..., Signature=..., "
        "signed with the account's secret key and dated by X-Sdk-Date (reference §3.2).",
    },
    "AppSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "SDK-HMAC-SHA256 as for AK/SK, with the app's app_key as access key and "
        "its app_secret as secret key (reference §3.3a).",
    },
    "WsseAuthorization": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'WSSE realm="SDP",profile="UsernameToken",type="Appkey" (reference §3.3b).',
    },
    "WsseUsernameToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-WSSE",
        "description": 'UsernameToken Username="<app_key>",PasswordDigest="...",Nonce="...",'
        'Created="..." (reference §3.3b).',
    },
}

_CLOUD_SECURITY: list[dict[str, list[str]]] = [{"IamToken": []}, {"AkSkSignature": []}]
_SEND_SECURITY: list[dict[str, list[str]]] = [
    {"AppSignature": []},
    {"WsseAuthorization": [], "WsseUsernameToken": []},
]
_TOKEN_CREATION = ("/v3/auth/tokens", "post")


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _answer(description: str, *models: type[BaseModel]) -> dict[str, Any]:
    schema = _ref(models[0]) if len(models) == 1 else {"anyOf": [_ref(m) for m in models]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _throttled() -> dict[str, Any]:
    answer = _answer("Throttled (APIG.0308; an injected fault)", GatewayFailure)
    answer["headers"] = {
        "Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}
    }
    return answer


def _gateway_faults(internal: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """What the fault plan of ``/_emulator/faults`` can answer instead of the operation."""
    return {
        "429": _throttled(),
        "500": _answer("Internal error (an injected fault)", internal),
        "502": _answer("Backend unavailable (APIG.0201; an injected fault)", GatewayFailure),
        "503": _answer("Backend unavailable (APIG.0201; an injected fault)", GatewayFailure),
        "504": _answer("Backend timeout (APIG.0201; an injected fault)", GatewayFailure),
    }


def _takes_input(operation: Mapping[str, Any]) -> bool:
    return bool(operation.get("parameters")) or "requestBody" in operation


def _looks_up_id(path: str) -> bool:
    """A path naming an object: one that does not resolve answers the gateway's 404."""
    return "{id}" in path


def _errors(path: str, method: str, operation: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The error answers one operation can give, by the API its path belongs to."""
    errors: dict[str, dict[str, Any]] = {}
    if path.startswith("/_emulator/"):
        if _takes_input(operation):
            errors["400"] = _answer("Invalid input", AdminFailure)
        errors["403"] = _answer("The admin API answers loopback clients only", AdminFailure)
        if _looks_up_id(path):
            errors["404"] = _answer(
                "No such object (admin), or no such path (APIG.0101)", AdminFailure, GatewayFailure
            )
        return errors
    if path.startswith("/v2/"):
        errors["400"] = _answer("A MSGSMS business error, e.g. MSGSMS.0002", ServiceFailure)
        errors["401"] = _answer("Authentication failed (APIG.0301)", GatewayFailure)
        errors.update(_gateway_faults(ServiceFailure))
        if _looks_up_id(path):
            errors["404"] = _answer("No such path (APIG.0101)", GatewayFailure)
    elif path.startswith("/v3/"):
        errors["400"] = _answer("Invalid request", IamFailure)
        if (path, method) == _TOKEN_CREATION:
            errors["401"] = _answer("Wrong user, password or scope", IamFailure)
        else:
            errors["401"] = _answer("Authentication failed (APIG.0301)", GatewayFailure)
        errors.update(_gateway_faults(IamFailure))
    elif path.startswith("/sms/"):
        errors["400"] = _answer(
            "A request-level result code: authentication (E0000xx, E0001xx) or the request "
            "(E000000, E000503)",
            SendFailure,
        )
        errors["403"] = _answer(
            "The client's address is not on the app's IP allow-list (E000620)", SendFailure
        )
        errors.update(_gateway_faults(GatewayFailure))
    if "requestBody" in operation:
        errors["413"] = _answer("Request entity too large: over 12 MB (APIG.0201)", GatewayFailure)
    return errors


def _security(path: str, method: str) -> list[dict[str, list[str]]] | None:
    if (path, method) == _TOKEN_CREATION:
        return []
    if path.startswith(("/v2/", "/v3/")):
        return _CLOUD_SECURITY
    if path.startswith("/sms/"):
        return _SEND_SECURITY
    return None


def _served(route: RouteContext, prefixes: tuple[str, ...]) -> bool:
    path = route.path or ""
    return path.startswith(prefixes) or path in COMMON_PATHS


def _complete(document: dict[str, Any]) -> dict[str, Any]:
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            responses.update(_errors(path, method, operation))
            security = _security(path, method)
            if security is not None:
                operation["security"] = security
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for model in _FAILURES:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def openapi_document(
    routes: Iterable[BaseRoute], *, region: str | None, server_url: str, version: str
) -> dict[str, Any]:
    """The document of the main port (``region`` None) or of one region's port."""
    prefixes = REGION_PREFIXES if region else MAIN_PREFIXES
    if region:
        title = f"Huawei Cloud MSGSMS and SMSApi emulator: {region}"
        description = (
            f"The MSGSMS management API and the SMSApi send API of {region}. IAM and the "
            "admin API are on the main port."
        )
    else:
        title = "Huawei Cloud IAM emulator and its admin API"
        description = (
            "IAM (tokens, projects) and the emulator's admin API (loopback clients only). "
            "Each region's MSGSMS and SMSApi are on the region's own port."
        )
    document = get_openapi(
        title=title,
        version=version,
        description=description,
        routes=[route for route in iter_route_contexts(list(routes)) if _served(route, prefixes)],
        servers=[{"url": server_url}],
    )
    return _complete(document)


_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
code { font-size: 0.95em; }
.method { font-weight: bold; }
"""


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _schema_name(schema: Mapping[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " | ".join(_schema_name(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items', {}))}"
    return str(schema.get("type", "object"))


def _operation_rows(path: str, method: str, operation: Mapping[str, Any]) -> str:
    parameters = ", ".join(
        f"<code>{_text(p['name'])}</code> ({_text(p['in'])}"
        f"{', required' if p.get('required') else ''})"
        for p in operation.get("parameters", [])
    )
    body = operation.get("requestBody")
    if body:
        media = ", ".join(
            f"{_text(kind)}: <code>{_text(_schema_name(content.get('schema', {})))}</code>"
            for kind, content in body.get("content", {}).items()
        )
        parameters = f"{parameters}<br>body {media}" if parameters else f"body {media}"
    answers = ", ".join(_text(status) for status in operation.get("responses", {}))
    security = operation.get("security")
    schemes = (
        "none"
        if security == []
        else " or ".join(" + ".join(option) for option in security)
        if security
        else "-"
    )
    summary = operation.get("summary") or operation.get("operationId", "")
    description = (operation.get("description") or "").strip().split("\n\n")[0]
    return (
        f"<tr><td class=method>{_text(method.upper())}</td><td><code>{_text(path)}</code></td>"
        f"<td>{_text(summary)}<br>{_text(description)}</td><td>{parameters}</td>"
        f"<td>{answers}</td><td>{_text(schemes)}</td></tr>"
    )


def docs_page(document: Mapping[str, Any]) -> str:
    """A self-contained HTML page listing every operation of ``document``."""
    info = document.get("info", {})
    rows = "\n".join(
        _operation_rows(path, method, operation)
        for path, operations in document.get("paths", {}).items()
        for method, operation in operations.items()
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{_text(info.get('title', ''))}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_text(info.get('title', ''))}</h1><p>{_text(info.get('description', ''))}</p>"
        '<p>The OpenAPI document of this port: <a href="/openapi.json">/openapi.json</a> '
        "(load it in any OpenAPI tool or client generator).</p>"
        "<table><tr><th>method</th><th>path</th><th>operation</th><th>input</th>"
        f"<th>answers</th><th>authentication</th></tr>\n{rows}\n</table></body></html>\n"
    )
