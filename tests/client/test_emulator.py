"""The client against a running emulator: every operation, tokens, project ids, retries under
injected faults, pagination and error translation, with the emulator's request log as witness."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from harness.emulator import EmulatorProcess
from providers.client import (
    AuthError,
    ConflictError,
    NotFoundError,
    RenewingCache,
    RetryPolicy,
    SendScheme,
    ServerError,
    Settings,
    SmsClient,
    TransportError,
    paginate,
)
from providers.client.models import (
    AppAddRequest,
    AppQuery,
    AppUpdateRequest,
    BatchSendDiffSmsRequest,
    BatchSendSmsRequest,
    CountryQuery,
    SignatureQuery,
    SignatureRequest,
    SmsContent,
    TemplateQuery,
    TemplateRequest,
    VariableAttribute,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
Mode = Literal["aksk", "password"]


def settings_for(emulator: EmulatorProcess, mode: Mode, **config: Any) -> Settings:
    return Settings.from_config(
        {**emulator.credentials(mode), "endpoints": emulator.endpoints(), **config}, environ={}
    )


class Sleeps(list[float]):
    """An injectable sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def make_client(emulator: EmulatorProcess) -> Iterator[Callable[..., SmsClient]]:
    made: list[SmsClient] = []

    def make(
        mode: Mode = "aksk",
        *,
        retry: RetryPolicy | None = None,
        cache: RenewingCache | None = None,
        **config: Any,
    ) -> SmsClient:
        client = SmsClient(
            settings_for(emulator, mode, **config),
            retry=retry or RetryPolicy(sleep=Sleeps()),
            cache=cache or RenewingCache(),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


class RequestLog:
    """The emulator's request log for one test, in the order the requests arrived.

    The emulator logs a request before any of its answer leaves, so once a call has returned,
    its entry is in the log: reading everything after the sequence number seen when the test
    began gives exactly this test's requests.
    """

    def __init__(self, emulator: EmulatorProcess) -> None:
        self.emulator = emulator
        self.began = emulator.last_seq()

    def arrivals(self, *, count: int, api: str | None = None) -> list[dict[str, Any]]:
        entries = self.emulator.requests(since=self.began, api=api)
        assert len(entries) == count, entries
        return entries

    def calls(self, *, count: int) -> list[tuple[str, str, int]]:
        return [
            (entry["api"], f"{entry['method']} {entry['path']}", entry["status"])
            for entry in self.arrivals(count=count)
        ]


@pytest.fixture
def log(emulator: EmulatorProcess) -> RequestLog:
    return RequestLog(emulator)


def review(
    emulator: EmulatorProcess, kind: str, object_id: str, decision: str, **extra: Any
) -> None:
    emulator.admin.post(
        f"/{kind}/{object_id}/review", json={"decision": decision, **extra}
    ).raise_for_status()


@pytest.fixture
def manual_review(emulator: EmulatorProcess) -> None:
    emulator.admin.put("/review-policy", json={"mode": "manual"}).raise_for_status()


def signature_request(app_id: str, file_id: str | None = None, **fields: Any) -> SignatureRequest:
    base: dict[str, Any] = {
        "app_id": app_id,
        "signature_name": "云商城",
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        "file_id": file_id,
        "apply_desc": "order notices",
    }
    return SignatureRequest(**{**base, **fields})


def template_request(app_id: str, sign_id: str, name: str, **fields: Any) -> TemplateRequest:
    base: dict[str, Any] = {
        "app_id": app_id,
        "region": "cn",
        "template_name": name,
        "template_content": "您的订单${1}已发货，预计${2}送达。",
        "template_type": "NOTIFY_TYPE",
        "sign_id": sign_id,
        "variable_attributes": [
            VariableAttribute(variable_index=1, variable_type="CHARDIGIT"),
            VariableAttribute(variable_index=2, variable_type="DATETIME"),
        ],
    }
    return TemplateRequest(**{**base, **fields})


@pytest.mark.usefixtures("manual_review")
@pytest.mark.parametrize("mode", ["aksk", "password"])
def test_every_management_operation(
    mode: Mode, emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client(mode)
    project = emulator.region("cn-north-4")["project_id"]

    app = client.create_app(AppAddRequest(app_name="shop", region="cn", show_secret=True))
    assert app.app_secret is not None and app.app_key
    assert [a.id for a in client.list_app_details(AppQuery(app_name="shop")).results] == [app.id]
    assert client.show_app(app.id).status == "LAUNCHED"
    assert client.show_app_count("cn").used == 1
    client.update_app(
        app.id,
        AppUpdateRequest(app_name="shop", region="cn", up_link_addr="https://hooks.example.com/up"),
    )
    assert client.show_app(app.id).up_link_addr == "https://hooks.example.com/up"

    uploaded = client.upload_signature_file(PNG, "licence.png", file_desc="business licence")
    shown_file = client.show_signature_file(uploaded.file_id)
    assert (shown_file.file_name, shown_file.file_size) == ("licence.png", len(PNG))

    signature = client.create_signature(signature_request(app.id, uploaded.file_id))
    assert client.show_signature(signature.id).status == "PENDING_REVIEW"
    review(emulator, "signatures", signature.id, "reject", review_desc="blurry licence")
    client.update_signature(
        signature.id, signature_request(app.id, uploaded.file_id, apply_desc="clearer scan")
    )
    assert client.show_signature(signature.id).apply_desc == "clearer scan"
    review(emulator, "signatures", signature.id, "approve", status="TO_BE_ACTIVATED")
    client.enable_signature(signature.id)
    listed = client.list_signature_details(SignatureQuery(signature_name="云商城"))
    assert listed.total == 1 and listed.results[0].status == "PENDING_ACTIVATE"

    template = client.create_template(template_request(app.id, signature.id, "order-shipped"))
    assert client.show_template(template.id).flow_status == "Reviewing"
    variables = client.list_template_varilable_details(template.id)
    assert [(v.variable_index, v.variable_type) for v in variables.results] == [
        (1, "CHARDIGIT"),
        (2, "DATETIME"),
    ]
    review(emulator, "templates", template.id, "reject", review_desc="too vague")
    client.update_template(
        template.id, template_request(app.id, signature.id, "order-shipped", template_desc="v2")
    )
    found = client.list_template_details(TemplateQuery(template_name="order-shipped"))
    assert [t.template_desc for t in found.results] == ["v2"]
    france = client.list_send_country_details(CountryQuery(country_name_en="France"))
    assert [c.country_name_en for c in france] == ["France"]

    second = client.create_template(template_request(app.id, signature.id, "order-late"))
    review(emulator, "templates", template.id, "reject")
    client.delete_template(template.id)
    outcome = client.delete_templates([second.id])  # still under review: refused per id
    assert outcome.success_count == 0 and outcome.failed_template_list[0].id == second.id
    review(emulator, "templates", second.id, "approve")
    assert client.delete_templates([second.id]).success_ids == [second.id]
    client.delete_signature(signature.id)
    with pytest.raises(NotFoundError):
        client.show_signature(signature.id)

    entries = log.calls(count=27)
    iam = [entry for entry in entries if entry[0] == "iam"]
    expected_iam = "GET /v3/projects" if mode == "aksk" else "POST /v3/auth/tokens"
    assert [call for _, call, _ in iam] == [expected_iam]  # one lookup, cached afterwards
    management = [entry for entry in entries if entry[0] == "msgsms"]
    assert len(management) == 26  # one request per call above: no hidden extra calls
    assert all(call.split()[1].startswith(f"/v2/{project}/msgsms/") for _, call, _ in management)
    statuses = [status for *_, status in management]
    assert all(200 <= status < 300 for status in statuses[:-1])
    assert statuses[-1] >= 400  # the show after the delete


def test_project_ids_from_settings_need_no_iam_call(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    project = emulator.region("cn-south-1")["project_id"]
    client = make_client(projectIds={"cn-south-1": project})
    client.list_app_details(region="cn-south-1")
    assert log.calls(count=1) == [("msgsms", f"GET /v2/{project}/msgsms/apps", 200)]


@pytest.mark.parametrize("mode", ["aksk", "password"])
def test_project_ids_are_resolved_per_region(
    mode: Mode, emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client(mode)
    for region in ("cn-north-4", "cn-south-1", "ap-southeast-1"):
        assert client.project_id(region) == emulator.region(region)["project_id"]
        client.list_app_details(region=region)
    iam_calls = [call for api, call, _ in log.calls(count=6) if api == "iam"]
    assert len(iam_calls) == 3


def test_a_token_is_renewed_before_it_expires(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    ahead = [0.0]  # how far the client's clock runs ahead of real time
    client = make_client("password", cache=RenewingCache(clock=lambda: time.time() + ahead[0]))
    client.list_app_details()
    ahead[0] = 23 * 3600  # an hour left: still good
    client.list_app_details()
    ahead[0] = 23 * 3600 + 31 * 60  # 29 minutes left: renewed before use
    client.list_app_details()
    entries = log.calls(count=5)
    calls = [call for _, call, _ in entries]
    assert calls.count("POST /v3/auth/tokens") == 2
    assert calls[-2:] == ["POST /v3/auth/tokens", calls[-1]]
    assert all(status in (200, 201) for *_, status in entries)


def test_a_token_the_service_says_expired_is_fetched_again_once(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client("password")
    client.list_app_details()
    # The service's clock jumps a day: the cached token is expired there, not in the client.
    emulator.admin.put("/clock", json={"offset_seconds": 25 * 3600}).raise_for_status()
    try:
        assert client.list_app_details().total == 0
    finally:
        emulator.admin.put("/clock", json={"offset_seconds": 0}).raise_for_status()
    entries = log.calls(count=5)[2:]  # after the first token and call
    assert [(call.split()[0], status) for _, call, status in entries] == [
        ("GET", 401),
        ("POST", 201),
        ("GET", 200),
    ]


def test_tokens_are_fetched_once_across_threads(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client("password")
    barrier = threading.Barrier(8)

    def call(_: int) -> int:
        barrier.wait()
        return client.list_app_details().total

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(call, range(8))) == [0] * 8
    calls = [call for _, call, _ in log.calls(count=9)]
    assert calls.count("POST /v3/auth/tokens") == 1
    assert len(calls) == 9


def set_faults(emulator: EmulatorProcess, **faults: Any) -> None:
    emulator.admin.put("/faults", json={"seed": 7, "apis": ["msgsms"], **faults}).raise_for_status()


def test_reads_survive_injected_errors_with_backoff(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    sleeps = Sleeps()
    client = make_client(retry=RetryPolicy(attempts=12, budget=600.0, sleep=sleeps))
    client.project_id()  # resolved before the faults start
    set_faults(emulator, error_rate=0.4, error_statuses=[429, 500, 503], retry_after_seconds=2)
    for _ in range(30):
        assert client.list_app_details().total == 0
    entries = log.arrivals(count=30 + len(sleeps), api="msgsms")
    failed = [entry for entry in entries if entry["fault"] == "error"]
    assert len(entries) == 30 + len(failed)
    assert len(failed) >= 5  # the seed makes this run deterministic
    assert len(sleeps) == len(failed)
    for entry, slept in zip(failed, sleeps, strict=True):
        if entry["status"] == 429:
            assert slept == 2.0  # Retry-After honoured
        else:
            assert 0.25 <= slept <= 20.0  # jittered exponential backoff


def test_a_create_is_not_retried_when_its_answer_is_lost(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client()
    client.project_id()
    set_faults(emulator, drop_rate=1.0)
    with pytest.raises(TransportError):
        client.create_app(AppAddRequest(app_name="shop", region="cn"))
    emulator.admin.delete("/faults").raise_for_status()
    assert [entry["fault"] for entry in log.arrivals(count=1, api="msgsms")] == ["dropped"]
    apps = emulator.admin.get("/objects", params={"kind": "apps"}).json()
    assert [app["app_name"] for app in apps] == ["shop"]  # committed once, not duplicated


def test_a_create_is_not_retried_after_a_server_error_unless_safe(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient]
) -> None:
    sleeps = Sleeps()
    client = make_client(retry=RetryPolicy(sleep=sleeps))
    client.project_id()
    set_faults(emulator, error_rate=1.0, error_statuses=[500])
    with pytest.raises(ServerError) as caught:
        client.create_app(AppAddRequest(app_name="shop", region="cn"))
    assert caught.value.attempts == 1 and sleeps == []
    with pytest.raises(ServerError) as caught:
        client.create_app(AppAddRequest(app_name="shop", region="cn"), retry_safe=True)
    assert caught.value.attempts == 5 and len(sleeps) == 4


@pytest.mark.slow
def test_pagination_walks_more_than_a_thousand_templates(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client()
    app = client.create_app(AppAddRequest(app_name="bulk", region="cn"))
    signature = client.create_signature(signature_request(app.id))
    count = 1_013

    def create(number: int) -> str:
        request = template_request(app.id, signature.id, f"t{number:04d}")
        return client.create_template(request).id

    with ThreadPoolExecutor(4) as pool:  # the client is shared by the threads
        created = set(pool.map(create, range(count)))
    walked = [t.id for t in paginate(client.list_template_details, TemplateQuery(app_name="bulk"))]
    assert len(walked) == count
    assert set(walked) == created
    entries = log.arrivals(count=2 + count + 3, api="msgsms")
    pages = [entry for entry in entries if entry["method"] == "GET"]
    assert [entry["query"] for entry in pages] == [
        "app_name=bulk&limit=500&offset=0",
        "app_name=bulk&limit=500&offset=500",
        "app_name=bulk&limit=500&offset=1000",
    ]


def test_errors_carry_code_message_request_id_and_hint(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], log: RequestLog
) -> None:
    client = make_client()
    with pytest.raises(NotFoundError) as missing:
        client.show_app("00000000-0000-0000-0000-000000000000")
    (logged,) = log.arrivals(count=1, api="msgsms")
    assert missing.value.request_id == logged["request_id"]
    assert missing.value.error_code == "MSGSMS.0014"
    assert "Hint: the app does not exist" in str(missing.value)

    app = client.create_app(AppAddRequest(app_name="shop", region="cn"))
    client.create_signature(signature_request(app.id))
    with pytest.raises(ConflictError) as duplicate:
        client.create_signature(signature_request(app.id))
    assert duplicate.value.error_code == "MSGSMS.0006"
    assert duplicate.value.hint and "adopt" in duplicate.value.hint


def test_wrong_credentials_are_auth_errors_without_secrets(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient]
) -> None:
    project = emulator.region("cn-north-4")["project_id"]
    wrong_key = make_client(secretKey="not-the-secret-key", projectIds={"cn-north-4": project})
    with pytest.raises(AuthError) as signed:
        wrong_key.list_app_details()
    assert signed.value.status == 401 and signed.value.error_code == "APIG.0301"
    assert "not-the-secret-key" not in str(signed.value)

    wrong_password = make_client("password", iamPassword="not-the-password")
    with pytest.raises(AuthError) as refused:
        wrong_password.list_app_details()
    assert refused.value.status == 401
    assert "not-the-password" not in f"{refused.value}{refused.value.__dict__}"


@dataclass
class Sender:
    """An app with an approved signature and an approved one-variable template."""

    client: SmsClient
    app_key: str
    app_secret: str
    channel: str  # the signature's channel number, the `from` of a send
    template_id: str


@pytest.fixture
def sender(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient], manual_review: None
) -> Sender:
    client = make_client()
    app = client.create_app(AppAddRequest(app_name="sender", region="cn", show_secret=True))
    signature = client.create_signature(signature_request(app.id))
    review(emulator, "signatures", signature.id, "approve")
    request = template_request(
        app.id,
        signature.id,
        "otp",
        template_content="您的验证码是${1}，5分钟内有效。",
        variable_attributes=[VariableAttribute(variable_index=1, variable_type="CHARDIGIT")],
    )
    template = client.create_template(request)
    review(emulator, "templates", template.id, "approve")
    template_id = client.show_template(template.id).template_id
    channel = client.show_signature(signature.id).channel_num
    assert app.app_key and app.app_secret and template_id and channel
    return Sender(client, app.app_key, app.app_secret.get_secret_value(), channel, template_id)


@pytest.mark.parametrize("scheme", ["aksk", "wsse"])
def test_both_send_operations_as_the_app(scheme: SendScheme, sender: Sender) -> None:
    app: dict[str, Any] = {
        "app_key": sender.app_key,
        "app_secret": sender.app_secret,
        "scheme": scheme,
    }
    single = sender.client.batch_send_sms(
        BatchSendSmsRequest(
            from_=sender.channel,
            to="+8615123456789,+8615123456780",
            templateId=sender.template_id,
            templateParas='["123456"]',
        ),
        **app,
    )
    assert single.code == "000000"
    assert sorted(r.originTo or "" for r in single.result) == ["+8615123456780", "+8615123456789"]
    assert all(r.status == "000000" and r.smsMsgId for r in single.result)
    diff = sender.client.batch_send_diff_sms(
        BatchSendDiffSmsRequest(
            from_=sender.channel,
            smsContent=[
                SmsContent(
                    to=["+8615123456789"], templateId=sender.template_id, templateParas=["654321"]
                )
            ],
        ),
        **app,
    )
    assert diff.code == "000000" and len(diff.result) == 1


def test_a_wrong_app_secret_is_an_auth_error(sender: Sender) -> None:
    body = BatchSendSmsRequest(
        from_=sender.channel, to="+8615123456789", templateId=sender.template_id
    )
    with pytest.raises(AuthError) as caught:
        sender.client.batch_send_sms(body, app_key=sender.app_key, app_secret="not-the-app-secret")
    assert "not-the-app-secret" not in str(caught.value)


def _temporary_credentials(emulator: EmulatorProcess, seconds: int = 900) -> dict[str, str]:
    answer = emulator.admin.post("/temporary-credentials", json={"duration_seconds": seconds})
    answer.raise_for_status()
    issued = answer.json()["credential"]
    return {
        "accessKey": issued["access"],
        "secretKey": issued["secret"],
        "securityToken": issued["securitytoken"],
    }


def test_temporary_credentials_sign_with_their_security_token_until_it_expires(
    emulator: EmulatorProcess, log: RequestLog
) -> None:
    temporary = _temporary_credentials(emulator)
    # no project ids: the IAM lookup is signed with the temporary key too
    settings = Settings.from_config({**temporary, "endpoints": emulator.endpoints()}, environ={})
    with SmsClient(settings, retry=RetryPolicy(sleep=Sleeps()), cache=RenewingCache()) as client:
        app = client.create_app(AppAddRequest(app_name="temporary", region="cn"))
        assert [a.id for a in client.list_app_details().results] == [app.id]
        assert [c[1:] for c in log.calls(count=3)] == [
            ("GET /v3/projects", 200),
            (f"POST /v2/{emulator.region('cn-north-4')['project_id']}/msgsms/apps", 200),
            (f"GET /v2/{emulator.region('cn-north-4')['project_id']}/msgsms/apps", 200),
        ]

        emulator.admin.put("/clock", json={"offset_seconds": 901}).raise_for_status()
        with pytest.raises(AuthError) as expired:
            client.list_app_details()
    message = f"{expired.value}{expired.value.__dict__}"
    assert expired.value.error_code == "APIG.0301"
    assert "security token expires" in expired.value.error_msg
    assert "Hint: the temporary credentials were refused" in str(expired.value)
    assert temporary["securityToken"] not in message
    assert temporary["secretKey"] not in message


def test_a_temporary_key_with_another_keys_token_is_refused(
    emulator: EmulatorProcess, make_client: Callable[..., SmsClient]
) -> None:
    first, second = _temporary_credentials(emulator), _temporary_credentials(emulator)
    project = emulator.region("cn-north-4")["project_id"]
    client = make_client(
        **{**first, "securityToken": second["securityToken"]},
        projectIds={"cn-north-4": project},
    )
    with pytest.raises(AuthError, match="security token is invalid") as caught:
        client.list_app_details()
    assert second["securityToken"] not in str(caught.value)
