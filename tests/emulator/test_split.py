"""Long-SMS splitting (reference §4.6) at its boundaries, as a rule and as ``total`` of a send."""

from __future__ import annotations

import pytest

from emulator.smsapi.segments import split_message
from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sending import ReadyApp, SendApi, approved_template, ready_app, results


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (500, 8)],
)
def test_domestic_messages_split_70_then_67(length: int, segments: int) -> None:
    split = split_message("云" * length, international=False)
    assert (split.length, split.segments) == (length, segments)


def test_domestic_counts_every_character_once() -> None:
    text = "【云商城】" + "a1，😀 " * 13  # 5 + 65 = 70 characters of every kind
    assert split_message(text, international=False).segments == 1
    assert split_message(text + "。", international=False).segments == 2


@pytest.mark.parametrize(
    ("length", "segments"),
    [(158, 1), (160, 1), (161, 2), (164, 2), (306, 2), (307, 3), (320, 3), (459, 3), (460, 4)],
)
def test_gsm_text_splits_160_then_153(length: int, segments: int) -> None:
    split = split_message("a" * length, international=True)
    assert (split.encoding, split.segments) == ("GSM-7", segments)


def test_gsm_extension_characters_count_twice() -> None:
    assert split_message("€" * 80, international=True).length == 160
    assert split_message("€" * 80, international=True).segments == 1
    assert split_message("€" * 80 + "a", international=True).segments == 2
    assert split_message("{}[]~|^\\" * 10, international=True).length == 160


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 69 + "中", "UCS-2", 1),
        ("a" * 70 + "中", "UCS-2", 2),
        ("a" * 133 + "é", "GSM-7", 1),  # é is in the GSM basic set
        ("a" * 160 + "ç", "UCS-2", 3),  # ç is not: 161 UCS-2 characters
        ("😀" * 35, "UCS-2", 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, "UCS-2", 2),
        ("Код " * 17 + "аб", "UCS-2", 1),  # Cyrillic
    ],
)
def test_any_other_character_makes_it_ucs2(text: str, encoding: str, segments: int) -> None:
    split = split_message(text, international=True)
    assert (split.encoding, split.segments) == (encoding, segments)


# ---- ``total`` of a real send -------------------------------------------------------------------


def _totals(
    emu: EmulatorProcess, app: ReadyApp, form: dict[str, str], values: list[str]
) -> list[int]:
    send = SendApi(emu)
    totals = []
    for value in values:
        response = send.post("batchSendSms", app, form={**form, "templateParas": f'["{value}"]'})
        [result] = results(response)
        assert result["status"] == "000000", result
        totals.append(result["total"])
    return totals


def test_a_domestic_send_counts_the_bracketed_signature(
    emulator: EmulatorProcess, api: RawApi, instant_review: None
) -> None:
    shop = ready_app(api)  # signature 云商城: 【云商城】 is 5 characters
    short = approved_template(api, shop, "通" * 60 + "${1}", ["CHARDIGIT"])
    long = approved_template(api, shop, "通" * 120 + "${1}", ["CHARDIGIT"])
    form = {"from": shop.channel, "to": "+8613800000000"}
    # 5 + 60 + 5 = 70, then 71; 5 + 120 + 9 = 134, then 135.
    assert _totals(emulator, shop, {**form, "templateId": short}, ["A" * 5, "A" * 6]) == [1, 2]
    assert _totals(emulator, shop, {**form, "templateId": long}, ["A" * 9, "B" * 10]) == [2, 3]


def test_an_international_send_splits_gsm_and_ucs2_text(
    emulator: EmulatorProcess, api: RawApi, instant_review: None
) -> None:
    world = ready_app(api, name="world", scope="intl")
    assert world.intl_channel
    gsm = approved_template(api, world, "A" * 150 + "${1}", ["CHARDIGIT"])
    mixed = approved_template(api, world, "A" * 60 + "${1}", ["TEXT"])
    form = {"from": world.intl_channel, "to": "+447911123456"}
    assert _totals(emulator, world, {**form, "templateId": gsm}, ["B" * 10, "B" * 11]) == [1, 2]
    assert _totals(emulator, world, {**form, "templateId": mixed}, ["B" * 10, "中" * 10]) == [1, 1]
    assert _totals(emulator, world, {**form, "templateId": mixed}, ["中" * 11]) == [2]
