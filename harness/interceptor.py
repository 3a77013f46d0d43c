"""An HTTP proxy in front of the emulator that holds or cuts chosen requests, so a test can stop
a client at an exact point of its conversation with the API: before a request reaches the
service, after the service has done it but before the client hears the answer, or with the
answer lost.

One listener per upstream base URL (the emulator tells regions apart by the port a request
arrives on); requests are forwarded unchanged, ``Host`` included, so signed requests stay
valid. Every request is logged. Listeners bind 127.0.0.1 on free ports and stop with
:meth:`Interceptor.close`, which also lets every held request go without an answer.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

__all__ = ["Action", "Interceptor", "Rule"]

#: ``hold``: keep the request from the service until released; ``hold-answer``: let the
#: service do it, keep the answer from the client until released; ``drop-answer``: let the
#: service do it, then close the connection without an answer.
Action = Literal["hold", "hold-answer", "drop-answer"]

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}
WAIT_SECONDS = 120.0


@dataclass
class Rule:
    """What to do with the next ``times`` requests whose method and path match."""

    method: str
    path: re.Pattern[str]
    action: Action
    times: int = 1
    hits: list[str] = field(default_factory=list)
    matched: threading.Event = field(default_factory=threading.Event)
    _release: threading.Event = field(default_factory=threading.Event)

    def applies(self, method: str, path: str) -> bool:
        return method == self.method and bool(self.path.search(path)) and self.times > 0

    def wait(self, timeout: float = WAIT_SECONDS) -> str:
        """Wait until a request met this rule; its ``METHOD path``."""
        if not self.matched.wait(timeout):
            raise AssertionError(f"no {self.method} request matching {self.path.pattern!r}")
        return self.hits[0]

    def release(self) -> None:
        """Let held requests (and answers) go on."""
        self._release.set()


class Interceptor:
    """Proxies for ``upstreams`` (base URLs); :meth:`url` maps an upstream URL to its proxy."""

    def __init__(self, upstreams: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._closed = threading.Event()
        self.log: list[tuple[str, str, int | None]] = []
        self._servers: list[ThreadingHTTPServer] = []
        self._urls: dict[str, str] = {}
        for upstream in dict.fromkeys(upstreams):
            server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(upstream))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)
            self._urls[upstream.rstrip("/")] = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, upstream: str) -> str:
        return self._urls[upstream.rstrip("/")]

    def endpoints(self, endpoints: Mapping[str, Any]) -> dict[str, Any]:
        """An ``msgsms:endpoints`` setting with every URL replaced by its proxy."""

        def swap(value: Any) -> Any:
            if isinstance(value, str):
                return self._urls.get(value.rstrip("/"), value)
            if isinstance(value, Mapping):
                return {k: swap(v) for k, v in value.items()}
            return value

        result: dict[str, Any] = swap(endpoints)
        return result

    def on(self, method: str, path: str, action: Action, *, times: int = 1) -> Rule:
        """Apply ``action`` to the next ``times`` ``method`` requests whose path matches the
        regular expression ``path``."""
        rule = Rule(method, re.compile(path), action, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def requests(self, method: str | None = None, path: str = "") -> list[str]:
        """``METHOD path`` of the requests seen so far (optionally filtered)."""
        with self._lock:
            return [
                f"{m} {p}"
                for m, p, _ in self.log
                if (method is None or m == method) and re.search(path, p)
            ]

    def close(self) -> None:
        """Stop listening; held requests end without an answer (and unforwarded)."""
        self._closed.set()
        with self._lock:
            for rule in self._rules:
                rule.release()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Interceptor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the proxy --

    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.applies(method, path):
                    rule.times -= 1
                    rule.hits.append(f"{method} {path}")
                    return rule
        return None

    def _wait(self, rule: Rule) -> bool:
        """Hold until released; False when the interceptor closed meanwhile."""
        rule.matched.set()
        while not rule._release.wait(0.05):
            if self._closed.is_set():
                return False
        return not self._closed.is_set()

    def _handler(self, upstream: str) -> type[BaseHTTPRequestHandler]:
        interceptor = self
        target = urlsplit(upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _proxy(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                rule = interceptor._rule_for(self.command, path)
                if rule is not None and rule.action == "hold" and not interceptor._wait(rule):
                    self.close_connection = True
                    return
                answer = interceptor._forward(target, self.command, self.path, self.headers, body)
                with interceptor._lock:
                    interceptor.log.append((self.command, path, answer[0]))
                if rule is not None and rule.action == "drop-answer":
                    rule.matched.set()
                    self.close_connection = True
                    return
                held = rule is not None and rule.action == "hold-answer"
                if held and rule is not None and not interceptor._wait(rule):
                    self.close_connection = True
                    return
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _proxy

        return Handler

    @staticmethod
    def _forward(
        target: Any, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            if body:
                forwarded["Content-Length"] = str(len(body))
            connection.request(method, path, body=body or None, headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()
