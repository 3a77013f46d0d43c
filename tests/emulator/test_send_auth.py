"""WSSE authentication of the send API: one result code per missing or wrong part (§3.3b)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sending import (
    ReadyApp,
    SendApi,
    approved_template,
    messages,
    ready_app,
    result_code,
    wsse_headers,
)

AUTHORIZATION = 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"'
Headers = dict[str, str]


@pytest.fixture
def app(emulator: EmulatorProcess, api: RawApi, instant_review: None) -> tuple[ReadyApp, str]:
    ready = ready_app(api)
    return ready, approved_template(api, ready, "您的订单${1}已发货。", ["CHARDIGIT"])


def _drop_part(name: str) -> Callable[[Headers], None]:
    def change(headers: Headers) -> None:
        headers["X-WSSE"] = re.sub(rf'{name}="[^"]*",?', "", headers["X-WSSE"])

    return change


def _authorization(value: str | None) -> Callable[[Headers], None]:
    def change(headers: Headers) -> None:
        if value is None:
            del headers["Authorization"]
        else:
            headers["Authorization"] = value

    return change


def _without_x_wsse(headers: Headers) -> None:
    del headers["X-WSSE"]


def _wrong_digest(headers: Headers) -> None:
    headers["X-WSSE"] = re.sub(
        r'PasswordDigest="[^"]*"', 'PasswordDigest="bm90LXRoZS1kaWdlc3Q="', headers["X-WSSE"]
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_authorization(None), "E000001"),
        (_authorization('WSSE profile="UsernameToken",type="Appkey"'), "E000002"),
        (_authorization('WSSE realm="SDP",type="Appkey"'), "E000003"),
        (_authorization('WSSE realm="SMS",profile="UsernameToken",type="Appkey"'), "E000004"),
        (_authorization('WSSE realm="SDP",profile="Token",type="Appkey"'), "E000005"),
        (_authorization('WSSE realm="SDP",profile="UsernameToken",type="User"'), "E000006"),
        (_authorization('WSSE realm="SDP",profile="UsernameToken"'), "E000007"),
        (_authorization('Basic realm="SDP"'), "E000008"),
        (_without_x_wsse, "E000020"),
        (_drop_part("Username"), "E000021"),
        (_drop_part("Nonce"), "E000022"),
        (_drop_part("Created"), "E000023"),
        (_drop_part("PasswordDigest"), "E000024"),
        (_wrong_digest, "E000101"),
    ],
)
def test_each_wsse_problem_has_its_code(
    emulator: EmulatorProcess,
    app: tuple[ReadyApp, str],
    change: Callable[[Headers], None],
    code: str,
) -> None:
    ready, template_id = app
    headers = wsse_headers(ready.app_key, ready.app_secret)
    change(headers)
    form = {"from": ready.channel, "to": "+8613800000000", "templateId": template_id}
    response = SendApi(emulator).post("batchSendSms", None, form=form, headers=headers)
    assert response.status_code == 400, response.text
    assert result_code(response) == code
    assert messages(emulator) == []


def _send(emu: EmulatorProcess, app: ReadyApp, template_id: str, headers: Headers) -> str:
    form = {
        "from": app.channel,
        "to": "+8613800000000",
        "templateId": template_id,
        "templateParas": '["A1"]',
    }
    return result_code(SendApi(emu).post("batchSendSms", None, form=form, headers=headers))


def test_created_must_be_within_24_hours(
    emulator: EmulatorProcess, app: tuple[ReadyApp, str]
) -> None:
    ready, template_id = app
    now = datetime.now(UTC)
    for hours, code in ((23, "000000"), (25, "E000101"), (-25, "E000101")):
        created = now - timedelta(hours=hours)
        headers = wsse_headers(ready.app_key, ready.app_secret, created=created)
        assert _send(emulator, ready, template_id, headers) == code, hours


def test_nonce_and_created_formats_are_checked(
    emulator: EmulatorProcess, app: tuple[ReadyApp, str]
) -> None:
    ready, template_id = app
    dashed = wsse_headers(ready.app_key, ready.app_secret, nonce="not-alphanumeric")
    assert _send(emulator, ready, template_id, dashed) == "E000101"
    headers = wsse_headers(ready.app_key, ready.app_secret)
    headers["X-WSSE"] = re.sub(r'Created="[^"]*"', 'Created="yesterday"', headers["X-WSSE"])
    assert _send(emulator, ready, template_id, headers) == "E000101"


def test_an_unknown_app_key_is_e000102(
    emulator: EmulatorProcess, app: tuple[ReadyApp, str]
) -> None:
    ready, template_id = app
    headers = wsse_headers("no-such-app-key", ready.app_secret)
    assert _send(emulator, ready, template_id, headers) == "E000102"


def test_another_apps_secret_does_not_open_an_app(
    emulator: EmulatorProcess, api: RawApi, app: tuple[ReadyApp, str]
) -> None:
    ready, template_id = app
    other = api.create_app("other")
    headers = wsse_headers(ready.app_key, other["app_secret"])
    assert _send(emulator, ready, template_id, headers) == "E000101"
    assert _send(emulator, ready, template_id, wsse_headers(ready.app_key, ready.app_secret)) == (
        "000000"
    )
