"""The API gateway in front of the app: what Huawei's APIG does before a service sees a request.

For every HTTP request it assigns the ``X-Request-Id``, works out from the local port which
listener was hit (main: IAM and admin; a region: MSGSMS and SMSApi) and refuses paths that
listener does not serve. For API requests it then applies the fault plan, authenticates
(MSGSMS and IAM here; other APIs register an authenticator in :data:`Gateway.authenticators`)
and records the request in the request log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Callable

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import AuthenticationFailed, SignedRequest
from .errors import AdminError, EmulatorError, GatewayError, IamError, MsgsmsError
from .reqlog import LoggedRequest
from .state import EmulatorState

__all__ = [
    "COMMON_PATHS",
    "MAIN_PREFIXES",
    "MAX_BODY_BYTES",
    "REGION_PREFIXES",
    "Gateway",
    "authenticate_iam",
    "authenticate_msgsms",
    "signed_request",
]

logger = logging.getLogger("emulator")

#: The gateway refuses bodies above 12 MB (reference §3.2, APIG.0201).
MAX_BODY_BYTES = 12 * 1024 * 1024
#: Paths every port serves; the API prefixes the main port and the region ports serve.
COMMON_PATHS = ("/health", "/openapi.json", "/docs", "/redoc")
MAIN_PREFIXES = ("/v3/", "/_emulator/")
REGION_PREFIXES = ("/v2/", "/sms/")
_MSGSMS_PATH = re.compile(r"^/v2/(?P<project>[^/]*)/")
_LOOPBACK = ("127.", "::1", "localhost")

Authenticator = Callable[[EmulatorState, SignedRequest, Scope], None]


def signed_request(scope: Scope, body: bytes) -> SignedRequest:
    """The request as the signature verifier sees it."""
    headers = []
    for raw_name, raw_value in scope["headers"]:
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = raw_value.decode("latin-1")
        headers.append((raw_name.decode("latin-1").lower(), value))
    return SignedRequest(
        method=scope["method"],
        path=scope["path"],
        query=scope["query_string"].decode("latin-1"),
        headers=headers,
        body=body,
    )


def authenticate_msgsms(state: EmulatorState, request: SignedRequest, scope: Scope) -> None:
    """A project-scoped token for the path's project, or an AK/SK signature (reference §1.1)."""
    region = scope["state"]["region"]
    project = state.account.projects[region]
    match = _MSGSMS_PATH.match(request.path)
    path_project = match["project"] if match else ""
    token = request.header("x-auth-token")
    if token:
        granted = state.tokens.verify(token)
        if granted.project_id is None:
            raise AuthenticationFailed(
                "The token type is incorrect. The token of the project type must be used."
            )
        if granted.project_id != path_project:
            raise AuthenticationFailed(
                f"the token is scoped to project {granted.project_id}, not {path_project}"
            )
    elif request.header("authorization"):
        state.aksk.verify(request)
        header_project = request.header("x-project-id")
        if header_project and header_project != path_project:
            raise AuthenticationFailed(
                f"X-Project-Id {header_project} differs from the project in the path"
            )
    else:
        raise AuthenticationFailed("x-auth-token not found")
    if path_project != project.id:
        raise AuthenticationFailed(f"project {path_project} is not a project of {region}")


def authenticate_iam(state: EmulatorState, request: SignedRequest, scope: Scope) -> None:
    """Token creation takes a password in the body; every other IAM call needs credentials."""
    if request.path.rstrip("/") == "/v3/auth/tokens":
        return
    token = request.header("x-auth-token")
    if token:
        state.tokens.verify(token)
    elif request.header("authorization"):
        state.aksk.verify(request)
    else:
        raise AuthenticationFailed("x-auth-token not found")


class Gateway:
    """ASGI middleware wrapping the whole emulator app."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state
        self.authenticators: dict[str, Authenticator] = {
            "msgsms": authenticate_msgsms,
            "iam": authenticate_iam,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        server = scope.get("server")
        region = self.state.listeners.region_of_port(server[1] if server else None)
        scope.setdefault("state", {}).update(request_id=request_id, region=region)
        send = _with_request_id(send, request_id)
        path: str = scope["path"]
        if path in COMMON_PATHS or path.startswith("/docs/"):
            await self._run(scope, receive, send)
            return
        allowed = REGION_PREFIXES if region else MAIN_PREFIXES
        if not path.startswith(allowed):
            await _respond(send, GatewayError.not_found(), request_id)
            return
        if path.startswith("/_emulator/"):
            client = scope.get("client")
            if not client or not str(client[0]).startswith(_LOOPBACK):
                refusal = AdminError("the admin API is loopback-only", status_code=403)
                await _respond(send, refusal, request_id)
                return
            await self._run(scope, receive, send)
            return
        api = (
            "iam" if path.startswith("/v3/") else "msgsms" if path.startswith("/v2/") else "smsapi"
        )
        await self._api_request(api, scope, receive, send)

    async def _api_request(self, api: str, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state
        started = state.clock.now()
        status: list[int] = []
        fault: str | None = None
        logged: list[bool] = []

        async def log_request() -> None:
            if logged:
                return
            logged.append(True)
            entry = LoggedRequest(
                time=started,
                api=api,
                region=scope["state"]["region"],
                method=scope["method"],
                path=scope["path"],
                query=scope["query_string"].decode("latin-1"),
                status=status[0] if status else 0,
                request_id=scope["state"]["request_id"],
                fault=fault,
            )
            await anyio.to_thread.run_sync(state.requests.record, entry)

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                # Logged before the client can see any of the answer, so that a client that
                # holds its response always finds its request in the log.
                await log_request()
            await send(message)

        plan = state.faults.plan(api)
        if plan.latency_seconds:
            await asyncio.sleep(plan.latency_seconds)
        try:
            if plan.error_status is not None:
                fault = "error"
                error = _injected_error(
                    api, plan.error_status, state.faults.config.retry_after_seconds
                )
                await _respond(recording_send, error, scope["state"]["request_id"])
                return
            body = await _read_body(receive)
            authenticate = self.authenticators.get(api)
            if authenticate is not None:
                request = signed_request(scope, body)
                try:
                    await anyio.to_thread.run_sync(authenticate, state, request, scope)
                except AuthenticationFailed as failure:
                    raise GatewayError.unauthorized(str(failure)) from None
            target: Send = recording_send
            if plan.drop:
                fault = "dropped"
                target = _dropping(recording_send)
            await self._run(scope, _replay(body, receive), target)
        except EmulatorError as error:
            if not status:
                await _respond(recording_send, error, scope["state"]["request_id"])
        finally:
            await log_request()

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started: list[bool] = []

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.append(True)
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # The app's handler has already logged it and, normally, answered.
            if not started:
                logger.exception("unhandled error before a response")
                error = MsgsmsError.internal("unexpected error; see the emulator's stderr")
                await _respond(send, error, scope["state"]["request_id"])


def _injected_error(api: str, status: int, retry_after: int) -> EmulatorError:
    if status == 429:
        error: EmulatorError = GatewayError("APIG.0308", 429, "injected fault")
        error.headers["Retry-After"] = str(retry_after)
        return error
    if status == 500 and api == "msgsms":
        return MsgsmsError.internal("injected fault")
    if status == 500 and api == "iam":
        return IamError("injected fault", status_code=500)
    reason = "Backend timeout" if status == 504 else "Backend unavailable"
    return GatewayError("APIG.0201", status, f"{reason} (injected fault)")


def _with_request_id(send: Send, request_id: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"x-request-id" for name, _ in headers):
                headers.append((b"x-request-id", request_id.encode()))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _dropping(send: Send) -> Send:
    """Send the status line and headers, then nothing: the server closes the connection."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send(message)

    return wrapped


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise GatewayError("APIG.0201", 413, "Request entity too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the app the body the gateway already read, then the server's own messages."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying


async def _respond(send: Send, error: EmulatorError, request_id: str) -> None:
    body = json.dumps(error.payload(request_id), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json;charset=UTF-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers.extend((k.lower().encode(), v.encode()) for k, v in error.headers.items())
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
