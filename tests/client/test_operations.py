"""Every operation sends the request the API defines and reads its answer (mock transport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from providers.client import AuthError, SmsClient
from providers.client.models import (
    AppAddRequest,
    AppQuery,
    AppUpdateRequest,
    BatchSendDiffSmsRequest,
    BatchSendSmsRequest,
    CountryQuery,
    Query,
    SignatureQuery,
    SignatureRequest,
    SmsContent,
    TemplateQuery,
    TemplateRequest,
    VariableAttribute,
)

from .conftest import PROJECT, Harness

SIGNATURE = SignatureRequest(
    app_id="a1",
    signature_name="云商城",
    signature_type="NOTIFY_TYPE",
    signature_source=0,
    is_involved_third="No",
    file_id="f1",
)
TEMPLATE = TemplateRequest(
    app_id="a1",
    region="cn",
    template_name="order-shipped",
    template_content="您的订单${1}已发货",
    template_type="NOTIFY_TYPE",
    sign_id="s1",
    variable_attributes=[VariableAttribute(variable_index=1, variable_type="CHARDIGIT")],
)

# (call, method, path after /v2/{project}/msgsms, query, JSON body sent, answer, check)
Operation = tuple[
    Callable[[SmsClient], Any], str, str, dict[str, str], Any, Any, Callable[[Any], bool]
]
OPERATIONS: dict[str, Operation] = {
    "CreateApp": (
        lambda c: c.create_app(AppAddRequest(app_name="shop", region="cn", show_secret=True)),
        "POST",
        "/apps",
        {},
        {"app_name": "shop", "region": "cn", "show_secret": True},
        {"id": "a1", "app_key": "k1", "app_name": "shop", "app_secret": "s3cr3t"},
        lambda r: r.id == "a1" and r.app_secret.get_secret_value() == "s3cr3t",
    ),
    "ListAppDetails": (
        lambda c: c.list_app_details(AppQuery(app_name="shop", limit=10, offset=0, region="cn")),
        "GET",
        "/apps",
        {"app_name": "shop", "limit": "10", "offset": "0", "region": "cn"},
        None,
        {"results": [{"id": "a1", "app_name": "shop", "status": "LAUNCHED"}], "total": 1},
        lambda r: r.total == 1 and r.results[0].status == "LAUNCHED",
    ),
    "ShowApp": (
        lambda c: c.show_app("a1"),
        "GET",
        "/apps/a1",
        {},
        None,
        {"id": "a1", "app_name": "shop", "tenant": {"customer_id": "c"}, "brand_new": 1},
        lambda r: r.tenant.customer_id == "c" and r.model_extra == {"brand_new": 1},
    ),
    "ShowAppCount": (
        lambda c: c.show_app_count("intl"),
        "GET",
        "/apps-count",
        {"region": "intl"},
        None,
        {"total": 2, "used": 1},
        lambda r: (r.total, r.used) == (2, 1),
    ),
    "UpdateApp": (
        lambda c: c.update_app(
            "a1", AppUpdateRequest(app_name="shop2", region="cn", up_link_addr="")
        ),
        "PUT",
        "/apps/a1",
        {},
        {"app_name": "shop2", "region": "cn", "up_link_addr": ""},
        {"id": "a1", "app_key": "k1", "app_name": "shop2"},
        lambda r: r.app_name == "shop2",
    ),
    "CreateSignature": (
        lambda c: c.create_signature(SIGNATURE),
        "POST",
        "/signatures",
        {},
        SIGNATURE.wire(),
        {"id": "s1", "signature_id": "sid", "signature_name": "云商城"},
        lambda r: r.signature_id == "sid",
    ),
    "ListSignatureDetails": (
        lambda c: c.list_signature_details(SignatureQuery(signature_name="云商城", limit=500)),
        "GET",
        "/signatures",
        {"signature_name": "云商城", "limit": "500"},
        None,
        {"results": [], "total": 0},
        lambda r: r.results == [],
    ),
    "ShowSignature": (
        lambda c: c.show_signature("s1"),
        "GET",
        "/signatures/s1",
        {},
        None,
        {"id": "s1", "status": "PENDING_REVIEW", "signature_source": 0},
        lambda r: r.status == "PENDING_REVIEW",
    ),
    "UpdateSignature": (
        lambda c: c.update_signature("s1", SIGNATURE),
        "PUT",
        "/signatures/s1",
        {},
        SIGNATURE.wire(),
        {"id": "s1", "signature_id": "sid", "signature_name": "云商城"},
        lambda r: r.id == "s1",
    ),
    "DeleteSignature": (
        lambda c: c.delete_signature("s1"),
        "DELETE",
        "/signatures/s1",
        {},
        None,
        None,
        lambda r: r is None,
    ),
    "EnableSignature": (
        lambda c: c.enable_signature("s1"),
        "PUT",
        "/signatures/s1/active",
        {},
        None,
        None,
        lambda r: r is None,
    ),
    "ShowSignatureFile": (
        lambda c: c.show_signature_file("f1"),
        "GET",
        "/upload-files",
        {"file_id": "f1"},
        None,
        {"file_id": "f1", "file_name": "licence.png", "file_size": 3},
        lambda r: r.file_size == 3,
    ),
    "CreateTemplate": (
        lambda c: c.create_template(TEMPLATE),
        "POST",
        "/templates",
        {},
        TEMPLATE.wire(),
        {"id": "t1", "template_name": "order-shipped"},
        lambda r: r.id == "t1",
    ),
    "ListTemplateDetails": (
        lambda c: c.list_template_details(TemplateQuery(has_variable="Yes", sort_dir="asc")),
        "GET",
        "/templates",
        {"has_variable": "Yes", "sort_dir": "asc"},
        None,
        {"results": [{"id": "t1", "flow_status": "Reviewing"}], "total": 1},
        lambda r: r.results[0].flow_status == "Reviewing",
    ),
    "ShowTemplate": (
        lambda c: c.show_template("t1"),
        "GET",
        "/templates/t1",
        {},
        None,
        {"id": "t1", "template_id": "", "send_country1": 33},
        lambda r: r.send_country1 == 33,
    ),
    "UpdateTemplate": (
        lambda c: c.update_template("t1", TEMPLATE),
        "PUT",
        "/templates/t1",
        {},
        TEMPLATE.wire(),
        {"id": "t1", "template_name": "order-shipped"},
        lambda r: r.template_name == "order-shipped",
    ),
    "DeleteTemplate": (
        lambda c: c.delete_template("t1"),
        "DELETE",
        "/templates/t1",
        {},
        None,
        None,
        lambda r: r is None,
    ),
    "ListTemplateVarilableDetails": (
        lambda c: c.list_template_varilable_details("t1"),
        "GET",
        "/templates/t1/varilable",
        {},
        None,
        {"results": [{"id": 7, "variable_index": 1, "variable_type": "CHARDIGIT"}], "total": 1},
        lambda r: r.results[0].variable_type == "CHARDIGIT",
    ),
    "ListSendCountryDetails": (
        lambda c: c.list_send_country_details(CountryQuery(country_name_en="France")),
        "GET",
        "/country",
        {"country_name_en": "France"},
        None,
        [{"country_id": 33, "country_name_en": "France", "country_name_zh": "法国"}],
        lambda r: r[0].country_id == 33,
    ),
    "DeleteTemplates": (
        lambda c: c.delete_templates(["t1", "t2"]),
        "POST",
        "/templates/batch-delete",
        {},
        {"ids": ["t1", "t2"]},
        {
            "success_count": 1,
            "success_ids": ["t1"],
            "failed_count": 1,
            "failed_template_list": [{"id": "t2", "error_msg": "Reviewing"}],
        },
        lambda r: r.success_ids == ["t1"] and r.failed_template_list[0].id == "t2",
    ),
}


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_management_operation(name: str, harness: Callable[..., Harness]) -> None:
    call, method, path, query, body, answer, check = OPERATIONS[name]

    def handler(request: httpx.Request) -> httpx.Response:
        if answer is None:
            return httpx.Response(204)
        return httpx.Response(200, json=answer)

    h = harness(handler)
    result = call(h.client)

    (request,) = h.requests
    assert request.method == method
    assert request.url.host == "msgsms.cn-north-4.myhuaweicloud.com"
    assert request.url.path == f"/v2/{PROJECT}/msgsms{path}"
    assert dict(request.url.params) == query
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Project-Id"] == PROJECT
    assert request.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK-TEST, ")
    if body is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == body
    assert check(result)


def test_the_twenty_one_management_operations_are_all_covered() -> None:
    assert len(OPERATIONS) + 1 == 21  # + UploadSignatureFile, tested below


def test_upload_signature_file_is_multipart_and_unsigned_payload(
    harness: Callable[..., Harness],
) -> None:
    h = harness(lambda r: httpx.Response(200, json={"file_id": "f9"}))
    uploaded = h.client.upload_signature_file(
        b"\x89PNG-bytes", "licence.png", file_desc="business licence"
    )
    assert uploaded.file_id == "f9"
    (request,) = h.requests
    assert request.url.path == f"/v2/{PROJECT}/msgsms/upload-files"
    assert request.url.params["file_desc"] == "business licence"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    assert b'name="file"; filename="licence.png"' in request.content
    assert b"Content-Type: image/png" in request.content
    assert b"\x89PNG-bytes" in request.content


def test_batch_send_sms_is_a_form_signed_with_the_app_key(harness: Callable[..., Harness]) -> None:
    answer = {
        "code": "000000",
        "description": "Success",
        "result": [
            {"originTo": "+8615123456789", "smsMsgId": "m1", "status": "000000", "from": "1069"}
        ],
    }
    h = harness(lambda r: httpx.Response(200, json=answer))
    body = BatchSendSmsRequest(
        from_="1069", to="+8615123456789", templateId="t1", templateParas='["123456"]'
    )
    result = h.client.batch_send_sms(body, app_key="APPKEY", app_secret="APPSECRET")
    (request,) = h.requests
    assert str(request.url) == "https://smsapi.cn-north-4.myhuaweicloud.com/sms/batchSendSms/v1"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=APPKEY, ")
    assert "X-Project-Id" not in request.headers
    form = dict(httpx.QueryParams(request.content.decode()))
    assert form == {
        "from": "1069",
        "to": "+8615123456789",
        "templateId": "t1",
        "templateParas": '["123456"]',
    }
    assert result.result[0].smsMsgId == "m1" and result.result[0].from_ == "1069"


def test_batch_send_diff_sms_is_json_and_can_use_wsse(harness: Callable[..., Harness]) -> None:
    h = harness(lambda r: httpx.Response(200, json={"code": "000000", "result": []}))
    body = BatchSendDiffSmsRequest(
        from_="1069",
        smsContent=[SmsContent(to=["+8615123456789"], templateId="t1", templateParas=["1"])],
    )
    h.client.batch_send_diff_sms(
        body, app_key="APPKEY", app_secret="APPSECRET", scheme="wsse", region="cn-south-1"
    )
    (request,) = h.requests
    assert request.url.host == "smsapi.cn-south-1.myhuaweicloud.com"
    assert request.url.path == "/sms/batchSendDiffSms/v1"
    assert json.loads(request.content) == {
        "from": "1069",
        "smsContent": [{"to": ["+8615123456789"], "templateId": "t1", "templateParas": ["1"]}],
    }
    assert request.headers["Authorization"].startswith('WSSE realm="SDP"')
    assert request.headers["X-WSSE"].startswith('UsernameToken Username="APPKEY"')
    assert "APPSECRET" not in request.headers["X-WSSE"]


def test_a_send_refused_in_the_body_raises_with_its_code(harness: Callable[..., Harness]) -> None:
    h = harness(lambda r: httpx.Response(200, json={"code": "E000102", "description": "bad key"}))
    body = BatchSendSmsRequest(from_="1069", to="+8615123456789", templateId="t1")
    with pytest.raises(AuthError) as caught:
        h.client.batch_send_sms(body, app_key="APPKEY", app_secret="APPSECRET")
    assert caught.value.error_code == "E000102"
    assert caught.value.hint and "app_key" in caught.value.hint


def test_request_models_refuse_unknown_fields_wrong_types_and_out_of_range_values() -> None:
    with pytest.raises(ValidationError):
        AppAddRequest(app_name="shop", region="cn", colour="blue")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        AppAddRequest(app_name="shop", region="moon")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        SignatureRequest(**{**SIGNATURE.wire(), "signature_source": "0"})
    with pytest.raises(ValidationError):
        TemplateQuery(limit=501)
    with pytest.raises(ValidationError):
        TemplateRequest(**{**TEMPLATE.wire(), "template_content": "x" * 501})


def test_booleans_in_queries_are_lower_case() -> None:
    class Flags(Query):
        enabled: bool

    assert Flags(enabled=True).pairs() == [("enabled", "true")]
