"""Every rejection path of the send API answers its documented code, never a 500.

Request-level problems fail the whole request (HTTP 400, ``E000503`` or ``E000000``) and
record nothing; problems of a template, a signature or a number fail those numbers through
their ``status``, and a request where every number failed is ``E000510`` (HTTP 200).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.msgsms.countries import COUNTRIES_BY_ID
from emulator.smsapi.numbers import CHINA, ISO_CODES, parse_recipient
from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sending import (
    ReadyApp,
    SendApi,
    approved_template,
    configure,
    messages,
    ready_app,
    result_code,
    results,
)

ALL_TYPES = ("NOTIFY_TYPE", "VERIFY_CODE_TYPE", "PROMOTION_TYPE")
SHIPPED = "您的订单${1}已发货，收货人${2}。"


@pytest.fixture
def shop(emulator: EmulatorProcess, api: RawApi, instant_review: None) -> ReadyApp:
    return ready_app(api, types=ALL_TYPES)


@pytest.fixture
def shipped(api: RawApi, shop: ReadyApp) -> str:
    """A notification template with a CHARDIGIT and a TEXT variable."""
    return approved_template(api, shop, SHIPPED, ["CHARDIGIT", "TEXT"])


def _form(app: ReadyApp, template_id: str, **fields: str) -> dict[str, str]:
    form = {
        "from": app.channel,
        "to": "+8613800000000",
        "templateId": template_id,
        "templateParas": '["A1","张三"]',
        **fields,
    }
    return {k: v for k, v in form.items() if v != "<drop>"}


def _statuses(response: Any) -> list[str]:
    return [r["status"] for r in results(response)]


# ---- the whole request fails --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"from": "<drop>"}, "E000503"),
        ({"to": "<drop>"}, "E000503"),
        ({"templateId": "<drop>"}, "E000503"),
        ({"templateId": "x" * 33}, "E000503"),
        ({"to": ",".join(f"+86138{n:08d}" for n in range(501))}, "E000503"),
        ({"to": "+8613800000000,+86 13800000001"}, "E000503"),
        ({"to": "+8613800000000,tel:13800000001"}, "E000503"),
        ({"templateParas": '["A1","张三"'}, "E000000"),
        ({"templateParas": "[“A1”,“张三”]"}, "E000000"),
        ({"templateParas": '{"1": "A1"}'}, "E000503"),
        ({"templateParas": "[1, 2]"}, "E000503"),
        ({"templateParas": '["A-1","张三"]'}, "E000503"),
        ({"templateParas": '["A1","张三."]'}, "E000503"),
        ({"templateParas": '["A1","see www.example.com"]'}, "E000503"),
        ({"extend": "x" * 129}, "E000503"),
        ({"statusCallback": "ftp://hooks.example.com/report"}, "E000503"),
        ({"statusCallback": "x" * 1025}, "E000503"),
    ],
)
def test_request_level_problems_fail_the_whole_request(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str, fields: dict[str, str], code: str
) -> None:
    response = SendApi(emulator).post("batchSendSms", shop, form=_form(shop, shipped, **fields))
    assert response.status_code == 400, response.text
    assert result_code(response) == code
    assert messages(emulator) == []


def test_500_recipients_are_allowed(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    to = ",".join(f"+86138{n:08d}" for n in range(500))
    response = SendApi(emulator).post("batchSendSms", shop, form=_form(shop, shipped, to=to))
    assert _statuses(response) == ["000000"] * 500


@pytest.mark.parametrize(
    ("path", "content", "content_type", "code"),
    [
        ("batchSendSms", b'{"from": "1"}', "application/json", "E000000"),
        ("batchSendDiffSms", b"from=1&to=%2B8613800000000", None, "E000000"),
        ("batchSendDiffSms", b'{"from": "1", "smsContent": [', "application/json", "E000000"),
        ("batchSendDiffSms", b"[]", "application/json", "E000000"),
        ("batchSendDiffSms", b'{"from": "1"}', "application/json", "E000503"),
        ("batchSendDiffSms", b"\xff\xfe", "application/json", "E000000"),
        ("batchSendSms", b"to=%FF%FE", "application/x-www-form-urlencoded", "E000000"),
    ],
)
def test_unreadable_bodies(
    emulator: EmulatorProcess,
    shop: ReadyApp,
    path: str,
    content: bytes,
    content_type: str | None,
    code: str,
) -> None:
    kind = content_type or "application/x-www-form-urlencoded"
    response = SendApi(emulator).post(path, shop, content=content, content_type=kind)
    assert response.status_code == 400, response.text
    assert result_code(response) == code


@pytest.mark.parametrize(
    ("group", "code"),
    [
        ({"to": "+8613800000000"}, "E000503"),
        ({"to": []}, "E000503"),
        ({"templateParas": "A1"}, "E000503"),
        ({"templateParas": ["A1", "x" * 1001]}, "E000503"),
        ({"templateId": None}, "E000503"),
        ({"signature": 7}, "E000503"),
    ],
)
def test_diff_groups_are_checked(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str, group: dict[str, Any], code: str
) -> None:
    item = {"to": ["+8613800000000"], "templateId": shipped, "templateParas": ["A1", "张三"]}
    item.update(group)
    body = {"from": shop.channel, "smsContent": [{**item, "templateId": shipped}, item]}
    response = SendApi(emulator).diff(shop, body)
    assert response.status_code == 400, response.text
    assert result_code(response) == code
    assert messages(emulator) == [], "a bad group fails the request before anything is sent"


# ---- numbers fail one by one --------------------------------------------------------------------


def test_a_malformed_number_fails_alone(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    to = "+8613800000000,+86123,13800000001,8613800000002,+86+13800000003"
    response = SendApi(emulator).post("batchSendSms", shop, form=_form(shop, shipped, to=to))
    assert result_code(response) == "000000"
    assert _statuses(response) == ["000000", "E000503", "000000", "E000503", "E000503"]
    assert [r["total"] for r in results(response)] == [1, 0, 1, 0, 0]
    assert len([m for m in messages(emulator) if m["billed"]]) == 2


def test_when_every_number_fails_the_code_is_e000510(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    response = SendApi(emulator).post("batchSendSms", shop, form=_form(shop, shipped, to="+86123"))
    assert response.status_code == 200
    assert result_code(response) == "E000510"
    assert "+86123" in response.json()["description"]
    assert _statuses(response) == ["E000503"]


def test_numbers_outside_the_mainland_need_an_intl_app(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    to = "+447911123456,+8613800000000"
    response = SendApi(emulator).post("batchSendSms", shop, form=_form(shop, shipped, to=to))
    assert [(r["status"], r["countryId"]) for r in results(response)] == [
        ("E200024", "GB"),
        ("000000", "CN"),
    ]


def test_from_must_be_the_channel_of_an_approved_signature_of_the_app(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp, shipped: str
) -> None:
    send = SendApi(emulator)
    unknown = send.post("batchSendSms", shop, form=_form(shop, shipped, **{"from": "1"}))
    assert _statuses(unknown) == ["E200018"]
    other = ready_app(api, name="other", signature="其他商城")
    foreign = send.post("batchSendSms", shop, form=_form(shop, shipped, **{"from": other.channel}))
    assert result_code(foreign) == "E000510"
    assert _statuses(foreign) == ["E200018"]
    emulator.admin.post(
        f"/signatures/{shop.signature_ids['NOTIFY_TYPE']}/review", json={"decision": "reject"}
    ).raise_for_status()
    rejected = send.post("batchSendSms", shop, form=_form(shop, shipped))
    assert _statuses(rejected) == ["E200018"]


def test_the_template_must_be_the_apps_approved_one_for_that_signature(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp, shipped: str
) -> None:
    send = SendApi(emulator)
    other = ready_app(api, name="other", signature="其他商城")
    foreign = approved_template(api, other, SHIPPED, ["CHARDIGIT", "TEXT"])
    assert _statuses(send.post("batchSendSms", shop, form=_form(shop, foreign))) == ["E200020"]
    assert _statuses(send.post("batchSendSms", shop, form=_form(shop, "0" * 32))) == ["E200020"]
    verify_channel = _form(shop, shipped, **{"from": shop.channels["VERIFY_CODE_TYPE"]})
    assert _statuses(send.post("batchSendSms", shop, form=verify_channel)) == ["E200020"]
    template = next(
        t
        for t in api.ok("GET", "/templates", params=[("limit", "50")])["results"]
        if t["template_id"] == shipped
    )
    emulator.admin.post(
        f"/templates/{template['id']}/review", json={"decision": "reject"}
    ).raise_for_status()
    assert _statuses(send.post("batchSendSms", shop, form=_form(shop, shipped))) == ["E200030"]


@pytest.mark.parametrize(
    ("paras", "why"),
    [
        ('["A1"]', "too few values"),
        ('["A1","张三","多余"]', "too many values"),
        ('["A1",""]', "an empty value"),
        ('["' + "A" * 21 + '","张三"]', "21 characters for a CHARDIGIT"),
        ('["A1","' + "张" * 21 + '"]', "21 characters for a TEXT"),
    ],
)
def test_values_must_fit_the_variables(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str, paras: str, why: str
) -> None:
    response = SendApi(emulator).post(
        "batchSendSms", shop, form=_form(shop, shipped, templateParas=paras)
    )
    assert _statuses(response) == ["E200028"], why


def test_values_are_checked_by_variable_type(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(
        api, shop, "号码${1}于${2}付款${3}元。", ["PHONE", "DATETIME", "MONEY"]
    )
    send = SendApi(emulator)
    for values, status in [
        (["+86-10-1234", "2024-05-01 08:00", "12.50"], "000000"),
        (["1234", "5月1日", "一百二十"], "000000"),
        (["123", "08:00", "1"], "E200028"),
    ]:
        form = _form(shop, template_id, templateParas=json.dumps(values, ensure_ascii=False))
        assert _statuses(send.post("batchSendSms", shop, form=form)) == [status], values
    for values in (["1234-", "08:00", "1"], ["1234", "明天", "1"], ["1234", "08:00", "$1"]):
        form = _form(shop, template_id, templateParas=json.dumps(values, ensure_ascii=False))
        response = send.post("batchSendSms", shop, form=form)
        assert result_code(response) == "E000503", values


def test_a_verification_code_is_at_most_8_characters(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(
        api, shop, "您的验证码为${1}，5分钟内有效。", ["CHARDIGIT"], kind="VERIFY_CODE_TYPE"
    )
    send = SendApi(emulator)
    channel = shop.channels["VERIFY_CODE_TYPE"]
    for code, status in (("12345678", "000000"), ("123456789", "E200028")):
        form = _form(shop, template_id, **{"from": channel}, templateParas=f'["{code}"]')
        assert _statuses(send.post("batchSendSms", shop, form=form)) == [status], code


def test_universal_templates_need_an_approved_signature_of_their_type(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    api.create_signature(shop.id, "验证中心", "VERIFY_CODE_TYPE")
    template_id = approved_template(
        api, shop, "您的包裹${1}已到。", ["CHARDIGIT"], universal_template=1
    )
    send = SendApi(emulator)
    form = _form(shop, template_id, templateParas='["P1"]')
    missing = send.post("batchSendSms", shop, form=form)
    assert (missing.status_code, result_code(missing)) == (400, "E000503")
    named = send.post("batchSendSms", shop, form={**form, "signature": "云商城"})
    assert _statuses(named) == ["000000"]
    assert messages(emulator)[-1]["content"] == "【云商城】您的包裹P1已到。"
    unknown = send.post("batchSendSms", shop, form={**form, "signature": "无此签名"})
    assert _statuses(unknown) == ["E200021"]
    other_type = send.post("batchSendSms", shop, form={**form, "signature": "验证中心"})
    assert _statuses(other_type) == ["E200029"]


def test_gb_brackets_frame_the_signature(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, "您的包裹${1}已到。", ["CHARDIGIT"], brackets="GB")
    response = SendApi(emulator).post(
        "batchSendSms", shop, form=_form(shop, template_id, templateParas='["P1"]')
    )
    assert _statuses(response) == ["000000"]
    assert messages(emulator)[-1]["content"] == "[云商城]您的包裹P1已到。"


def test_promotions_are_sent_between_8_and_22_beijing_time(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(
        api, shop, "新品${1}上市，拒收请回复R", ["CHARDIGIT"], kind="PROMOTION_TYPE"
    )
    send = SendApi(emulator)
    form = _form(
        shop, template_id, **{"from": shop.channels["PROMOTION_TYPE"]}, templateParas='["X1"]'
    )
    for moment, status in (("07:59", "E200037"), ("08:00", "000000"), ("21:59", "000000")):
        configure(emulator, beijing_time=moment)
        assert _statuses(send.post("batchSendSms", shop, form=form)) == [status], moment
    configure(emulator, beijing_time="22:00")
    late = send.post("batchSendSms", shop, form=form)
    assert result_code(late) == "E000510"
    assert "08:00-22:00" in late.json()["description"]


def test_an_intl_app_sends_with_its_channel_to_its_templates_countries(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    world = ready_app(api, name="world", scope="intl")
    assert world.intl_channel
    template_id = approved_template(
        api, world, "Your code is ${1}", ["CHARDIGIT"], send_country=[44, 65]
    )
    form = {"from": world.intl_channel, "templateId": template_id, "templateParas": '["A1"]'}
    to = "+447911123456,+6581234567,+8613800000000,+12025550123,+999123456789"
    response = SendApi(emulator).post("batchSendSms", world, form={**form, "to": to})
    assert [(r["status"], r["countryId"]) for r in results(response)] == [
        ("000000", "GB"),
        ("000000", "SG"),
        ("E200025", "CN"),
        ("E200025", "US"),
        ("E200025", "--"),
    ]
    assert messages(emulator)[0]["content"] == "Your code is A1"
    wrong = SendApi(emulator).post(
        "batchSendSms", world, form={**form, "to": "+447911123456", "from": "isms00000000"}
    )
    assert _statuses(wrong) == ["E200018"]


def test_diff_groups_fail_and_succeed_independently(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    body = {
        "from": shop.channel,
        "smsContent": [
            {"to": ["+8613800000000"], "templateId": shipped, "templateParas": ["A1", "张三"]},
            {"to": ["+8613800000001"], "templateId": shipped, "templateParas": ["A1"]},
            {"to": ["+8613800000002", "+8613800000002"], "templateId": "0" * 32},
        ],
    }
    response = SendApi(emulator).diff(shop, body)
    assert result_code(response) == "000000"
    # a group's refusal holds for every number of it, a repeated one too
    assert _statuses(response) == ["000000", "E200028", "E200020", "E200020"]


def test_every_destination_of_intl_templates_has_a_country_id() -> None:
    assert set(COUNTRIES_BY_ID) | {CHINA} == set(ISO_CODES)
    for code in COUNTRIES_BY_ID:
        recipient = parse_recipient(f"+{code}" + "1234567")
        assert (recipient.calling_code, recipient.country_id) == (code, ISO_CODES[code])


# ---- never a 500 --------------------------------------------------------------------------------

FIELDS = ["from", "to", "templateId", "templateParas", "statusCallback", "extend", "signature"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    form=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=7),
    raw=st.binary(max_size=200),
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from([*FIELDS, "smsContent"]), inner, max_size=4)
        ),
        max_leaves=12,
    ),
)
def test_arbitrary_requests_never_answer_a_server_error(
    emulator: EmulatorProcess,
    shop: ReadyApp,
    form: dict[str, str],
    raw: bytes,
    document: Any,
) -> None:
    send = SendApi(emulator)
    answers = [
        send.post("batchSendSms", shop, form=form),
        send.post(
            "batchSendSms", shop, content=raw, content_type="application/x-www-form-urlencoded"
        ),
        send.post("batchSendDiffSms", shop, json_body=document),
        send.post("batchSendDiffSms", shop, content=raw, content_type="application/json"),
    ]
    for response in answers:
        assert response.status_code in (200, 400), response.text
        result_code(response)
