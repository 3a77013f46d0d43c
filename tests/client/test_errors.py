"""HTTP failures become one exception tree, with the service's code, message, request id and
a hint; nothing secret ever shows."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.client import (
    ApiError,
    AuthError,
    ConflictError,
    InvalidResponseError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TransportError,
)
from providers.client.errors import api_error_from_response

from .conftest import PASSWORD, Harness

REQUEST = httpx.Request("GET", "https://msgsms.cn-north-4.myhuaweicloud.com/v2/p/msgsms/apps/x")


def translate(status: int, **kwargs: object) -> ApiError:
    response = httpx.Response(status, request=REQUEST, **kwargs)  # type: ignore[arg-type]
    return api_error_from_response(response, path=REQUEST.url.path)


@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (400, {"error_code": "MSGSMS.0006", "error_msg": "dup"}, ConflictError, "MSGSMS.0006"),
        (400, {"error_code": "MSGSMS.0007", "error_msg": "x"}, ConflictError, "MSGSMS.0007"),
        (400, {"error_code": "MSGSMS.0014", "error_msg": "x"}, NotFoundError, "MSGSMS.0014"),
        (404, {"error_code": "APIG.0101", "error_msg": "x"}, NotFoundError, "APIG.0101"),
        (401, {"error_code": "APIG.0301", "error_msg": "x"}, AuthError, "APIG.0301"),
        (403, {"error_code": "APIGW.0302", "error_msg": "x"}, AuthError, "APIGW.0302"),
        (429, {"error_code": "APIG.0308", "error_msg": "slow"}, ThrottledError, "APIG.0308"),
        (500, {"error_code": "MSGSMS.0001", "error_msg": "x"}, ServerError, "MSGSMS.0001"),
        (400, {"code": "E000020", "description": "no X-WSSE"}, AuthError, "E000020"),
        (400, {"code": "E000503", "description": "bad"}, ApiError, "E000503"),
        (
            401,
            {"error": {"code": 401, "message": "wrong password", "title": "x"}},
            AuthError,
            "401",
        ),
        (400, {"errorCode": "MSGSMS.0002", "errorMsg": "bad"}, ApiError, "MSGSMS.0002"),
    ],
)
def test_error_bodies_of_every_shape_are_translated(
    status: int, body: dict, cls: type[ApiError], code: str
) -> None:
    error = translate(status, json=body)
    assert type(error) is cls
    assert error.status == status
    assert error.error_code == code


def test_request_id_comes_from_the_header_else_the_body() -> None:
    with_header = translate(
        400, json={"error_code": "MSGSMS.0002", "error_msg": "m"}, headers={"X-Request-Id": "r1"}
    )
    assert with_header.request_id == "r1"
    in_body = translate(401, json={"error_code": "APIG.0301", "error_msg": "m", "request_id": "r2"})
    assert in_body.request_id == "r2"


def test_message_shows_code_text_detail_request_id_and_a_hint_for_known_codes() -> None:
    error = translate(
        400,
        json={
            "error_code": "MSGSMS.0010",
            "error_msg": "Template not allow to update",
            "error_detail": "template t1 is Adopted",
        },
        headers={"X-Request-Id": "req-42"},
    )
    text = str(error)
    assert text.startswith("GET /v2/p/msgsms/apps/x: HTTP 400 MSGSMS.0010")
    assert "Template not allow to update (template t1 is Adopted)" in text
    assert error.error_detail == "template t1 is Adopted"
    assert "(request id req-42)" in text
    assert "Hint: only a rejected template can be changed" in text


def test_gateway_codes_share_hints_in_both_spellings() -> None:
    assert (
        translate(401, json={"error_code": "APIGW.0301", "error_msg": ""}).hint
        == translate(401, json={"error_code": "APIG.0301", "error_msg": ""}).hint
    )


def test_a_non_json_error_keeps_its_text_and_status_as_code() -> None:
    error = translate(502, text="<html>Bad Gateway</html>")
    assert isinstance(error, ServerError)
    assert error.error_code == "502"
    assert error.error_msg == "<html>Bad Gateway</html>"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert translate(429, headers={"Retry-After": "3"}).retry_after == 3.0
    assert translate(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}).retry_after == 0
    assert translate(429).retry_after is None


def test_transport_failures_are_translated(harness: Callable[..., Harness]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    h = harness(refuse, retry={"attempts": 1})
    with pytest.raises(TransportError) as caught:
        h.client.show_app("a1")
    assert "no response (ReadTimeout: timed out)" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_a_success_answer_that_breaks_the_contract_is_an_invalid_response(
    harness: Callable[..., Harness],
) -> None:
    h = harness(lambda r: httpx.Response(200, json={"app_name": "no id"}))
    with pytest.raises(InvalidResponseError, match="unexpected HTTP 200 answer"):
        h.client.show_app("a1")


def test_no_secret_in_any_error_even_when_iam_refuses_the_password(
    harness: Callable[..., Harness],
) -> None:
    def iam_refuses(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401, json={"error": {"code": 401, "message": "The username or password is wrong."}}
        )

    h = harness(iam_refuses, PASSWORD)
    with pytest.raises(AuthError) as caught:
        h.client.show_app("a1")
    error = caught.value
    rendered = f"{error}{error!r}{error.__dict__}{error.__cause__!r}{error.__context__!r}"
    assert "PW-TEST-SECRET" not in rendered
    assert "The username or password is wrong." in str(error)
    assert h.paths() == ["POST /v3/auth/tokens"]
