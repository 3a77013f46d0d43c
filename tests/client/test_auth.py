"""IAM tokens (cached per region, fetched once, renewed, re-fetched on expiry), project-id
resolution, and the SMSApi auth schemes (mock transport)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from providers.client import AkSkAuth, AuthError, ConfigurationError, WsseAuth

from .conftest import AKSK, PASSWORD, PROJECT, Harness

PROJECTS = {"cn-north-4": "aaaa0001", "cn-south-1": "bbbb0002"}
DAY = 24 * 3600.0


class FakeCloud:
    """IAM that issues numbered tokens valid for a day on `clock`, and an API that accepts
    them unless they were marked expired."""

    def __init__(self, clock: list[float], *, token_delay: float = 0.0) -> None:
        self.clock = clock
        self.token_delay = token_delay
        self.issued: list[str] = []
        self.expired: set[str] = set()
        self.seen: list[str | None] = []  # what each request carried, token requests as None
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/tokens":
            body = json.loads(request.content)
            region = body["auth"]["scope"]["project"]["name"]
            self.seen.append(None)
            time.sleep(self.token_delay)  # widens the window in which threads would race
            with self.lock:
                token = f"T{len(self.issued) + 1}-{region}"
                self.issued.append(token)
            expires = datetime.fromtimestamp(self.clock[0] + DAY, UTC)
            return httpx.Response(
                201,
                headers={"X-Subject-Token": token},
                json={
                    "token": {
                        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        "methods": ["password"],
                        "project": {"id": PROJECTS[region], "name": region},
                    }
                },
            )
        token = request.headers.get("X-Auth-Token", "")
        self.seen.append(token)
        if token in self.expired:
            return httpx.Response(
                401,
                json={
                    "error_code": "APIG.0301",
                    "error_msg": "Incorrect IAM authentication information: token expires, "
                    "expires_at: 2024-01-01",
                },
            )
        if token not in self.issued:
            return httpx.Response(
                401,
                json={
                    "error_code": "APIG.0301",
                    "error_msg": "Incorrect IAM authentication information: decrypt token fail",
                },
            )
        return httpx.Response(200, json={"id": "a1"})


@pytest.fixture
def cloud_clock() -> list[float]:
    return [1_700_000_000.0]


def password_client(
    harness: Callable[..., Harness], clock: list[float], **kwargs: float
) -> tuple[Harness, FakeCloud]:
    cloud = FakeCloud(clock, **kwargs)
    return harness(cloud, PASSWORD, cache_clock=lambda: clock[0]), cloud


def test_a_token_is_fetched_once_for_many_calls_and_threads(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock, token_delay=0.05)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            for _ in range(5):
                h.client.show_app("a1")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cloud.issued == ["T1-cn-north-4"]
    assert h.paths().count("POST /v3/auth/tokens") == 1
    assert len(h.requests) == 1 + 8 * 5


def test_the_token_request_is_project_scoped_by_region_name(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, _ = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    token_request = h.requests[0]
    assert str(token_request.url) == (
        "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens?nocatalog=true"
    )
    assert json.loads(token_request.content) == {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "ops",
                        "password": "PW-TEST-SECRET",
                        "domain": {"name": "acme"},
                    }
                },
            },
            "scope": {"project": {"name": "cn-north-4"}},
        }
    }


def test_tokens_and_project_ids_are_per_region(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    h.client.show_app("a1", region="cn-south-1")
    h.client.show_app("a1", region="cn-south-1")
    assert cloud.issued == ["T1-cn-north-4", "T2-cn-south-1"]
    north, south, _ = [r for r in h.requests if r.url.path.startswith("/v2/")]
    assert north.headers["X-Auth-Token"] == "T1-cn-north-4"
    assert north.url.path == "/v2/aaaa0001/msgsms/apps/a1"
    assert south.headers["X-Auth-Token"] == "T2-cn-south-1"
    assert south.url.host == "msgsms.cn-south-1.myhuaweicloud.com"
    assert south.url.path == "/v2/bbbb0002/msgsms/apps/a1"
    assert h.client.project_id("cn-south-1") == "bbbb0002"


def test_a_token_is_renewed_shortly_before_it_expires(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    cloud_clock[0] += DAY - 31 * 60  # 31 minutes left: still used
    h.client.show_app("a1")
    assert cloud.issued == ["T1-cn-north-4"]
    cloud_clock[0] += 2 * 60  # 29 minutes left: renewed
    h.client.show_app("a1")
    assert cloud.issued == ["T1-cn-north-4", "T2-cn-north-4"]
    assert h.requests[-1].headers["X-Auth-Token"] == "T2-cn-north-4"


def test_a_401_saying_the_token_expired_fetches_a_new_token_once(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    cloud.expired.add("T1-cn-north-4")  # revoked early, e.g. after a password change
    assert h.client.show_app("a1").id == "a1"
    assert cloud.issued == ["T1-cn-north-4", "T2-cn-north-4"]
    assert cloud.seen[-3:] == [
        "T1-cn-north-4",
        None,  # the token request
        "T2-cn-north-4",
    ]


def test_a_token_that_expires_again_is_not_fetched_in_a_loop(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    cloud.expired.update({"T1-cn-north-4", "T2-cn-north-4"})
    with pytest.raises(AuthError, match="token expires"):
        h.client.show_app("a1")
    assert cloud.issued == ["T1-cn-north-4", "T2-cn-north-4"]


def test_other_401s_do_not_fetch_a_new_token(
    harness: Callable[..., Harness], cloud_clock: list[float]
) -> None:
    h, cloud = password_client(harness, cloud_clock)
    h.client.show_app("a1")
    cloud.issued.remove("T1-cn-north-4")  # the service no longer knows it: "decrypt token fail"
    with pytest.raises(AuthError, match="decrypt token fail") as caught:
        h.client.show_app("a1")
    assert "T1-cn-north-4" not in str(caught.value)
    assert h.paths().count("POST /v3/auth/tokens") == 1


def test_with_aksk_the_project_id_is_looked_up_once_through_iam(
    harness: Callable[..., Harness],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/projects":
            return httpx.Response(
                200, json={"projects": [{"id": PROJECT, "name": "ap-southeast-1"}], "links": {}}
            )
        return httpx.Response(200, json={"id": "a1"})

    config = {**AKSK, "projectIds": {}, "endpoints": {"iam": "http://127.0.0.1:9"}}
    h = harness(handler, config)
    h.client.show_app("a1", region="ap-southeast-1")
    h.client.show_app("a1", region="ap-southeast-1")
    lookup, first, second = h.requests
    assert str(lookup.url) == "http://127.0.0.1:9/v3/projects?name=ap-southeast-1"
    assert lookup.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK-TEST, ")
    assert "X-Project-Id" not in lookup.headers
    assert first.url.path == f"/v2/{PROJECT}/msgsms/apps/a1"
    assert second.headers["X-Project-Id"] == PROJECT


def test_an_ambiguous_or_missing_project_asks_for_project_ids(
    harness: Callable[..., Harness],
) -> None:
    h = harness(lambda r: httpx.Response(200, json={"projects": []}), {**AKSK, "projectIds": {}})
    with pytest.raises(ConfigurationError, match=r"IAM lists 0 projects .* msgsms:projectIds"):
        h.client.show_app("a1")


def test_configured_project_ids_need_no_iam_call(harness: Callable[..., Harness]) -> None:
    h = harness(lambda r: httpx.Response(200, json={"id": "a1"}))
    h.client.show_app("a1")
    assert h.paths() == [f"GET /v2/{PROJECT}/msgsms/apps/a1"]


def test_wsse_headers_follow_huaweis_published_formula() -> None:
    auth = WsseAuth(
        "APPKEY",
        "APPSECRET",
        clock=lambda: datetime(2018, 2, 12, 15, 30, 20, tzinfo=UTC),
        nonce=lambda: "66C92B11FF8A425FB8D4CCFE0ED9ED1F",
    )
    request = next(auth.auth_flow(httpx.Request("POST", "https://smsapi.example/sms")))
    hex_digest = hashlib.sha256(
        b"66C92B11FF8A425FB8D4CCFE0ED9ED1F" + b"2018-02-12T15:30:20Z" + b"APPSECRET"
    ).hexdigest()
    digest = base64.b64encode(hex_digest.encode()).decode()
    assert request.headers["Authorization"] == (
        'WSSE realm="SDP",profile="UsernameToken",type="Appkey"'
    )
    assert request.headers["X-WSSE"] == (
        f'UsernameToken Username="APPKEY",PasswordDigest="{digest}",'
        'Nonce="66C92B11FF8A425FB8D4CCFE0ED9ED1F",Created="2018-02-12T15:30:20Z"'
    )


def test_auth_objects_do_not_show_their_secrets() -> None:
    for auth in (AkSkAuth("AK", "SK-HIDDEN", project_id="p"), WsseAuth("K", "SK-HIDDEN")):
        assert "SK-HIDDEN" not in repr(auth)


def test_empty_keys_are_refused_early() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        AkSkAuth("", "sk")
    with pytest.raises(ValueError, match="non-empty"):
        WsseAuth("key", "")


def test_temporary_credentials_send_their_security_token_to_msgsms_and_iam(
    harness: Callable[..., Harness],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/projects":
            return httpx.Response(
                200, json={"projects": [{"id": PROJECT, "name": "cn-north-4"}], "links": {}}
            )
        return httpx.Response(200, json={"id": "a1"})

    config = {
        **AKSK,
        "securityToken": "TEMPORARY-TOKEN",
        "projectIds": {},
        "endpoints": {"iam": "http://127.0.0.1:9"},
    }
    h = harness(handler, config)
    h.client.show_app("a1")
    lookup, show = h.requests
    for request in (lookup, show):
        assert request.headers["X-Security-Token"] == "TEMPORARY-TOKEN"
        signed_headers = request.headers["Authorization"].split("SignedHeaders=")[1]
        assert "x-security-token" in signed_headers.split(",")[0].split(";")
    assert "TEMPORARY-TOKEN" not in repr(h.client)


def test_permanent_keys_send_no_security_token(harness: Callable[..., Harness]) -> None:
    h = harness(lambda r: httpx.Response(200, json={"id": "a1"}))
    h.client.show_app("a1")
    assert "X-Security-Token" not in h.requests[0].headers


def test_a_refused_security_token_says_what_to_do_without_showing_it(
    harness: Callable[..., Harness],
) -> None:
    answer = {
        "error_code": "APIG.0301",
        "error_msg": "Incorrect IAM authentication information: security token expires, "
        "expires_at: 2024-05-01T08:15:00+00:00",
        "request_id": "r-1",
    }
    h = harness(
        lambda r: httpx.Response(401, json=answer), {**AKSK, "securityToken": "TEMPORARY-TOKEN"}
    )
    with pytest.raises(AuthError) as caught:
        h.client.show_app("a1")
    message = str(caught.value)
    assert "security token expires" in message
    assert "Hint: the temporary credentials were refused" in message
    assert "HUAWEICLOUD_SDK_SECURITY_TOKEN" in message
    assert "TEMPORARY-TOKEN" not in message


def test_a_temporary_auth_shows_no_token_in_its_repr() -> None:
    auth = AkSkAuth("AK", "SK-HIDDEN", project_id="p", security_token="TOKEN-HIDDEN")
    assert "TOKEN-HIDDEN" not in repr(auth) and "temporary" in repr(auth)
