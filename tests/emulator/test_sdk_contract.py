"""Contract: Huawei's official MSGSMS SDK, unchanged, against a real emulator process."""

from __future__ import annotations

from pathlib import Path

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkmsgsms.v2 import (
    CreateAppRequest,
    CreateSignatureRequest,
    CreateTemplateRequest,
    DeleteSignatureRequest,
    DeleteTemplateRequest,
    EnableSignatureRequest,
    ListAppDetailsRequest,
    ListSendCountryDetailsRequest,
    ListSignatureDetailsRequest,
    ListTemplateDetailsRequest,
    ListTemplateVarilableDetailsRequest,
    MsgsmsClient,
    ShowAppCountRequest,
    ShowAppRequest,
    ShowSignatureFileRequest,
    ShowSignatureRequest,
    ShowTemplateRequest,
    SmsAppAddReq,
    SmsAppUpdateReq,
    SmsSignatureReq,
    SmsTemplateReq,
    SmsTemplateVariableAttrReq,
    UpdateAppRequest,
    UpdateSignatureRequest,
    UpdateTemplateRequest,
    UploadSignatureFileRequest,
    UploadSignatureFileRequestBody,
)

from harness.emulator import EmulatorProcess
from tests.emulator.api import PNG, RawApi
from tests.emulator.conftest import set_review
from tests.emulator.sdk import iam_token, msgsms_client, msgsms_client_via_iam, msgsms_token_client


def _signature_req(app_id: str, name: str = "云商城", **fields: object) -> SmsSignatureReq:
    values: dict[str, object] = {
        "app_id": app_id,
        "signature_name": name,
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        **fields,
    }
    return SmsSignatureReq(**values)


def _template_req(app_id: str, sign_id: str, **fields: object) -> SmsTemplateReq:
    values: dict[str, object] = {
        "app_id": app_id,
        "region": "cn",
        "template_name": "order-shipped",
        "template_content": "您的订单${1}已发货，预计${2}送达。",
        "template_type": "NOTIFY_TYPE",
        "sign_id": sign_id,
        "variable_attributes": [
            SmsTemplateVariableAttrReq(variable_index=1, variable_type="CHARDIGIT"),
            SmsTemplateVariableAttrReq(variable_index=2, variable_type="DATETIME"),
        ],
        **fields,
    }
    return SmsTemplateReq(**values)


def _sdk_error(call: object) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_every_operation_through_the_sdk(
    emulator: EmulatorProcess, sdk: MsgsmsClient, api: RawApi, tmp_path: Path
) -> None:
    set_review(emulator, "manual")
    # apps
    created = sdk.create_app(
        CreateAppRequest(body=SmsAppAddReq(app_name="shop", region="cn", show_secret=True))
    )
    assert created.app_key and created.app_secret and created.app_name == "shop"
    count = sdk.show_app_count(ShowAppCountRequest(region="cn"))
    assert (count.total, count.used) == (2, 1)
    updated = sdk.update_app(
        UpdateAppRequest(
            id=created.id,
            body=SmsAppUpdateReq(
                app_name="shop2", region="cn", up_link_addr="https://hooks.example.com/up"
            ),
        )
    )
    assert (updated.id, updated.app_name) == (created.id, "shop2")
    shown = sdk.show_app(ShowAppRequest(id=created.id))
    assert shown.up_link_addr == "https://hooks.example.com/up"
    assert shown.status == "LAUNCHED" and shown.region == "cn"
    assert shown.app_access_addr == emulator.region("cn-north-4")["smsapi_url"]
    apps = sdk.list_app_details(ListAppDetailsRequest(app_name="shop2", region="cn"))
    assert apps.total == 1 and apps.results[0].app_key == created.app_key

    # signature files
    licence = tmp_path / "licence.png"
    licence.write_bytes(PNG)
    with licence.open("rb") as stream:
        uploaded = sdk.upload_signature_file(
            UploadSignatureFileRequest(
                file_desc="business licence",
                body=UploadSignatureFileRequestBody(file=FormFile(stream, "licence.png")),
            )
        )
    file = sdk.show_signature_file(ShowSignatureFileRequest(file_id=uploaded.file_id))
    assert (file.file_name, file.file_size, file.file_desc) == (
        "licence.png",
        len(PNG),
        "business licence",
    )

    # signatures
    signature = sdk.create_signature(
        CreateSignatureRequest(body=_signature_req(created.id, file_id=uploaded.file_id))
    )
    assert signature.signature_name == "云商城" and signature.signature_id
    pending = sdk.show_signature(ShowSignatureRequest(id=signature.id))
    assert pending.status == "PENDING_REVIEW" and pending.channel_num is None
    assert pending.app_name == "shop2" and pending.file_id == uploaded.file_id
    emulator.admin.post(
        f"/signatures/{signature.id}/review", json={"decision": "reject", "review_desc": "blurry"}
    ).raise_for_status()
    resubmitted = sdk.update_signature(
        UpdateSignatureRequest(
            id=signature.id, body=_signature_req(created.id, apply_desc="clear scan")
        )
    )
    assert resubmitted.id == signature.id
    assert sdk.show_signature(ShowSignatureRequest(id=signature.id)).status == "PENDING_REVIEW"
    emulator.admin.post(
        f"/signatures/{signature.id}/review",
        json={"decision": "approve", "status": "TO_BE_ACTIVATED"},
    ).raise_for_status()
    sdk.enable_signature(EnableSignatureRequest(id=signature.id))
    activating = sdk.show_signature(ShowSignatureRequest(id=signature.id))
    assert activating.status == "PENDING_ACTIVATE" and activating.channel_num
    listed = sdk.list_signature_details(
        ListSignatureDetailsRequest(signature_name="云商城", status="PENDING_ACTIVATE")
    )
    assert [s.id for s in listed.results] == [signature.id]

    # templates
    template = sdk.create_template(
        CreateTemplateRequest(body=_template_req(created.id, signature.id))
    )
    assert template.template_name == "order-shipped"
    variables = sdk.list_template_varilable_details(
        ListTemplateVarilableDetailsRequest(id=template.id)
    )
    assert [(v.variable_index, v.variable_type, v.variable_length) for v in variables.results] == [
        (1, "CHARDIGIT", 20),
        (2, "DATETIME", 20),
    ]
    emulator.admin.post(
        f"/templates/{template.id}/review", json={"decision": "reject", "review_desc": "vague"}
    ).raise_for_status()
    rejected = sdk.show_template(ShowTemplateRequest(id=template.id))
    assert (rejected.flow_status, rejected.review_desc, rejected.template_id) == (
        "Reject",
        "vague",
        None,
    )
    sdk.update_template(
        UpdateTemplateRequest(
            id=template.id,
            body=_template_req(created.id, signature.id, template_desc="order notices"),
        )
    )
    emulator.admin.post(f"/templates/{template.id}/review", json={"decision": "approve"})
    adopted = sdk.show_template(ShowTemplateRequest(id=template.id))
    assert adopted.flow_status == "Adopted" and adopted.template_id
    assert adopted.has_variable == "Yes" and adopted.template_desc == "order notices"
    found = sdk.list_template_details(
        ListTemplateDetailsRequest(template_id=adopted.template_id, flow_status="Adopted")
    )
    assert [t.id for t in found.results] == [template.id]
    countries = sdk.list_send_country_details(
        ListSendCountryDetailsRequest(country_name_en="Afghanistan")
    )
    assert [(c.country_id, c.country_name_zh) for c in countries.body] == [(93, "阿富汗")]

    # deletion, and the batch delete the SDK does not have
    second = api.create_template(created.id, signature.id, name="second")
    third = api.create_template(created.id, signature.id, name="third")
    emulator.admin.post(f"/templates/{third['id']}/review", json={"decision": "approve"})
    ids = [second["id"], third["id"], "nope"]
    result = api.ok("POST", "/templates/batch-delete", json_body={"ids": ids})
    assert (result["success_count"], result["success_ids"]) == (1, [third["id"]])
    failed = {f["id"]: f["error_msg"] for f in result["failed_template_list"]}
    assert result["failed_count"] == 2 and "under review" in failed[second["id"]]
    assert "does not exist" in failed["nope"]
    emulator.admin.post(f"/templates/{second['id']}/review", json={"decision": "approve"})
    sdk.delete_template(DeleteTemplateRequest(id=second["id"]))
    sdk.delete_template(DeleteTemplateRequest(id=template.id))
    sdk.delete_signature(DeleteSignatureRequest(id=signature.id))
    assert sdk.list_template_details(ListTemplateDetailsRequest()).total == 0
    assert sdk.list_signature_details(ListSignatureDetailsRequest()).total == 0


def test_sdk_resolves_the_project_id_through_iam(emulator: EmulatorProcess) -> None:
    BasicCredentials._CACHE.clear()  # the SDK caches project ids per AK and region
    since = emulator.last_seq()
    with msgsms_client_via_iam(emulator, "cn-south-1") as client:
        client.create_app(CreateAppRequest(body=SmsAppAddReq(app_name="south", region="cn")))
        assert client.list_app_details(ListAppDetailsRequest()).total == 1
    calls = [
        (r["api"], r["method"], r["path"], r["query"], r["status"])
        for r in emulator.requests(since)
    ]
    assert calls[0] == ("iam", "GET", "/v3/projects", "name=cn-south-1", 200)
    project = emulator.region("cn-south-1")["project_id"]
    assert calls[1] == ("msgsms", "POST", f"/v2/{project}/msgsms/apps", "", 200)
    north = msgsms_client(emulator, "cn-north-4")
    assert north.list_app_details(ListAppDetailsRequest()).total == 0


def test_sdk_with_a_password_token(emulator: EmulatorProcess) -> None:
    client = msgsms_token_client(emulator, iam_token(emulator, "ap-southeast-1"), "ap-southeast-1")
    app = client.create_app(CreateAppRequest(body=SmsAppAddReq(app_name="world", region="intl")))
    shown = client.show_app(ShowAppRequest(id=app.id))
    assert shown.region == "intl" and shown.intl_channel_num
    assert app.app_secret is None  # only with show_secret
    logged = emulator.requests(api="msgsms")
    assert [r["status"] for r in logged] == [200, 200]


def test_sdk_sees_the_documented_error_codes(
    emulator: EmulatorProcess, sdk: MsgsmsClient, api: RawApi
) -> None:
    set_review(emulator, "manual")
    missing = _sdk_error(lambda: sdk.show_app(ShowAppRequest(id="no-such-app")))
    assert (missing.status_code, missing.error_code) == (400, "MSGSMS.0014")
    logged = emulator.requests(api="msgsms")[-1]
    assert missing.request_id == logged["request_id"]
    app = api.create_app()
    signature = api.create_signature(app["id"])
    duplicate = _sdk_error(
        lambda: sdk.create_signature(CreateSignatureRequest(body=_signature_req(app["id"])))
    )
    assert duplicate.error_code == "MSGSMS.0006"
    not_rejected = _sdk_error(
        lambda: sdk.update_signature(
            UpdateSignatureRequest(id=signature["id"], body=_signature_req(app["id"]))
        )
    )
    assert not_rejected.error_code == "MSGSMS.0007"
    template = api.create_template(app["id"], signature["id"])
    reviewing = _sdk_error(
        lambda: sdk.update_template(
            UpdateTemplateRequest(id=template["id"], body=_template_req(app["id"], signature["id"]))
        )
    )
    assert reviewing.error_code == "MSGSMS.0010"
    undeletable = _sdk_error(lambda: sdk.delete_template(DeleteTemplateRequest(id=template["id"])))
    assert undeletable.error_code == "MSGSMS.0035"
    bad_sign = _sdk_error(
        lambda: sdk.create_template(CreateTemplateRequest(body=_template_req(app["id"], "nope")))
    )
    assert bad_sign.error_code == "MSGSMS.0012"
    no_file = _sdk_error(lambda: sdk.show_signature_file(ShowSignatureFileRequest(file_id="nope")))
    assert no_file.error_code == "MSGSMS.0011"
    info = emulator.info
    wrong_key = (
        MsgsmsClient.new_builder()
        .with_credentials(BasicCredentials(info["access_key"], "not-the-secret", api.project_id))
        .with_endpoint(api.base)
        .build()
    )
    unauthorized = _sdk_error(lambda: wrong_key.list_app_details(ListAppDetailsRequest()))
    assert (unauthorized.status_code, unauthorized.error_code) == (401, "APIG.0301")


def test_sdk_pages_through_a_listing(
    emulator: EmulatorProcess, sdk: MsgsmsClient, api: RawApi
) -> None:
    app = api.create_app()
    names = [f"签名{chr(ord('A') + i)}" for i in range(23)]
    ids = [api.create_signature(app["id"], name)["id"] for name in names]
    pages = [
        sdk.list_signature_details(ListSignatureDetailsRequest(limit=10, offset=offset))
        for offset in (0, 10, 20)
    ]
    assert [len(p.results) for p in pages] == [10, 10, 3]
    assert {p.total for p in pages} == {23}
    newest_first = [s.id for p in pages for s in p.results]
    assert newest_first == ids[::-1]
    oldest_first = sdk.list_signature_details(
        ListSignatureDetailsRequest(limit=500, sort_dir="asc", sort_key="create_time")
    )
    assert [s.id for s in oldest_first.results] == ids
    past_the_end = sdk.list_signature_details(ListSignatureDetailsRequest(offset=23))
    assert (past_the_end.total, past_the_end.results) == (23, [])
    for limit in (0, 501):
        error = _sdk_error(
            lambda limit=limit: sdk.list_signature_details(ListSignatureDetailsRequest(limit=limit))
        )
        assert (error.status_code, error.error_code) == (400, "MSGSMS.0002")
