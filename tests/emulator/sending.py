"""Test support for the send side: apps ready to send, a send client, a callback receiver.

* :func:`ready_app` provisions an app with an approved signature per type, through the
  management API and the emulator's own review; :func:`approved_template` adds templates.
* :class:`SendApi` posts to ``/sms/...`` of a region, authenticated with WSSE (written here
  from the reference, not taken from any product code) or an app-level AK/SK signature made
  by Huawei's own signer.
* :class:`Receiver` is a real HTTP server on 127.0.0.1 (a free port) that records the status
  reports and uplink messages POSTed to it, and can fail or drop its first requests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import httpx
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdksmsapi.v1.smsapi_credentials import SMSApiCredentials

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi

__all__ = [
    "WAIT_SECONDS",
    "ReadyApp",
    "Received",
    "Receiver",
    "SendApi",
    "approved_template",
    "callbacks",
    "configure",
    "eventually",
    "messages",
    "ready_app",
    "result_code",
    "results",
    "settled_callbacks",
    "wsse_headers",
]

#: Upper bound on waiting for something asynchronous (reviews, callbacks); never a pass mark.
WAIT_SECONDS = 30.0
Scheme = Literal["wsse", "aksk"]


def eventually(check: Any, what: str, timeout: float = WAIT_SECONDS) -> Any:
    """Poll ``check()`` until it returns something truthy; fail with ``what`` at the bound."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


# ---- apps, signatures and templates ready to send ----------------------------------------------


@dataclass
class ReadyApp:
    """An app and its approved signatures (``channels`` by signature type)."""

    id: str
    app_key: str
    app_secret: str
    scope: str
    channels: dict[str, str] = field(default_factory=dict)
    signature_ids: dict[str, str] = field(default_factory=dict)
    intl_channel: str | None = None

    @property
    def channel(self) -> str:
        return self.channels["NOTIFY_TYPE"]


def _approved(api: RawApi, kind: str, object_id: str) -> dict[str, Any]:
    def decided() -> dict[str, Any] | None:
        shown = api.ok("GET", f"/{kind}/{object_id}")
        state = shown["status"] if kind == "signatures" else shown["flow_status"]
        return shown if state in ("REVIEW_PROCESSING_COMPLETED", "Adopted") else None

    return dict(eventually(decided, f"the review of {kind[:-1]} {object_id}"))


def ready_app(
    api: RawApi,
    *,
    name: str = "shop",
    scope: str = "cn",
    signature: str = "云商城",
    types: tuple[str, ...] = ("NOTIFY_TYPE",),
    **fields: Any,
) -> ReadyApp:
    """A new app with one approved signature (named ``signature``) per type in ``types``."""
    created = api.create_app(name, scope, **fields)
    shown = api.ok("GET", f"/apps/{created['id']}")
    app = ReadyApp(
        id=created["id"],
        app_key=created["app_key"],
        app_secret=created["app_secret"],
        scope=scope,
        intl_channel=shown["intl_channel_num"],
    )
    for kind in types if scope == "cn" else ():
        signature_id = api.create_signature(app.id, signature, kind)["id"]
        app.signature_ids[kind] = signature_id
        app.channels[kind] = _approved(api, "signatures", signature_id)["channel_num"]
    return app


def approved_template(
    api: RawApi,
    app: ReadyApp,
    content: str,
    variables: list[str] | tuple[str, ...] = (),
    *,
    kind: str = "NOTIFY_TYPE",
    name: str | None = None,
    **fields: Any,
) -> str:
    """The ``template_id`` of a new template once review approved it."""
    attributes = []
    for index, kind_of_variable in enumerate(variables, start=1):
        attribute = {"variable_index": index, "variable_type": kind_of_variable}
        if kind_of_variable == "TEXT":
            attribute["variable_desc"] = "text"
        attributes.append(attribute)
    extra: dict[str, Any] = {"variable_attributes": attributes, **fields}
    if app.scope == "intl":
        extra.setdefault("send_country", [44])
        extra["region"] = "intl"
        sign_id = None
    else:
        sign_id = None if fields.get("universal_template") else app.signature_ids[kind]
    created = api.create_template(
        app.id, sign_id, content, kind, name or f"t{uuid.uuid4().hex[:8]}", **extra
    )
    return str(_approved(api, "templates", created["id"])["template_id"])


# ---- sending ------------------------------------------------------------------------------------


def wsse_headers(
    app_key: str,
    app_secret: str,
    *,
    created: datetime | None = None,
    nonce: str | None = None,
    raw_digest: bool = False,
) -> dict[str, str]:
    """WSSE as the reference describes it: Base64 of SHA-256(Nonce + Created + secret).

    Huawei's samples Base64 the hex digest string (the default); ``raw_digest`` Base64s the raw
    32 bytes, the other reading of the documented formula.
    """
    nonce = nonce or uuid.uuid4().hex
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hashlib.sha256((nonce + stamp + app_secret).encode())
    encoded = digest.digest() if raw_digest else digest.hexdigest().encode()
    password = base64.b64encode(encoded).decode()
    return {
        "Authorization": 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"',
        "X-WSSE": (
            f'UsernameToken Username="{app_key}",PasswordDigest="{password}",'
            f'Nonce="{nonce}",Created="{stamp}"'
        ),
    }


class SendApi:
    """``/sms/...`` of one region, as an app (WSSE by default, or app-level AK/SK)."""

    def __init__(
        self, emu: EmulatorProcess, region: str = "cn-north-4", clock_offset: float = 0.0
    ) -> None:
        self.base = emu.region(region)["smsapi_url"]
        #: Seconds the emulator's clock is ahead; WSSE and signatures are dated by that clock.
        self.clock_offset = clock_offset

    def post(
        self,
        path: str,
        app: ReadyApp | None,
        *,
        form: dict[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        scheme: Scheme = "wsse",
    ) -> httpx.Response:
        """POST ``path`` (``batchSendSms`` or ``batchSendDiffSms``); ``headers`` override auth."""
        body = content or b""
        kind = content_type
        if form is not None:
            body = urlencode(form).encode()
            kind = kind or "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
            kind = kind or "application/json"
        all_headers = {"Content-Type": kind} if kind else {}
        url = f"{self.base}/sms/{path}/v1"
        now = datetime.now(UTC) + timedelta(seconds=self.clock_offset)
        if app is not None and scheme == "wsse":
            all_headers.update(wsse_headers(app.app_key, app.app_secret, created=now))
        elif app is not None:
            request = SdkRequest(
                method="POST",
                schema="http",
                host=self.base.split("://", 1)[1],
                resource_path=f"/sms/{path}/v1",
                query_params=[],
                header_params={**all_headers, "X-Sdk-Date": now.strftime("%Y%m%dT%H%M%SZ")},
                body=body,
            )
            Signer(SMSApiCredentials(app.app_key, app.app_secret)).sign(request)
            all_headers = dict(request.header_params)
        all_headers.update(headers or {})
        return httpx.post(url, content=body, headers=all_headers, timeout=30.0)

    def batch(self, app: ReadyApp | None, **form: str) -> httpx.Response:
        """batchSendSms with form fields; ``from_`` stands for ``from``."""
        if "from_" in form:
            form["from"] = form.pop("from_")
        return self.post("batchSendSms", app, form=form)

    def diff(self, app: ReadyApp | None, body: dict[str, Any]) -> httpx.Response:
        return self.post("batchSendDiffSms", app, json_body=body)


def result_code(response: httpx.Response) -> str:
    """The send API's ``code``, after checking the body's shape."""
    body = response.json()
    assert response.headers.get("X-Request-Id"), "every response carries X-Request-Id"
    assert isinstance(body.get("code"), str) and isinstance(body.get("description"), str), body
    return str(body["code"])


# ---- a callback receiver ------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    path: str
    content_type: str
    form: dict[str, str]
    fields: list[tuple[str, str]]


class _Server(ThreadingHTTPServer):
    # The emulator posts callbacks concurrently; the default backlog of 5 would drop SYNs.
    request_queue_size = 128
    daemon_threads = True


class Receiver:
    """A local HTTP server recording POSTs; the first ``fail_first`` answer ``fail_status``,
    the first ``drop_first`` are cut off without an answer. Stops when the ``with`` block ends.
    """

    def __init__(self, *, fail_first: int = 0, fail_status: int = 500, drop_first: int = 0):
        self.received: list[Received] = []
        self.attempts = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                with receiver._lock:
                    receiver.attempts += 1
                    attempt = receiver.attempts
                if attempt <= drop_first:
                    self.close_connection = True
                    self.connection.close()
                    return
                if attempt <= drop_first + fail_first:
                    self.send_response(fail_status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                fields = parse_qsl(raw, keep_blank_values=True)
                with receiver._lock:
                    receiver.received.append(
                        Received(
                            self.path, self.headers.get("Content-Type", ""), dict(fields), fields
                        )
                    )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def wait_for(self, count: int, what: str = "callbacks") -> list[Received]:
        """The first ``count`` requests received, waiting for them if need be."""

        def enough() -> list[Received] | None:
            with self._lock:
                return list(self.received) if len(self.received) >= count else None

        return list(eventually(enough, f"{count} {what} at {self.url}"))


def messages(emu: EmulatorProcess) -> list[dict[str, Any]]:
    response = emu.admin.get("/messages")
    response.raise_for_status()
    return list(response.json())


def callbacks(emu: EmulatorProcess, kind: str | None = None) -> list[dict[str, Any]]:
    response = emu.admin.get("/callbacks", params={"kind": kind} if kind else {})
    response.raise_for_status()
    return list(response.json())


def settled_callbacks(emu: EmulatorProcess, kind: str | None = None) -> list[dict[str, Any]]:
    """The callbacks once none is pending: a receiver sees a request before its sender has
    recorded the answer.
    """

    def settled() -> list[dict[str, Any]] | None:
        listed = callbacks(emu, kind)
        return listed if all(c["state"] != "pending" for c in listed) else None

    return list(eventually(settled, "callbacks to settle"))


def configure(emu: EmulatorProcess, **settings: Any) -> dict[str, Any]:
    response = emu.admin.put("/sending", json=settings)
    assert response.status_code == 200, response.text
    return dict(response.json())


def results(response: httpx.Response) -> list[dict[str, Any]]:
    """The per-number results of an answered send (HTTP 200, whatever the code)."""
    assert response.status_code == 200, response.text
    return list(response.json()["result"])
