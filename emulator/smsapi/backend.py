"""The send side of one emulator: sending, callbacks, uplink, outcomes, usage and settings."""

from __future__ import annotations

import sqlite3

from ..gateway.signing import AkskVerifier
from ..msgsms.backend import MsgsmsBackend
from .callbacks import CallbackOutbox, CallbackWorker
from .reports import DeliveryOutcomes, load_outcomes, save_outcomes
from .schema import SMSAPI_SCHEMA
from .sending import SendService
from .settings import SendingSettings, load_settings, save_settings
from .uplink import UplinkService
from .usage import UsageLedger

__all__ = ["SmsapiBackend"]

_TABLES = ("callbacks", "usage", "messages", "delivery_outcomes", "sending_settings")


class SmsapiBackend:
    def __init__(self, msgsms: MsgsmsBackend) -> None:
        ctx = msgsms.ctx
        ctx.store.migrate("smsapi", SMSAPI_SCHEMA)
        self.ctx = ctx
        self.msgsms = msgsms
        with ctx.store.transaction() as conn:
            self.settings = load_settings(conn)
        #: Verifies SDK-HMAC-SHA256 signatures made with an app's key and secret.
        self.app_signatures = AkskVerifier(ctx.clock, self._app_secret)
        self.outbox = CallbackOutbox(ctx.store, ctx.clock, lambda: self.settings.retry_policy())
        self.callbacks = CallbackWorker(self.outbox)
        self.ledger = UsageLedger(ctx.store, ctx.clock)
        self.sender = SendService(msgsms, self.ledger, self.outbox, lambda: self.settings)
        self.uplink = UplinkService(ctx, self.outbox)

    def _app_secret(self, app_key: str) -> str | None:
        with self.ctx.store.transaction() as conn:
            app = self.msgsms.app_by_key(conn, app_key)
        return str(app["app_secret"]) if app is not None else None

    def configure(self, settings: SendingSettings) -> None:
        with self.ctx.store.transaction() as conn:
            save_settings(conn, settings)
        self.settings = settings

    def outcomes(self) -> DeliveryOutcomes:
        with self.ctx.store.transaction() as conn:
            return load_outcomes(conn)

    def set_outcomes(self, outcomes: DeliveryOutcomes) -> None:
        with self.ctx.store.transaction() as conn:
            save_outcomes(conn, outcomes)

    def messages(self, region: str | None) -> list[dict[str, object]]:
        sql = "SELECT * FROM messages"
        params: list[str] = []
        if region:
            sql += " WHERE endpoint_region = ?"
            params.append(region)
        with self.ctx.store.transaction() as conn:
            return [dict(row) for row in conn.execute(sql + " ORDER BY seq", params)]

    def reset(self, conn: sqlite3.Connection) -> None:
        """Reset hook: wipe messages, callbacks, usage, outcomes and settings."""
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table}")
        self.settings = SendingSettings()
        self.app_signatures.reset()
