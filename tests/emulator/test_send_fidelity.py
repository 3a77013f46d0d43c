"""The send side as the platform documents it, beyond what a request looks like: repeated
numbers, the length of ``extend``, the size of a batch, limits that apply to Chinese mainland
numbers only, the IP allow-list and the opt-out list. Sends go through Huawei's SMSApi SDK or
the documented HTTP shapes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmsgsms.v2 import ShowAppRequest
from huaweicloudsdksmsapi.v1 import BatchSendSmsRequest, BatchSendSmsRequestBody

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sdk import msgsms_client
from tests.emulator.sending import (
    ReadyApp,
    Receiver,
    SendApi,
    approved_template,
    configure,
    messages,
    ready_app,
    result_code,
    results,
)
from tests.emulator.test_send_sdk import sdk_client

PROMOTION = "新品${1}上市，拒收请回复R"
NOTICE = "您的订单${1}已发货。"
UK = "+447911123456"


@pytest.fixture
def shop(emulator: EmulatorProcess, api: RawApi, instant_review: None) -> ReadyApp:
    configure(emulator, report_delay_seconds=0)
    return ready_app(api, types=("NOTIFY_TYPE", "PROMOTION_TYPE"))


def _statuses(response: Any) -> list[str]:
    return [r["status"] for r in results(response)]


def _send(app: ReadyApp, template_id: str, to: str, paras: str = '["A1"]') -> BatchSendSmsRequest:
    body = BatchSendSmsRequestBody(
        _from=app.channel, to=to, template_id=template_id, template_paras=paras
    )
    return BatchSendSmsRequest(body=body)


# ---- repeated numbers, extend, batch sizes ------------------------------------------------------


def test_a_repeated_number_is_sent_once_and_its_repeats_answer_e200041(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    to = "+8613800000000,13800000000,+8613800000001,+8613800000000"
    answer = sdk_client(emulator, shop).batch_send_sms(_send(shop, template_id, to))
    assert answer.code == "000000"
    assert [(r.origin_to, r.status) for r in answer.result] == [
        ("+8613800000000", "000000"),
        ("13800000000", "E200041"),
        ("+8613800000001", "000000"),
        ("+8613800000000", "E200041"),
    ]
    billed = [m["recipient"] for m in messages(emulator) if m["billed"]]
    assert sorted(billed) == ["+8613800000000", "+8613800000001"]


def test_extend_takes_128_characters_of_any_script(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    form = {"from": shop.channel, "to": "+8613800000000", "templateId": template_id}
    form["templateParas"] = '["A1"]'
    send = SendApi(emulator)
    taken = send.post("batchSendSms", shop, form={**form, "extend": "扩" * 128})
    assert _statuses(taken) == ["000000"]
    assert messages(emulator)[0]["extend"] == "扩" * 128
    refused = send.post("batchSendSms", shop, form={**form, "extend": "扩" * 129})
    assert (refused.status_code, result_code(refused)) == (400, "E000503")


def test_a_diff_group_takes_1000_numbers(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    numbers = [f"+86138{n:08d}" for n in range(1001)]
    group = {"templateId": template_id, "templateParas": ["A1"]}
    send = SendApi(emulator)
    body = {"from": shop.channel, "smsContent": [{**group, "to": numbers[:1000]}]}
    assert _statuses(send.diff(shop, body)) == ["000000"] * 1000
    body = {"from": shop.channel, "smsContent": [{**group, "to": numbers}]}
    refused = send.diff(shop, body)
    assert (refused.status_code, result_code(refused)) == (400, "E000503")
    assert "at most 1000" in refused.json()["description"]


# ---- limits -----------------------------------------------------------------------------------


def test_an_international_number_is_not_held_to_the_mainland_limits(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    # the same content to the same number: the mainland allows 2 per 59 seconds
    mainland = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    client = sdk_client(emulator, shop)
    for _ in range(3):
        client.batch_send_sms(_send(shop, mainland, "+8613800000000"))
    world = ready_app(api, name="world", scope="intl")
    abroad = approved_template(api, world, "Your parcel ${1} has shipped.", ["CHARDIGIT"])
    world_client = sdk_client(emulator, world)
    for _ in range(3):
        body = BatchSendSmsRequestBody(
            _from=world.intl_channel, to=UK, template_id=abroad, template_paras='["A1"]'
        )
        world_client.batch_send_sms(BatchSendSmsRequest(body=body))
    outcomes = [(m["recipient"], m["outcome"]) for m in messages(emulator)]
    assert (
        outcomes
        == [("+8613800000000", "DELIVRD")] * 2
        + [("+8613800000000", "MILIMIT")]
        + [(UK, "DELIVRD")] * 3
    )


# ---- the IP allow-list ------------------------------------------------------------------------


def test_an_app_with_an_ip_allow_list_refuses_sends_from_other_addresses(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    client = sdk_client(emulator, shop)
    allow = emulator.admin.put(
        f"/apps/{shop.id}/ip-white-list", json={"ip_white_list": " 10.0.0.0/8, 192.0.2.7"}
    )
    assert allow.json() == {"ip_white_list": "10.0.0.0/8,192.0.2.7"}
    with pytest.raises(ClientRequestException) as refused:
        client.batch_send_sms(_send(shop, template_id, "+8613800000000"))
    assert refused.value.status_code == 403
    assert json.loads(refused.value.error_msg)["code"] == "E000620"
    assert messages(emulator) == []
    # the management API shows the list, as ShowApp's ip_white_list
    shown = msgsms_client(emulator).show_app(ShowAppRequest(id=shop.id))
    assert shown.ip_white_list == "10.0.0.0/8,192.0.2.7"
    emulator.admin.put(
        f"/apps/{shop.id}/ip-white-list", json={"ip_white_list": "10.0.0.0/8,127.0.0.1"}
    ).raise_for_status()
    assert client.batch_send_sms(_send(shop, template_id, "+8613800000000")).code == "000000"
    emulator.admin.put(f"/apps/{shop.id}/ip-white-list", json={"ip_white_list": ""})
    assert client.batch_send_sms(_send(shop, template_id, "+8613800000001")).code == "000000"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("10.0.0.300", "not an IP address"), (",".join(["10.0.0.1"] * 101), "at most 100")],
)
def test_bad_ip_allow_lists_are_refused(
    emulator: EmulatorProcess, api: RawApi, value: str, fragment: str
) -> None:
    app = api.create_app()
    response = emulator.admin.put(f"/apps/{app['id']}/ip-white-list", json={"ip_white_list": value})
    assert response.status_code == 400 and fragment in response.json()["error"]
    assert emulator.admin.get(f"/apps/{app['id']}/ip-white-list").json() == {"ip_white_list": ""}
    missing = emulator.admin.put("/apps/nope/ip-white-list", json={"ip_white_list": ""})
    assert missing.status_code == 404


# ---- the opt-out list -------------------------------------------------------------------------


def test_a_number_that_replied_r_gets_no_more_promotions_of_that_signature(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    configure(emulator, report_delay_seconds=0, beijing_time="10:00")
    promotion = approved_template(api, shop, PROMOTION, ["CHARDIGIT"], kind="PROMOTION_TYPE")
    notice = approved_template(api, shop, NOTICE, ["CHARDIGIT"])
    channel = shop.channels["PROMOTION_TYPE"]
    reply = {"from": "+8613800000009", "body": "R", "to": channel + "01"}
    emulator.admin.post(f"/apps/{shop.id}/uplink", json=reply).raise_for_status()
    [listed] = emulator.admin.get("/opt-outs", params={"app_id": shop.id}).json()
    assert (listed["number"], listed["channel_num"], listed["source"]) == (
        "+8613800000009",
        channel,
        "uplink",
    )
    send = SendApi(emulator)
    with Receiver() as receiver:
        form = {"from": channel, "templateId": promotion, "templateParas": '["X1"]'}
        form.update(to="+8613800000009,+8613800000008", statusCallback=receiver.url)
        assert _statuses(send.post("batchSendSms", shop, form=form)) == ["000000", "000000"]
        reports = {r.form["smsMsgId"]: r.form for r in receiver.wait_for(2, "status reports")}
    by_number = {m["recipient"]: m for m in messages(emulator)}
    opted_out = reports[by_number["+8613800000009"]["sms_msg_id"]]
    assert (opted_out["status"], opted_out["source"]) == ("SC:0016", "3")
    assert (by_number["+8613800000009"]["billed"], by_number["+8613800000008"]["billed"]) == (0, 1)
    # notifications are not promotions: they still reach the number
    other = {"from": shop.channel, "templateId": notice, "templateParas": '["A1"]'}
    send.post("batchSendSms", shop, form={**other, "to": "+8613800000009"})
    assert messages(emulator)[-1]["outcome"] == "DELIVRD"
    # taken off the list, the number gets promotions again
    removed = emulator.admin.delete(
        "/opt-outs",
        params={"signature_id": shop.signature_ids["PROMOTION_TYPE"], "number": "13800000009"},
    )
    assert removed.status_code == 204
    assert emulator.admin.get("/opt-outs").json() == []
    send.post("batchSendSms", shop, form={**form, "to": "+8613800000009"})
    assert messages(emulator)[-1]["outcome"] == "DELIVRD"


def test_the_admin_api_adds_and_refuses_opt_outs(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    signature_id = shop.signature_ids["PROMOTION_TYPE"]
    added = emulator.admin.post(
        "/opt-outs", json={"signature_id": signature_id, "number": "13800000005"}
    )
    assert added.status_code == 200, added.text
    assert (added.json()["number"], added.json()["source"]) == ("+8613800000005", "admin")
    assert len(emulator.admin.get("/opt-outs").json()) == 1
    unknown = emulator.admin.post("/opt-outs", json={"signature_id": "nope", "number": "1"})
    assert unknown.status_code == 400, "1 is not a number"
    missing = emulator.admin.post(
        "/opt-outs", json={"signature_id": "nope", "number": "+8613800000005"}
    )
    assert missing.status_code == 404
    absent = emulator.admin.delete(
        "/opt-outs", params={"signature_id": signature_id, "number": "+8613800000006"}
    )
    assert absent.status_code == 404
    emulator.reset()
    assert emulator.admin.get("/opt-outs").json() == []
