"""Providers in-process against a scripted transport: for failures that have to come at a
chosen moment (an answer lost before the write, an outage between create and read-back),
which a real emulator cannot stage as precisely."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from providers.client import RetryPolicy, Settings, SmsClient
from providers.resources.base import MsgsmsProvider

__all__ = ["BASE", "CONFIG", "PROJECT", "SIGNATURE_INPUTS", "answer", "scripted"]

PROJECT = "0123456789abcdef0123456789abcdef"
CONFIG = {"accessKey": "AK", "secretKey": "SK", "projectIds": {"cn-north-4": PROJECT}}
BASE = f"/v2/{PROJECT}/msgsms"
#: A signature's inputs as the engine sends them (numbers as floats).
SIGNATURE_INPUTS = {
    "region": "cn-north-4",
    "app_id": "app-1",
    "signature_name": "云商城",
    "signature_type": "NOTIFY_TYPE",
    "signature_source": 0.0,
    "is_involved_third": "No",
}

P = TypeVar("P", bound=MsgsmsProvider)


def scripted(
    provider_class: type[P],
    script: Callable[[httpx.Request], httpx.Response],
    calls: list[str] | None = None,
) -> tuple[P, list[str]]:
    """A provider whose client talks to ``script`` without retrying, and the calls it made
    (``METHOD /path`` below the project's ``/msgsms``), appended to ``calls`` when given."""
    made = calls if calls is not None else []

    def handle(request: httpx.Request) -> httpx.Response:
        made.append(f"{request.method} {request.url.path.removeprefix(BASE)}")
        return script(request)

    provider = provider_class()
    provider._connection._client = SmsClient(
        Settings.from_config(CONFIG, environ={}),
        transport=httpx.MockTransport(handle),
        retry=RetryPolicy(attempts=1),
    )
    return provider, made


def answer(body: Any, status: int = 200) -> httpx.Response:
    """A JSON answer."""
    return httpx.Response(status, content=json.dumps(body).encode())
