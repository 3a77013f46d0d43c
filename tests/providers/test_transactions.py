"""Create never leaves a duplicate nor an orphan, in-process against a scripted transport:
failures the emulator cannot stage at a chosen moment (an answer lost before the write)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.client import TransportError
from providers.resources import SignatureProvider
from providers.resources.base import MAX_CREATE_ATTEMPTS
from tests.support.scripted import SIGNATURE_INPUTS, answer, scripted

SIGNATURE = {
    "id": "sig-1",
    "signature_name": "云商城",
    "signature_type": "NOTIFY_TYPE",
    "status": "PENDING_REVIEW",
    "app_key": "key-1",
}

Script = Callable[[httpx.Request, list[str]], httpx.Response]


def provider(script: Script) -> tuple[SignatureProvider, list[str]]:
    """A signature provider whose client talks to ``script`` (no retries, no waiting)."""
    calls: list[str] = []
    return scripted(SignatureProvider, lambda request: script(request, calls), calls)


def test_a_create_is_its_post_and_an_outage_after_it_cannot_orphan_the_object() -> None:
    """Nothing is read back: once the answer is in, the object is the stack's, whatever the
    API does next."""

    def script(request: httpx.Request, calls: list[str]) -> httpx.Response:
        if request.method == "POST":
            return answer({"id": "sig-1", "signature_id": "biz-1"})
        return answer({"error_code": "MSGSMS.0001", "error_msg": "boom"}, 500)

    instance, calls = provider(script)
    result = instance.create(dict(SIGNATURE_INPUTS))
    assert calls == ["POST /signatures"]
    outs = result.outs or {}
    assert result.id == "sig-1" and outs["signature_id"] == "biz-1"
    assert (outs["status"], outs["review_state"]) == ("PENDING_REVIEW", "pending")
    assert outs["submitted_at"]


def test_an_answer_lost_before_the_write_is_looked_up_then_sent_again() -> None:
    def script(request: httpx.Request, calls: list[str]) -> httpx.Response:
        posts = calls.count("POST /signatures")
        if request.method == "POST" and posts == 1:
            raise httpx.ReadError("connection reset", request=request)
        if request.method == "POST":
            return answer({"id": "sig-1"})
        if request.url.path.endswith("/signatures"):  # the lookup: nothing was created
            return answer({"results": [], "total": 0})
        return answer(SIGNATURE)

    instance, calls = provider(script)
    result = instance.create(dict(SIGNATURE_INPUTS))
    assert result.id == "sig-1"
    assert calls == ["POST /signatures", "GET /signatures", "POST /signatures"]


def test_a_create_that_keeps_failing_gives_up_after_bounded_attempts() -> None:
    def script(request: httpx.Request, calls: list[str]) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ReadError("connection reset", request=request)
        return answer({"results": [], "total": 0})

    instance, calls = provider(script)
    with pytest.raises(TransportError):
        instance.create(dict(SIGNATURE_INPUTS))
    assert calls.count("POST /signatures") == MAX_CREATE_ATTEMPTS


def test_a_lost_answer_takes_the_signature_only_if_it_belongs_to_the_app() -> None:
    def script(request: httpx.Request, calls: list[str]) -> httpx.Response:
        if request.method == "POST" and calls.count("POST /signatures") == 1:
            raise httpx.ReadError("connection reset", request=request)
        if request.method == "POST":
            return answer({"id": "sig-2"})
        if request.url.path.endswith("/signatures"):
            return answer({"results": [{**SIGNATURE, "app_key": "someone-else"}], "total": 1})
        if request.url.path.endswith("/apps/app-1"):
            return answer({"id": "app-1", "app_key": "key-1"})
        return answer({**SIGNATURE, "id": "sig-2"})

    instance, calls = provider(script)
    assert instance.create(dict(SIGNATURE_INPUTS)).id == "sig-2"
    assert calls.count("POST /signatures") == 2
