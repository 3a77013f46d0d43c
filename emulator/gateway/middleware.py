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
import uuid
from typing import TYPE_CHECKING

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..admin.errors import AdminError
from ..core.errors import EmulatorError
from ..iam.errors import IamError
from ..msgsms.errors import MsgsmsError
from .auth import Authenticator, authenticate_iam, authenticate_msgsms, signed_request
from .errors import AuthenticationFailed, GatewayError
from .reqlog import LoggedRequest

if TYPE_CHECKING:
    from ..state import EmulatorState

__all__ = ["COMMON_PATHS", "MAIN_PREFIXES", "MAX_BODY_BYTES", "REGION_PREFIXES", "Gateway"]

logger = logging.getLogger("emulator")

#: The gateway refuses bodies above 12 MB (reference §3.2, APIG.0201).
MAX_BODY_BYTES = 12 * 1024 * 1024
#: Paths every port serves; the API prefixes the main port and the region ports serve.
COMMON_PATHS = ("/health", "/openapi.json", "/docs", "/redoc")
MAIN_PREFIXES = ("/v3/", "/_emulator/")
REGION_PREFIXES = ("/v2/", "/sms/")
_LOOPBACK = ("127.", "::1", "localhost")


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
        if path in COMMON_PATHS:
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
