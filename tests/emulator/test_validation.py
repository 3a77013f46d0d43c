"""Bad input gets a 400 in the MSGSMS shape naming the field, never a 500 or a traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from harness.emulator import EmulatorProcess
from tests.emulator.api import PNG, RawApi, error_of, signature_body, template_body

RAW = object()  # marks a body given as raw bytes


def _expect_invalid(response: Any, *fragments: str) -> str:
    assert response.status_code == 400, (response.status_code, response.text)
    assert error_of(response) == "MSGSMS.0002"
    body = response.json()
    assert body["error_msg"] == "Invalid Parameter."
    for fragment in fragments:
        assert fragment in body["error_detail"], body["error_detail"]
    assert "Traceback" not in response.text
    return str(body["error_detail"])


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        (b'{"app_name": "shop", ', ("body", "malformed JSON")),
        (b"\xff\xfe not utf-8", ("body",)),
        (b"[1, 2]", ("body", "dictionary")),
        (b"", ("body", "Field required")),
        ({"app_name": 123, "region": "cn"}, ("body.app_name", "string")),
        ({"app_name": "shop"}, ("body.region", "Field required")),
        ({"app_name": "shop", "region": "cn", "color": "red"}, ("body.color", "Extra inputs")),
        ({"app_name": "shop", "region": "eu"}, ("body.region", "'cn' or 'intl'")),
        ({"app_name": "   ", "region": "cn"}, ("body.app_name", "pattern")),
        ({"app_name": "x" * 65, "region": "cn"}, ("body.app_name", "at most 64")),
        ({"app_name": "shop", "region": "cn", "show_secret": "true"}, ("body.show_secret",)),
        ({"app_name": "shop", "region": "cn", "up_link_addr": "x" * 129}, ("up_link_addr",)),
        (
            {"app_name": "shop", "region": "intl", "up_link_addr": "https://x.example"},
            ("up_link_addr", "cn apps only"),
        ),
    ],
)
def test_create_app_rejects_bad_bodies(api: RawApi, body: Any, fragments: tuple[str, ...]) -> None:
    if isinstance(body, bytes):
        response = api.send("POST", "/apps", content=body)
    else:
        response = api.send("POST", "/apps", json_body=body)
    _expect_invalid(response, *fragments)


def test_app_names_and_uplink_addresses_take_what_the_definition_takes(api: RawApi) -> None:
    # CreateApp's definition: app_name 1-64 and not blank, up_link_addr 1-128; the console's
    # character rules are not the API's
    created = api.create_app("a b&c", up_link_addr="hooks.example.com/sms")
    shown = api.ok("GET", f"/apps/{created['id']}")
    assert (shown["app_name"], shown["up_link_addr"]) == ("a b&c", "hooks.example.com/sms")


def test_the_location_alias_of_region_is_accepted(api: RawApi) -> None:
    created = api.ok("POST", "/apps", json_body={"app_name": "shop", "location": "cn"})
    assert api.ok("GET", f"/apps/{created['id']}")["region"] == "cn"


@pytest.mark.parametrize(
    ("suffix", "params", "fragments"),
    [
        ("/apps", [("limit", "abc")], ("query.limit",)),
        ("/apps", [("limit", "0")], ("query.limit", "greater than or equal to 1")),
        ("/apps", [("limit", "501")], ("query.limit", "less than or equal to 500")),
        ("/apps", [("offset", "-1")], ("query.offset",)),
        ("/apps", [("sort_dir", "up")], ("query.sort_dir",)),
        ("/apps", [("sort_key", "app_name")], ("sort_key", "create_time")),
        ("/apps", [("start_time", "yesterday")], ("start_time",)),
        ("/apps", [("status", "GONE")], ("query.status",)),
        ("/apps-count", [], ("query.region", "Field required")),
        ("/signatures", [("sort_key", "name")], ("sort_key",)),
        ("/templates", [("has_variable", "yes")], ("query.has_variable",)),
        ("/templates", [("flow_status", "Approved")], ("query.flow_status",)),
        ("/upload-files", [], ("query.file_id", "Field required")),
        ("/country", [("country_name_en", "")], ("query.country_name_en",)),
        ("/apps", [("app_name", "x" * 65)], ("query.app_name", "at most 64")),
        ("/signatures", [("app_name", "x" * 65)], ("query.app_name", "at most 64")),
        ("/signatures", [("signature_name", "x" * 33)], ("query.signature_name", "at most 32")),
        ("/templates", [("app_name", "x" * 65)], ("query.app_name", "at most 64")),
        ("/templates", [("app_key", "x" * 129)], ("query.app_key", "at most 128")),
        ("/apps", [("sort_key", "x" * 65)], ("query.sort_key", "at most 64")),
        ("/apps/" + "x" * 65, [], ("path.id", "at most 64")),
        ("/signatures/" + "x" * 65, [], ("path.id", "at most 64")),
        ("/templates/" + "x" * 65 + "/varilable", [], ("path.id", "at most 64")),
    ],
)
def test_listings_reject_bad_query_parameters(
    api: RawApi, suffix: str, params: list[tuple[str, str]], fragments: tuple[str, ...]
) -> None:
    _expect_invalid(api.send("GET", suffix, params=params), *fragments)


def test_list_filters_take_the_definitions_lengths(api: RawApi) -> None:
    assert api.ok("GET", "/templates", params=[("app_key", "k" * 128)])["total"] == 0
    assert api.ok("GET", "/signatures", params=[("signature_name", "签" * 32)])["total"] == 0
    # a 64-character id is well-formed: it names no app
    assert error_of(api.send("GET", "/apps/" + "x" * 64)) == "MSGSMS.0014"
    long_key = api.send("GET", "/apps", params=[("sort_key", "k" * 64)])
    _expect_invalid(long_key, "sort_key", "create_time")


def test_signature_bodies_are_checked(api: RawApi) -> None:
    app = api.create_app()
    good = signature_body(app["id"])
    cases: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        ({**good, "signature_source": "0"}, ("body.signature_source", "integer")),
        ({**good, "signature_source": 9}, ("body.signature_source",)),
        ({**good, "signature_type": "SPAM_TYPE"}, ("body.signature_type",)),
        ({**good, "signature_name": " "}, ("body.signature_name", "pattern")),
        ({**good, "signature_name": "云" * 33}, ("body.signature_name", "at most 32")),
        ({**good, "is_involved_third": "maybe"}, ("body.is_involved_third",)),
        ({**good, "is_involved_third": "Yes"}, ("power_attorney_fileid",)),
        ({**good, "apply_desc": "x" * 101}, ("body.apply_desc",)),
        ({**good, "qualification_id": "a b"}, ("body.qualification_id",)),
        ({k: v for k, v in good.items() if k != "app_id"}, ("body.app_id", "Field required")),
    ]
    for body, fragments in cases:
        _expect_invalid(api.send("POST", "/signatures", json_body=body), *fragments)
    missing_file = api.send("POST", "/signatures", json_body={**good, "file_id": "nope"})
    assert error_of(missing_file) == "MSGSMS.0011"
    missing_app = api.send("POST", "/signatures", json_body={**good, "app_id": "nope"})
    assert error_of(missing_app) == "MSGSMS.0014"


def test_template_bodies_are_checked(api: RawApi) -> None:
    app = api.create_app()
    signature = api.create_signature(app["id"])
    good = template_body(app["id"], signature["id"])
    text_attribute = [{"variable_index": 1, "variable_type": "TEXT"}]
    cases: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        ({**good, "template_content": "x" * 501}, ("body.template_content", "at most 500")),
        ({**good, "template_content": ""}, ("body.template_content",)),
        ({**good, "template_type": "VERIFY_CODE_TYPE"}, ("template_type", "signature's type")),
        ({**good, "universal_template": 2}, ("body.universal_template",)),
        ({**good, "flow_status": "Adopted"}, ("body.flow_status",)),
        ({**good, "variable_attributes": text_attribute}, ("variable_desc is required",)),
        (
            {**good, "variable_attributes": [{"variable_index": 2, "variable_type": "MONEY"}]},
            ("variable_attributes[0].variable_index", "1 variable"),
        ),
        (
            {**good, "variable_attributes": [{"variable_index": 1, "variable_type": "EMOJI"}]},
            ("body.variable_attributes.0.variable_type",),
        ),
        ({**good, "send_country": [65]}, ("send_country", "intl")),
        ({**good, "region": "intl"}, ("region", "cn app")),
        ({k: v for k, v in good.items() if k != "sign_id"}, ("sign_id",)),
        ({**good, "template_content": "${1}" * 21}, ("21 variables",)),
    ]
    for body, fragments in cases:
        _expect_invalid(api.send("POST", "/templates", json_body=body), *fragments)
    wrong_sign = api.send("POST", "/templates", json_body={**good, "sign_id": "nope"})
    assert error_of(wrong_sign) == "MSGSMS.0012"


def test_intl_templates_need_known_send_countries(api: RawApi) -> None:
    app = api.create_app("world", "intl")
    good = {
        "app_id": app["id"],
        "region": "intl",
        "template_name": "otp",
        "template_content": "Your code is ${1}",
        "template_type": "NOTIFY_TYPE",
        "send_country": [65, 852],
    }
    assert api.ok("POST", "/templates", json_body=good)["template_name"] == "otp"
    for body, fragment in [
        ({**good, "send_country": []}, "send_country"),
        ({**good, "send_country": [65, 852, 81, 82]}, "body.send_country"),
        ({**good, "send_country": [9999]}, "unknown country"),
        ({**good, "template_type": "PROMOTION_TYPE"}, "NOTIFY_TYPE"),
        ({**good, "sign_id": "x"}, "cn templates only"),
    ]:
        _expect_invalid(api.send("POST", "/templates", json_body=body), fragment)


def _multipart(name: str, data: bytes, field: str = "file") -> tuple[bytes, dict[str, str]]:
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("name", "data", "field", "fragment"),
    [
        ("big.png", PNG + b"\0" * (2 * 1024 * 1024), "file", "2 MB"),
        ("notes.txt", b"hello", "file", "not a jpg, jpeg, png, gif or pdf"),
        ("fake.png", b"GIF89a....", "file", "not a png file"),
        ("empty.png", b"", "file", "empty"),
        ("licence.png", PNG, "attachment", "body.file"),
    ],
)
def test_uploads_are_checked(
    api: RawApi, name: str, data: bytes, field: str, fragment: str
) -> None:
    body, headers = _multipart(name, data, field)
    response = api.send("POST", "/upload-files", content=body, headers=headers)
    _expect_invalid(response, fragment)


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("my licence.png", "MSGSMS.0132", "File name is empty, too long or have space."),
        ("x" * 61 + ".png", "MSGSMS.0132", "File name is empty, too long or have space."),
        ("licence#1.png", "MSGSMS.0133", "File name illegal character."),
        ("a{b}.png", "MSGSMS.0133", "File name illegal character."),
    ],
)
def test_upload_file_names_answer_their_documented_codes(
    api: RawApi, name: str, code: str, message: str
) -> None:
    body, headers = _multipart(name, PNG)
    response = api.send("POST", "/upload-files", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert error_of(response) == code
    assert response.json()["error_msg"] == message


def test_an_upload_that_is_not_multipart_is_refused(api: RawApi) -> None:
    _expect_invalid(api.send("POST", "/upload-files", json_body={"file": "x"}), "body.file")
    broken = api.send(
        "POST",
        "/upload-files",
        content=b"--x\r\nnonsense",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert broken.status_code == 400 and error_of(broken) == "MSGSMS.0002"


def test_a_body_over_12_mb_is_refused_by_the_gateway(api: RawApi) -> None:
    body, headers = _multipart("huge.png", PNG + b"\0" * (12 * 1024 * 1024))
    response = api.send("POST", "/upload-files", content=body, headers=headers)
    assert response.status_code == 413 and error_of(response) == "APIG.0201"


def test_batch_delete_takes_one_to_fifty_ids(api: RawApi) -> None:
    _expect_invalid(api.send("POST", "/templates/batch-delete", json_body={"ids": []}), "body.ids")
    many = {"ids": [f"id{i}" for i in range(51)]}
    _expect_invalid(api.send("POST", "/templates/batch-delete", json_body=many), "body.ids")
    _expect_invalid(api.send("POST", "/templates/batch-delete", json_body={}), "body.ids")


def test_there_is_no_app_deletion_and_unknown_paths_are_404(api: RawApi) -> None:
    app = api.create_app()
    for method, suffix in [("DELETE", f"/apps/{app['id']}"), ("GET", "/nothing-here")]:
        response = api.send(method, suffix)
        assert response.status_code == 404 and error_of(response) == "APIG.0101"
    assert api.ok("GET", f"/apps/{app['id']}")["id"] == app["id"]


def test_wrong_ports_do_not_serve_other_apis(emulator: EmulatorProcess) -> None:
    project = emulator.region("cn-north-4")["project_id"]
    on_main = httpx.get(f"{emulator.url}/v2/{project}/msgsms/apps")
    assert on_main.status_code == 404 and error_of(on_main) == "APIG.0101"
    region_url = emulator.region("cn-north-4")["msgsms_url"]
    for path in ("/v3/projects", "/_emulator/requests"):
        response = httpx.get(region_url + path)
        assert response.status_code == 404 and error_of(response) == "APIG.0101"
    assert httpx.get(region_url + "/health").json() == {"status": "ok"}
