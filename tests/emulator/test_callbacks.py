"""Status reports and uplink messages, POSTed to real local receivers (reference §4.4, §4.5).

Each receiver is an HTTP server on 127.0.0.1 with a free port, stopped when its test ends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from harness.emulator import EmulatorProcess, start_emulator
from tests.emulator.api import RawApi
from tests.emulator.sending import (
    ReadyApp,
    Receiver,
    SendApi,
    approved_template,
    callbacks,
    configure,
    eventually,
    messages,
    ready_app,
    results,
    settled_callbacks,
)

UPDATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def shop(emulator: EmulatorProcess, api: RawApi, instant_review: None) -> ReadyApp:
    configure(emulator, report_delay_seconds=0, callback_backoff_seconds=0.1)
    return ready_app(api, types=("NOTIFY_TYPE", "VERIFY_CODE_TYPE", "PROMOTION_TYPE"))


@pytest.fixture
def shipped(api: RawApi, shop: ReadyApp) -> str:
    return approved_template(api, shop, "您的订单${1}已发货。", ["CHARDIGIT"])


def _send(
    emu: EmulatorProcess,
    app: ReadyApp,
    template_id: str,
    value: str = "A1",
    to: str = "+8613800000000",
    **fields: str,
) -> list[dict[str, Any]]:
    form = {
        "from": app.channel,
        "to": to,
        "templateId": template_id,
        "templateParas": f'["{value}"]',
        **fields,
    }
    offset = emu.admin.get("/clock").json()["offset_seconds"]
    return results(SendApi(emu, clock_offset=offset).post("batchSendSms", app, form=form))


# ---- status reports -----------------------------------------------------------------------------


def test_a_status_report_is_posted_as_form_fields(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    with Receiver() as receiver:
        sent = _send(
            emulator,
            shop,
            shipped,
            to="+8613800000000,13800000001",
            statusCallback=receiver.url + "/report",
        )
        reports = receiver.wait_for(2, "status reports")
    assert {r.form["smsMsgId"] for r in reports} == {s["smsMsgId"] for s in sent}
    for report in reports:
        assert (report.path, report.content_type) == ("/report", FORM)
        fields = report.form
        assert [name for name, _ in report.fields] == [
            "smsMsgId",
            "total",
            "sequence",
            "status",
            "statusDesc",
            "source",
            "updateTime",
            "orgCode",
        ]
        assert (fields["total"], fields["sequence"], fields["status"], fields["source"]) == (
            "1",
            "1",
            "DELIVRD",
            "2",
        )
        assert fields["orgCode"] == "000", "the documented sample's code for DELIVRD"
        assert fields["statusDesc"] and UPDATE_TIME.match(fields["updateTime"])


def test_extend_is_echoed_with_the_recipient(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    with Receiver() as receiver:
        _send(emulator, shop, shipped, to="13800000001", statusCallback=receiver.url, extend="o-7")
        [report] = receiver.wait_for(1)
    assert (report.form["extend"], report.form["to"]) == ("o-7", "13800000001")


def test_a_long_message_reports_each_segment(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    long = approved_template(api, shop, "通" * 70 + "${1}", ["CHARDIGIT"])
    with Receiver() as receiver:
        [sent] = _send(emulator, shop, long, statusCallback=receiver.url)
        reports = receiver.wait_for(2)
    assert sent["total"] == 2
    assert sorted((r.form["total"], r.form["sequence"]) for r in reports) == [
        ("2", "1"),
        ("2", "2"),
    ]
    assert {r.form["smsMsgId"] for r in reports} == {sent["smsMsgId"]}


def test_no_status_callback_no_report(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    _send(emulator, shop, shipped)
    assert messages(emulator)[0]["outcome"] == "DELIVRD"
    assert callbacks(emulator) == []


def test_outcomes_are_chosen_per_number(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    chosen = {"numbers": {"13800000001": "UNDELIV", "+8613800000002": "E200027"}}
    answer = emulator.admin.put("/outcomes", json=chosen)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "default": "DELIVRD",
        "numbers": {"+8613800000001": "UNDELIV", "+8613800000002": "E200027"},
    }
    with Receiver() as receiver:
        to = "+8613800000000,+8613800000001,+8613800000002"
        _send(emulator, shop, shipped, to=to, statusCallback=receiver.url, extend="x")
        reports = {r.form["to"]: r.form for r in receiver.wait_for(3)}
    assert reports["+8613800000000"]["status"] == "DELIVRD"
    undelivered, platform = reports["+8613800000001"], reports["+8613800000002"]
    assert (undelivered["status"], undelivered["source"]) == ("UNDELIV", "2")
    assert ("updateTime" in undelivered, undelivered["orgCode"]) == (True, "UNDELIV")
    assert (platform["status"], platform["source"]) == ("E200027", "3")
    assert "updateTime" not in platform, "a report the platform made up has no updateTime"
    assert "orgCode" not in platform, "no gateway answered"
    # pay-per-use, the default billing mode, bills delivered messages only
    billed = {m["recipient"]: m["billed"] for m in messages(emulator)}
    assert billed == {"+8613800000000": 1, "+8613800000001": 0, "+8613800000002": 0}
    assert emulator.admin.delete("/outcomes").json() == {"default": "DELIVRD", "numbers": {}}


@pytest.mark.parametrize(
    "body",
    [
        {"numbers": {"not-a-number": "UNDELIV"}},
        {"numbers": {"+8613800000000": "delivered"}},
        {"default": ""},
        {"fallback": "DELIVRD"},
    ],
)
def test_bad_outcomes_are_refused(emulator: EmulatorProcess, body: dict[str, Any]) -> None:
    response = emulator.admin.put("/outcomes", json=body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_receiver_that_fails_at_first_gets_the_report_on_retry(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    with Receiver(fail_first=2, fail_status=503) as receiver:
        _send(emulator, shop, shipped, statusCallback=receiver.url)
        [report] = receiver.wait_for(1)
        assert receiver.attempts == 3
    assert report.form["status"] == "DELIVRD"
    [callback] = settled_callbacks(emulator, "status")
    assert (callback["state"], callback["attempts"]) == ("delivered", 3)


def test_a_dropped_connection_is_retried(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    with Receiver(drop_first=1) as receiver:
        _send(emulator, shop, shipped, statusCallback=receiver.url)
        receiver.wait_for(1)
    [callback] = settled_callbacks(emulator, "status")
    assert (callback["state"], callback["attempts"]) == ("delivered", 2)


def test_reports_give_up_after_the_configured_attempts(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    configure(emulator, report_delay_seconds=0, callback_attempts=2, callback_backoff_seconds=0.1)
    with Receiver(fail_first=1000) as receiver:
        _send(emulator, shop, shipped, statusCallback=receiver.url)
        failed = eventually(
            lambda: [c for c in callbacks(emulator) if c["state"] == "failed"], "a failed report"
        )
        assert receiver.attempts == 2
    assert (failed[0]["attempts"], failed[0]["last_error"]) == (2, "HTTP 500")


def test_pending_reports_survive_a_crash(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "0") as emu, Receiver() as receiver:
        api = RawApi(emu)
        shop = ready_app(api)
        template_id = approved_template(api, shop, "您的订单${1}已发货。", ["CHARDIGIT"])
        configure(emu, report_delay_seconds=3600)
        [sent] = _send(emu, shop, template_id, statusCallback=receiver.url)
        emu.kill()
        emu.restart()
        [pending] = callbacks(emu)
        assert (pending["state"], pending["sms_msg_id"]) == ("pending", sent["smsMsgId"])
        emu.admin.put("/clock", json={"offset_seconds": 3601}).raise_for_status()
        [report] = receiver.wait_for(1)
        api.close()
    assert report.form["smsMsgId"] == sent["smsMsgId"]


# ---- per-recipient limits -----------------------------------------------------------------------


def _move_clock(emu: EmulatorProcess, seconds: float) -> None:
    offset = emu.admin.get("/clock").json()["offset_seconds"]
    emu.admin.put("/clock", json={"offset_seconds": offset + seconds}).raise_for_status()


def _outcomes(emu: EmulatorProcess) -> list[str]:
    return [m["outcome"] for m in messages(emu)]


def test_verification_codes_are_limited_to_two_a_minute(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    otp = approved_template(api, shop, "您的验证码为${1}。", ["CHARDIGIT"], kind="VERIFY_CODE_TYPE")
    channel = {"from": shop.channels["VERIFY_CODE_TYPE"]}
    with Receiver() as receiver:
        for code in ("1111", "2222", "3333"):
            [sent] = _send(emulator, shop, otp, code, statusCallback=receiver.url, **channel)
            assert sent["status"] == "000000", "over a limit is still accepted"
        limited = next(r.form for r in receiver.wait_for(3) if r.form["status"] != "DELIVRD")
    assert (limited["status"], limited["source"]) == ("MILIMIT", "1")
    assert "updateTime" not in limited
    _move_clock(emulator, 61)
    _send(emulator, shop, otp, "4444", **channel)
    _send(emulator, shop, otp, "5555", to="+8613800000009", **channel)
    assert _outcomes(emulator) == ["DELIVRD", "DELIVRD", "MILIMIT", "DELIVRD", "DELIVRD"]
    assert [m["billed"] for m in messages(emulator)] == [1, 1, 0, 1, 1]


def test_the_same_content_twice_in_59_seconds_and_five_times_in_59_minutes(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    for _ in range(3):
        _send(emulator, shop, shipped, "SAME")
    _send(emulator, shop, shipped, "OTHER")
    assert _outcomes(emulator) == ["DELIVRD", "DELIVRD", "MILIMIT", "DELIVRD"]
    for _ in range(2):
        _move_clock(emulator, 60)
        for _ in range(2):
            _send(emulator, shop, shipped, "SAME")
    assert _outcomes(emulator)[4:] == ["DELIVRD", "DELIVRD", "DELIVRD", "LIMIT"]


def test_notifications_are_limited_to_ten_a_minute_and_fifty_a_day(
    emulator: EmulatorProcess, shop: ReadyApp, shipped: str
) -> None:
    for minute in range(5):
        for n in range(11):
            _send(emulator, shop, shipped, f"M{minute}N{n}")
        _move_clock(emulator, 61)
    outcomes = _outcomes(emulator)
    assert [outcomes[m * 11 + 10] for m in range(5)] == ["MILIMIT"] * 5
    assert outcomes.count("DELIVRD") == 50
    _send(emulator, shop, shipped, "LAST")
    assert _outcomes(emulator)[-1] == "LIMIT"
    _move_clock(emulator, 24 * 3600)
    _send(emulator, shop, shipped, "NEXTDAY")
    assert _outcomes(emulator)[-1] == "DELIVRD"


def test_promotions_are_limited_to_four_an_hour(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    configure(emulator, report_delay_seconds=0, beijing_time="10:00")
    promo = approved_template(
        api, shop, "新品${1}上市，拒收请回复R", ["CHARDIGIT"], kind="PROMOTION_TYPE"
    )
    for n in range(5):
        _send(emulator, shop, promo, f"P{n}", **{"from": shop.channels["PROMOTION_TYPE"]})
    assert _outcomes(emulator) == ["DELIVRD"] * 4 + ["LIMIT"]


# ---- uplink -------------------------------------------------------------------------------------


def _uplink(emu: EmulatorProcess, app_id: str, **body: Any) -> Any:
    return emu.admin.post(f"/apps/{app_id}/uplink", json=body)


def test_an_uplink_message_reaches_the_apps_uplink_address(
    emulator: EmulatorProcess, api: RawApi, instant_review: None
) -> None:
    with Receiver() as receiver:
        app = ready_app(api, up_link_addr=receiver.url + "/up")
        injected = _uplink(emulator, app.id, **{"from": "+8613800000000", "body": "R"})
        assert injected.status_code == 200, injected.text
        timed = _uplink(
            emulator,
            app.id,
            **{
                "from": "13800000001",
                "body": "好的",
                "to": app.channel + "01",
                "create_time": True,
            },
        )
        assert timed.status_code == 200, timed.text
        # Due together, they are sent concurrently: arrival order is not fixed.
        by_body = {m.form["body"]: m for m in receiver.wait_for(2, "uplink messages")}
    first, second = by_body["R"], by_body["好的"]
    assert (first.path, first.content_type) == ("/up", FORM)
    assert first.fields == [
        ("smsMsgId", injected.json()["smsMsgId"]),
        ("from", "+8613800000000"),
        ("to", app.channel),
        ("body", "R"),
    ]
    assert (second.form["to"], second.form["body"]) == (app.channel + "01", "好的")
    assert UPDATE_TIME.match(second.form["createTime"])
    assert [c["state"] for c in settled_callbacks(emulator, "uplink")] == ["delivered"] * 2


def test_uplink_is_not_retried_on_an_error_answer_but_on_a_lost_connection(
    emulator: EmulatorProcess, api: RawApi, instant_review: None
) -> None:
    with Receiver(fail_first=1) as failing:
        app = ready_app(api, up_link_addr=failing.url)
        _uplink(emulator, app.id, **{"from": "+8613800000000", "body": "1"}).raise_for_status()
        [ignored] = settled_callbacks(emulator, "uplink")
        assert failing.attempts == 1 and failing.received == []
    assert ignored["state"] == "delivered"
    assert ignored["last_error"] == "HTTP 500"
    with Receiver(drop_first=1) as dropping:
        api.ok(
            "PUT",
            f"/apps/{app.id}",
            json_body={"app_name": "shop", "region": "cn", "up_link_addr": dropping.url},
        )
        _uplink(emulator, app.id, **{"from": "+8613800000000", "body": "2"}).raise_for_status()
        [message] = dropping.wait_for(1)
    assert message.form["body"] == "2"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"from": "abc", "body": "R"}, 400),
        ({"from": "+8613800000000", "body": "x" * 161}, 400),
        ({"from": "+8613800000000", "body": ""}, 400),
        ({"from": "+8613800000000", "body": "R", "to": "12345"}, 400),
        ({"from": "+8613800000000", "body": "R", "extra": 1}, 400),
    ],
)
def test_bad_uplinks_are_refused(
    emulator: EmulatorProcess,
    api: RawApi,
    instant_review: None,
    body: dict[str, Any],
    status: int,
) -> None:
    app = ready_app(api, up_link_addr="http://127.0.0.1:9/up")
    response = _uplink(emulator, app.id, **body)
    assert response.status_code == status, response.text
    assert callbacks(emulator) == []


def test_uplink_needs_a_cn_app_and_reaches_only_an_app_with_an_address(
    emulator: EmulatorProcess, api: RawApi, instant_review: None
) -> None:
    message = {"from": "+8613800000000", "body": "R"}
    assert _uplink(emulator, "no-such-app", **message).status_code == 404
    world = ready_app(api, name="world", scope="intl")
    assert "cn apps only" in _uplink(emulator, world.id, **message).json()["error"]
    bare = ready_app(api)
    received = _uplink(emulator, bare.id, **message)
    assert received.status_code == 200, received.text
    assert received.json()["url"] is None
    assert callbacks(emulator, "uplink") == []
