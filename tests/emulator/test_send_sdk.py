"""Contract: Huawei's official SMSApi SDK, unchanged, sends through the emulator as an app.

The app's signature and template are approved by the emulator's default review (the session
emulator decides after one second), as a provisioned catalog would be; then the SDK signs with
the app's key and secret (app-level SDK-HMAC-SHA256), and a WSSE client written from the
reference does the same.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdksmsapi.v1 import (
    BatchSendDiffSmsRequest,
    BatchSendDiffSmsRequestBody,
    BatchSendSmsRequest,
    BatchSendSmsRequestBody,
    SMSApiClient,
    SmsContent,
)
from huaweicloudsdksmsapi.v1.smsapi_credentials import SMSApiCredentials

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sending import (
    ReadyApp,
    SendApi,
    approved_template,
    messages,
    ready_app,
    result_code,
    results,
    wsse_headers,
)

SMS_MSG_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_\d+$")
CREATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SHIPPED = "您的订单${1}已发货，预计${2}送达。"


def sdk_client(emu: EmulatorProcess, app: ReadyApp, region: str = "cn-north-4") -> SMSApiClient:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    return (
        SMSApiClient.new_builder()
        .with_http_config(config)
        .with_credentials(SMSApiCredentials(app.app_key, app.app_secret))
        .with_endpoint(emu.region(region)["smsapi_url"])
        .build()
    )


@pytest.fixture
def shop(emulator: EmulatorProcess, api: RawApi) -> tuple[ReadyApp, str]:
    """An app whose signature and template passed the default review."""
    app = ready_app(api)
    return app, approved_template(api, app, SHIPPED, ["CHARDIGIT", "DATETIME"])


def test_the_sdk_sends_to_many_numbers_with_the_apps_key_and_secret(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    client = sdk_client(emulator, app)
    body = BatchSendSmsRequestBody(
        _from=app.channel,
        to="+8613800000000,13800000001,+8613800000000",
        template_id=template_id,
        template_paras='["A123","2024-05-01"]',
    )
    answer = client.batch_send_sms(BatchSendSmsRequest(body=body))
    assert (answer.code, answer.description) == ("000000", "Success")
    assert [r.origin_to for r in answer.result] == [
        "+8613800000000",
        "13800000001",
        "+8613800000000",
    ]
    first, second, repeated = answer.result
    for result in (first, second):
        assert SMS_MSG_ID.match(result.sms_msg_id)
        assert CREATE_TIME.match(result.create_time)
        assert (result._from, result.status, result.country_id, result.total) == (
            app.channel,
            "000000",
            "CN",
            1,
        )
    # the platform sends a repeated number once and answers E200041 for the repeat
    assert (repeated.status, repeated.total) == ("E200041", 0)
    sent = [m for m in messages(emulator) if m["status"] == "000000"]
    assert sorted(m["recipient"] for m in sent) == ["+8613800000000", "+8613800000001"]
    assert sent[0]["content"] == "【云商城】您的订单A123已发货，预计2024-05-01送达。"


def test_the_sdk_sends_different_content_per_group(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    client = sdk_client(emulator, app)
    body = BatchSendDiffSmsRequestBody(
        _from=app.channel,
        sms_content=[
            SmsContent(
                to=["+8613800000000"], template_id=template_id, template_paras=["A1", "5月2日"]
            ),
            SmsContent(
                to=["+8613800000001"], template_id=template_id, template_paras=["B2", "5月1日"]
            ),
        ],
    )
    answer = client.batch_send_diff_sms(BatchSendDiffSmsRequest(body=body))
    assert answer.code == "000000"
    assert [r.status for r in answer.result] == ["000000", "000000"]
    contents = {m["recipient"]: m["content"] for m in messages(emulator)}
    assert contents["+8613800000001"] == "【云商城】您的订单B2已发货，预计5月1日送达。"


@pytest.mark.parametrize("raw_digest", [False, True], ids=["hex-digest", "raw-digest"])
def test_a_wsse_client_sends_both_operations(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str], raw_digest: bool
) -> None:
    app, template_id = shop
    send = SendApi(emulator)
    auth = wsse_headers(app.app_key, app.app_secret, raw_digest=raw_digest)
    form = {
        "from": app.channel,
        "to": "+8613800000000",
        "templateId": template_id,
        "templateParas": '["A1","2024-05-01"]',
    }
    single = send.post("batchSendSms", None, form=form, headers=auth)
    assert result_code(single) == "000000", single.text
    assert single.headers["content-type"] == "application/json;charset=UTF-8"
    body = {
        "from": app.channel,
        "smsContent": [
            {"to": ["+8613800000001"], "templateId": template_id, "templateParas": ["B", "18:00"]}
        ],
    }
    diff = send.post("batchSendDiffSms", None, json_body=body, headers=auth)
    assert result_code(diff) == "000000", diff.text
    assert len(messages(emulator)) == 2


def test_a_wrong_app_secret_is_refused_with_e000045(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    impostor = ReadyApp(app.id, app.app_key, "not-the-secret", "cn")
    client = sdk_client(emulator, impostor)
    body = BatchSendSmsRequestBody(_from=app.channel, to="+8613800000000", template_id=template_id)
    with pytest.raises(ClientRequestException) as refused:
        client.batch_send_sms(BatchSendSmsRequest(body=body))
    # The send API's errors are {"code", "description"}, which the SDK does not parse into
    # error_code: it keeps the HTTP status there and the body in error_msg.
    assert refused.value.status_code == 400
    assert json.loads(refused.value.error_msg)["code"] == "E000045"
    assert messages(emulator) == []


def test_an_app_level_signature_must_be_dated_within_15_minutes(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    stale = (datetime.now(UTC) - timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    response = SendApi(emulator).post(
        "batchSendSms",
        app,
        form={"from": app.channel, "to": "+8613800000000", "templateId": template_id},
        headers={"X-Sdk-Date": stale},
        scheme="aksk",
    )
    assert response.status_code == 400
    assert result_code(response) == "E000045"


def test_an_app_is_known_only_on_its_own_regions_port(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    body = BatchSendSmsRequestBody(_from=app.channel, to="+8613800000000", template_id=template_id)
    with pytest.raises(ClientRequestException) as refused:
        sdk_client(emulator, app, "cn-south-1").batch_send_sms(BatchSendSmsRequest(body=body))
    assert json.loads(refused.value.error_msg)["code"] == "E000102"


def test_a_suspended_app_cannot_send(emulator: EmulatorProcess, shop: tuple[ReadyApp, str]) -> None:
    app, template_id = shop
    emulator.admin.post(f"/apps/{app.id}/status", json={"status": "SUSPENDED"}).raise_for_status()
    response = SendApi(emulator).batch(
        app, from_=app.channel, to="+8613800000000", templateId=template_id
    )
    assert response.status_code == 400
    assert result_code(response) == "E000112"


def test_send_requests_are_logged_and_faults_apply(
    emulator: EmulatorProcess, shop: tuple[ReadyApp, str]
) -> None:
    app, template_id = shop
    since = emulator.last_seq()
    emulator.admin.put("/faults", json={"error_rate": 1.0, "error_statuses": [503]})
    send = SendApi(emulator)
    form = {"from_": app.channel, "to": "+8613800000000", "templateId": template_id}
    assert send.batch(app, **dict(form)).status_code == 503
    emulator.admin.delete("/faults")
    answered = send.batch(app, **dict(form), templateParas='["A1","2024-05-01"]')
    assert [r["status"] for r in results(answered)] == ["000000"]
    logged = emulator.requests(since=since, api="smsapi")
    assert [(r["path"], r["status"], r["fault"]) for r in logged] == [
        ("/sms/batchSendSms/v1", 503, "error"),
        ("/sms/batchSendSms/v1", 200, None),
    ]
