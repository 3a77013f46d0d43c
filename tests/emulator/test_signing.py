"""The AK/SK verifier and the token service, without a server."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from emulator.core.clock import Clock
from emulator.core.store import Store
from emulator.gateway.errors import AuthenticationFailed
from emulator.gateway.signing import (
    EMPTY_PAYLOAD_SHA256,
    AkskVerifier,
    SignedRequest,
    SigningKey,
    canonical_query,
    canonical_request,
    canonical_uri,
    compute_signature,
)
from emulator.iam.identity import IDENTITY_SCHEMA
from emulator.iam.tokens import TokenService

AK = "AKTESTEXAMPLE"
SK = "SKTESTEXAMPLESECRET"
DATE = "20240101T000000Z"
PROJECT = "0123456789abcdef0123456789abcdef"
HOST = "msgsms.cn-north-4.myhuaweicloud.com"


def _at(sdk_date: str) -> Clock:
    """A clock stopped at ``sdk_date``."""
    clock = Clock()
    moment = datetime.strptime(sdk_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    clock.offset_seconds = moment - Clock().now()
    return clock


def _request(
    method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> SignedRequest:
    return SignedRequest(
        method=method,
        path=path,
        query=query,
        headers=[(k.lower(), v) for k, v in headers.items()],
        body=body,
    )


# Reference §3.2 test vectors, produced by the official SDK's Signer.
CREATE_APP = _request(
    "POST",
    f"/v2/{PROJECT}/msgsms/apps",
    "",
    {
        "Content-Type": "application/json",
        "Host": HOST,
        "X-Project-Id": PROJECT,
        "X-Sdk-Date": DATE,
    },
    b'{"app_name": "demo", "region": "cn"}',
)


def test_reference_vector_canonical_request_of_create_app() -> None:
    signed = ["content-type", "host", "x-project-id", "x-sdk-date"]
    canonical = canonical_request(CREATE_APP, signed)
    assert canonical == (
        f"POST\n/v2/{PROJECT}/msgsms/apps/\n\n"
        f"content-type:application/json\nhost:{HOST}\nx-project-id:{PROJECT}\n"
        f"x-sdk-date:{DATE}\n\ncontent-type;host;x-project-id;x-sdk-date\n"
        "69480f033be6e50ee9c222dc5c17543ee93eeef2c429bc770ecb07e872286fc2"
    )
    assert (
        hashlib.sha256(canonical.encode()).hexdigest()
        == "5cafe48b2f2aabe9e839f1e604c3c68929aa83e61bb4de0bc108989ff3f07ac8"
    )
    assert compute_signature(SK, CREATE_APP, signed, DATE) == (
        "f48345bf1e38c85b5b50d51082beb21f568f93b575a663777335413b131685a4"
    )


def test_reference_vector_list_templates_with_query() -> None:
    request = _request(
        "GET",
        f"/v2/{PROJECT}/msgsms/templates",
        "app_name=a%20b&limit=10&offset=0",
        {"Content-Type": "application/json", "Host": HOST, "X-Sdk-Date": DATE},
        b"",
    )
    signed = ["content-type", "host", "x-sdk-date"]
    assert canonical_query("limit=10&offset=0&app_name=a%20b") == "app_name=a%20b&limit=10&offset=0"
    assert compute_signature(SK, request, signed, DATE) == (
        "249f68d90bd2bc2b6480bd5804929c8602bfe762b87a0102572782faffffc500"
    )


def test_reference_vector_unsigned_payload_form() -> None:
    request = _request(
        "POST",
        "/sms/batchSendSms/v1",
        "",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": "smsapi.cn-north-4.myhuaweicloud.com:443",
            "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD",
            "X-Sdk-Date": DATE,
        },
        b"from=x&to=%2B8618612345678&templateId=t",
    )
    signed = ["content-type", "host", "x-sdk-content-sha256", "x-sdk-date"]
    assert canonical_request(request, signed).endswith("\nUNSIGNED-PAYLOAD")
    assert compute_signature(SK, request, signed, DATE) == (
        "61198e9ea2e788ec1719ee9e96c3df116417bc90ca8f21eca4e0b2672511f54b"
    )


def test_canonical_uri_and_query_encoding() -> None:
    assert canonical_uri("/v2/p/msgsms/apps") == "/v2/p/msgsms/apps/"
    assert canonical_uri("/v2/p/msgsms/apps/") == "/v2/p/msgsms/apps/"
    assert canonical_uri("/a b/c~d") == "/a%20b/c~d/"
    # values are decoded then re-encoded; "+" is a literal plus, sorted by key then value
    assert canonical_query("b=2&a=x%2Fy&b=1&c=1+1") == "a=x%2Fy&b=1&b=2&c=1%2B1"
    assert canonical_query("") == ""


def _sdk_signed(method: str, path: str, query: list[tuple[str, str]], body: bytes) -> SignedRequest:
    """Sign with Huawei's own Signer and return what a server would receive."""
    sdk = SdkRequest(
        method=method,
        schema="http",
        host="127.0.0.1:8791",
        resource_path=path,
        query_params=query,
        header_params={"Content-Type": "application/json", "X-Project-Id": PROJECT},
        body=body,
    )
    Signer(BasicCredentials(AK, SK)).sign(sdk)
    sent_query = sdk.uri.partition("?")[2]
    return _request(method, path, sent_query, dict(sdk.header_params), sdk.body or b"")


def _verifier(clock: Clock | None = None) -> AkskVerifier:
    return AkskVerifier(clock or Clock(), lambda ak: SigningKey(SK) if ak == AK else None)


def test_verifier_accepts_what_the_sdk_signs() -> None:
    request = _sdk_signed(
        "GET", f"/v2/{PROJECT}/msgsms/templates", [("app_name", "云 商城"), ("limit", "10")], b""
    )
    assert _verifier().verify(request) == AK


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("body", "verify aksk signature fail"),
        ("query", "verify aksk signature fail"),
        ("signed_header", "verify aksk signature fail"),
        ("unknown_key", "unknown access key"),
    ],
)
def test_verifier_rejects_tampering(change: str, reason: str) -> None:
    good = _sdk_signed("POST", f"/v2/{PROJECT}/msgsms/apps", [], b'{"app_name": "a"}')
    headers = dict(good.headers)
    body, query = good.body, good.query
    if change == "body":
        body = b'{"app_name": "b"}'
    elif change == "query":
        query = "limit=11"
    elif change == "signed_header":
        headers["x-project-id"] = "f" * 32
    else:
        headers["authorization"] = headers["authorization"].replace(AK, "AKOTHER")
    tampered = SignedRequest(good.method, good.path, query, list(headers.items()), body)
    with pytest.raises(AuthenticationFailed, match=reason):
        _verifier().verify(tampered)


def test_verifier_enforces_fifteen_minutes_of_clock_skew() -> None:
    request = _request(
        "POST",
        CREATE_APP.path,
        "",
        dict(CREATE_APP.headers),
        CREATE_APP.body,
    )
    signed = ["content-type", "host", "x-project-id", "x-sdk-date"]
    signature = compute_signature(SK, request, signed, DATE)
    headers = {
        **dict(request.headers),
        "authorization": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders={';'.join(signed)}, "
        f"Signature={signature}",
    }
    authorized = SignedRequest(
        request.method, request.path, "", list(headers.items()), request.body
    )
    assert _verifier(_at("20240101T001400Z")).verify(authorized) == AK
    assert _verifier(_at("20231231T234600Z")).verify(authorized) == AK
    with pytest.raises(AuthenticationFailed, match="signature expired"):
        _verifier(_at("20240101T001600Z")).verify(authorized)


def test_more_than_five_failures_lock_the_key_for_five_minutes() -> None:
    clock = Clock()
    verifier = _verifier(clock)
    good = _sdk_signed("GET", f"/v2/{PROJECT}/msgsms/apps", [], b"")
    headers = dict(good.headers)
    headers["authorization"] = headers["authorization"][:-4] + "0000"
    bad = SignedRequest(good.method, good.path, good.query, list(headers.items()), good.body)
    for _ in range(6):
        with pytest.raises(AuthenticationFailed, match="verify aksk signature fail"):
            verifier.verify(bad)
    with pytest.raises(AuthenticationFailed, match="reach the limit"):
        verifier.verify(good)
    clock.offset_seconds = 5 * 60 + 1
    fresh = _sdk_signed("GET", f"/v2/{PROJECT}/msgsms/apps", [], b"")
    # the SDK stamps real time; move the verifier's clock only past the lock, within the skew
    assert verifier.verify(fresh) == AK


def test_a_success_resets_the_failure_count() -> None:
    verifier = _verifier()
    good = _sdk_signed("GET", f"/v2/{PROJECT}/msgsms/apps", [], b"")
    headers = dict(good.headers)
    headers["authorization"] = headers["authorization"][:-4] + "0000"
    bad = SignedRequest(good.method, good.path, good.query, list(headers.items()), good.body)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            verifier.verify(bad)
    assert verifier.verify(good) == AK
    for _ in range(5):
        with pytest.raises(AuthenticationFailed, match="verify aksk signature fail"):
            verifier.verify(bad)
    assert verifier.verify(good) == AK


def test_malformed_authorization_is_refused() -> None:
    request = _request("GET", "/v2/p/msgsms/apps", "", {"Authorization": "Basic abc"}, b"")
    with pytest.raises(AuthenticationFailed, match="malformed Authorization"):
        _verifier().verify(request)


def test_empty_body_hashes_as_the_empty_string() -> None:
    request = _request("GET", "/x", "", {"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}, b"")
    assert canonical_request(request, []).endswith(EMPTY_PAYLOAD_SHA256)


def test_tokens_are_valid_for_their_lifetime_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate("identity", IDENTITY_SCHEMA)
    clock = Clock()
    tokens = TokenService(store, clock, ttl_seconds=24 * 3600)
    issued = tokens.issue("domain", "project")
    assert issued.expires_at - issued.issued_at == 24 * 3600
    assert tokens.verify(issued.token).project_id == "project"
    clock.offset_seconds = 24 * 3600 + 1
    with pytest.raises(AuthenticationFailed, match="token expires"):
        tokens.verify(issued.token)
    with pytest.raises(AuthenticationFailed, match="decrypt token fail"):
        tokens.verify("MIIunknown")
    store.close()
