"""Status reports (reference §4.4): their statuses, who produces them, what gets billed, and
the delivery outcomes an administrator chooses per number.

``source`` is ``2`` for what a carrier returns (``DELIVRD``, ``UNDELIV``…), ``1`` for the SMS
platform's own flow control (``MILIMIT``, ``LIMIT``) and ``3`` for Huawei platform codes
(``E2000xx``, and ``SC:xxxx`` such as ``SC:0016``, a number that replied R to a signature's
promotions). Reports of the platform's own making carry no ``updateTime``. A carrier's report
also carries ``orgCode``, the gateway's own code, as the documented sample does
(``orgCode=000`` for ``DELIVRD``, sms_05_0051); for other carrier statuses the emulator repeats
the status, having no gateway of its own.

What is billed depends on the billing mode (reference §4.8, price-msgsms sms_06_0003 and the
international site's sms_06_0007): pay-per-use and SMS packages bill Chinese mainland messages
that were delivered (``DELIVRD``, "短信发送成功才计费"); resource packages bill every message
sent except those a Huawei platform code stopped ("发送即计费"), and so does international
SMS in every mode.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .numbers import parse_recipient

__all__ = [
    "BILLING_MODES",
    "DEFAULT_OUTCOME",
    "OPTED_OUT",
    "PER_HOUR_OR_DAY_LIMIT",
    "PER_MINUTE_LIMIT",
    "DeliveryOutcomes",
    "is_billed",
    "load_outcomes",
    "outcome_for",
    "report_source",
    "save_outcomes",
    "status_description",
    "status_report_fields",
]

DEFAULT_OUTCOME = "DELIVRD"
PER_MINUTE_LIMIT = "MILIMIT"
PER_HOUR_OR_DAY_LIMIT = "LIMIT"
#: The number replied R to the signature's promotions (the FAQ on opting out; sms_05_0051).
OPTED_OUT = "SC:0016"

BillingMode = Literal["pay_per_use", "resource_package"]
BILLING_MODES: tuple[BillingMode, ...] = ("pay_per_use", "resource_package")

_CARRIER_STATUSES = {
    "DELIVRD": "The user has received the SMS.",
    "EXPIRED": "The SMS timed out before it could be delivered.",
    "DELETED": "The SMS has been deleted.",
    "UNDELIV": "The SMS could not be delivered.",
    "ACCEPTD": "The SMS has been accepted.",
    "UNKNOWN": "The status of the SMS is unknown.",
    "REJECTD": "The SMS has been rejected.",
}
_PLATFORM_STATUSES = {
    PER_MINUTE_LIMIT: "The per-minute sending limit of the number was reached.",
    PER_HOUR_OR_DAY_LIMIT: "The sending limit of the number was reached.",
}
_HUAWEI_STATUSES = {
    OPTED_OUT: "The number has unsubscribed from the promotions of this signature.",
}
_HUAWEI_PLATFORM_CODE = re.compile(r"^(E2\d{5}|SC:\d{4})$")
#: The gateway's code of a delivered message in the documented sample report.
_DELIVERED_ORG_CODE = "000"
#: What an administrator may choose: the statuses above, platform codes, carrier codes.
_STATUS = re.compile(r"^[A-Z][A-Za-z0-9]{0,7}(:[A-Za-z0-9]{1,8})?$")


def report_source(status: str) -> str:
    if status in _PLATFORM_STATUSES:
        return "1"
    if _HUAWEI_PLATFORM_CODE.match(status):
        return "3"
    return "2"


def is_billed(status: str, mode: BillingMode, *, international: bool) -> bool:
    """Whether a message whose report says ``status`` is charged (see the module's text)."""
    if report_source(status) == "3":
        return False
    if international or mode == "resource_package":
        return True
    return status == DEFAULT_OUTCOME


def status_description(status: str) -> str:
    known = _CARRIER_STATUSES | _PLATFORM_STATUSES | _HUAWEI_STATUSES
    if status in known:
        return known[status]
    if _HUAWEI_PLATFORM_CODE.match(status):
        return "The Huawei platform could not send the SMS."
    return "The carrier could not deliver the SMS."


def status_report_fields(
    message: sqlite3.Row, sequence: int, update_time: str
) -> list[tuple[str, str]]:
    """The form fields of one segment's report; ``to`` only comes with ``extend``."""
    status: str = message["outcome"]
    fields = [
        ("smsMsgId", message["sms_msg_id"]),
        ("total", str(message["total"])),
        ("sequence", str(sequence)),
        ("status", status),
        ("statusDesc", status_description(status)),
        ("source", report_source(status)),
    ]
    if report_source(status) == "2":
        fields.append(("updateTime", update_time))
        fields.append(("orgCode", _DELIVERED_ORG_CODE if status == DEFAULT_OUTCOME else status))
    if message["extend"] is not None:
        fields.extend([("extend", message["extend"]), ("to", message["origin_to"])])
    return fields


StatusText = Annotated[str, Field(pattern=_STATUS.pattern)]


class DeliveryOutcomes(BaseModel):
    """The status each number's reports will carry (``PUT /_emulator/outcomes``)."""

    model_config = ConfigDict(extra="forbid")

    default: StatusText = DEFAULT_OUTCOME
    numbers: dict[str, StatusText] = Field(default_factory=dict)

    @field_validator("numbers")
    @classmethod
    def _normalise(cls, numbers: dict[str, str]) -> dict[str, str]:
        normalised = {}
        for given, status in numbers.items():
            number = parse_recipient(given).number
            if number is None:
                raise ValueError(f"{given!r} is not a number like +8613800000000")
            normalised[number] = status
        return normalised


_DEFAULT_KEY = "*"


def load_outcomes(conn: sqlite3.Connection) -> DeliveryOutcomes:
    rows = {r["number"]: r["status"] for r in conn.execute("SELECT * FROM delivery_outcomes")}
    default = rows.pop(_DEFAULT_KEY, DEFAULT_OUTCOME)
    return DeliveryOutcomes(default=default, numbers=rows)


def save_outcomes(conn: sqlite3.Connection, outcomes: DeliveryOutcomes) -> None:
    conn.execute("DELETE FROM delivery_outcomes")
    rows = [(_DEFAULT_KEY, outcomes.default), *outcomes.numbers.items()]
    conn.executemany("INSERT INTO delivery_outcomes (number, status) VALUES (?, ?)", rows)


def outcome_for(conn: sqlite3.Connection, number: str) -> str:
    row = conn.execute(
        "SELECT status FROM delivery_outcomes WHERE number IN (?, ?) ORDER BY number = ? LIMIT 1",
        (number, _DEFAULT_KEY, _DEFAULT_KEY),
    ).fetchone()
    return str(row["status"]) if row else DEFAULT_OUTCOME
