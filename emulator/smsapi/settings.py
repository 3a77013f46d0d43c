"""Settings of the send side an administrator can change (``PUT /_emulator/sending``).

Kept in the database, so a restart keeps them; a reset puts the defaults back.

Billing: ``billing_mode`` is ``pay_per_use`` (the default mode, and how SMS packages bill:
delivered Chinese mainland messages only) or ``resource_package`` (every message sent, except
what a Huawei platform code stopped). International messages are priced per destination
country, in USD as the international site bills them; Huawei publishes the prices per country
and changes them, so the emulator ships none: ``international_prices`` sets the ones a test
needs (ISO code → USD per segment), and usage shows the segments of the others unpriced.
"""

from __future__ import annotations

import sqlite3
from datetime import time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .callbacks import RetryPolicy
from .numbers import CHINA, ISO_CODES
from .reports import BillingMode

__all__ = [
    "INTERNATIONAL_DESTINATIONS",
    "Price",
    "SendingSettings",
    "load_settings",
    "save_settings",
]

#: ISO codes of the destinations of international templates (all but the Chinese mainland).
INTERNATIONAL_DESTINATIONS = frozenset(code for cc, code in ISO_CODES.items() if cc != CHINA)
Price = Annotated[str, Field(pattern=r"^\d{1,4}(\.\d{1,6})?$")]


class SendingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Seconds from sending to the status report.
    report_delay_seconds: Annotated[float, Field(ge=0, le=72 * 3600)] = 0.5
    #: Attempts at delivering a status report before giving up, and the first retry delay
    #: (doubling after each failure, at most 60 s).
    callback_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    callback_backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    #: A fixed Beijing time of day (``HH:MM``) for the promotion window rule; None follows the
    #: emulator's clock.
    beijing_time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    billing_mode: BillingMode = "pay_per_use"
    #: USD per segment of an international message, by destination (ISO 3166 alpha-2).
    international_prices: dict[str, Price] = Field(default_factory=dict)

    @field_validator("international_prices")
    @classmethod
    def _destinations(cls, prices: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(prices) - INTERNATIONAL_DESTINATIONS)
        if unknown:
            raise ValueError(f"not an international destination the emulator knows: {unknown}")
        return prices

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.callback_attempts, self.callback_backoff_seconds)

    def fixed_beijing_time(self) -> time | None:
        if self.beijing_time is None:
            return None
        hours, minutes = self.beijing_time.split(":")
        return time(int(hours), int(minutes))


def load_settings(conn: sqlite3.Connection) -> SendingSettings:
    row = conn.execute("SELECT settings FROM sending_settings").fetchone()
    return SendingSettings.model_validate_json(row["settings"]) if row else SendingSettings()


def save_settings(conn: sqlite3.Connection, settings: SendingSettings) -> None:
    conn.execute(
        "INSERT INTO sending_settings (singleton, settings) VALUES (1, ?)"
        " ON CONFLICT (singleton) DO UPDATE SET settings = excluded.settings",
        (settings.model_dump_json(),),
    )
