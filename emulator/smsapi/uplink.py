"""Uplink (mobile-originated) messages, injected by an administrator (reference §4.5).

``POST /_emulator/apps/{id}/uplink`` stands for a mobile user replying to one of the app's
channel numbers: the emulator queues a form POST to the app's ``up_link_addr`` (when it has
one) with ``smsMsgId``, ``from``, ``to``, ``body`` and, when asked for, ``createTime``. A reply
of ``R`` also puts the number on the opt-out list of the channel's signature
(:mod:`emulator.smsapi.optouts`). Uplink exists for cn apps only and is not billed.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ..msgsms.base import BackendContext
from . import optouts
from .callbacks import CallbackOutbox
from .numbers import parse_recipient
from .sending import SENDABLE_SIGNATURE_STATUSES, api_timestamp

__all__ = ["Uplink", "UplinkRefused", "UplinkService"]


class UplinkRefused(Exception):
    """An uplink that cannot be delivered; ``missing`` when the app does not exist."""

    def __init__(self, detail: str, *, missing: bool = False) -> None:
        super().__init__(detail)
        self.missing = missing


class Uplink(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: Annotated[str, Field(alias="from", min_length=1, max_length=21)]
    body: Annotated[str, Field(min_length=1, max_length=160)]
    #: The channel number replied to, possibly with an extension; default: the channel of the
    #: app's first approved signature.
    to: Annotated[str, Field(min_length=1, max_length=21, pattern=r"^\d+$")] | None = None
    #: Send ``createTime`` (the app option "receive uplink reply time").
    create_time: bool = False


class UplinkService:
    def __init__(self, ctx: BackendContext, outbox: CallbackOutbox) -> None:
        self.ctx = ctx
        self.outbox = outbox

    def inject(self, app_id: str, uplink: Uplink) -> dict[str, Any]:
        number = parse_recipient(uplink.sender).number
        if number is None:
            raise UplinkRefused(f"from: {uplink.sender!r} is not a mobile number")
        with self.ctx.transaction() as conn:
            app = conn.execute("SELECT * FROM apps WHERE id = ?", (app_id,)).fetchone()
            if app is None:
                raise UplinkRefused(f"no app {app_id}", missing=True)
            if app["region"] != "cn":
                raise UplinkRefused("uplink messages exist for cn apps only")
            placeholders = ",".join("?" * len(SENDABLE_SIGNATURE_STATUSES))
            signatures = conn.execute(
                "SELECT * FROM signatures WHERE app_id = ? AND channel_num IS NOT"
                f" NULL AND status IN ({placeholders}) ORDER BY seq",
                (app_id, *SENDABLE_SIGNATURE_STATUSES),
            ).fetchall()
            channels = [s["channel_num"] for s in signatures]
            if not channels:
                raise UplinkRefused(f"app {app_id} has no approved signature to reply to")
            to = uplink.to or channels[0]
            replied = next((s for s in signatures if to.startswith(s["channel_num"])), None)
            if replied is None:
                raise UplinkRefused(
                    f"to: {to} is not a channel number of the app (optionally with an"
                    f" extension); its channels are {', '.join(channels)}"
                )
            now = self.ctx.clock.now()
            if uplink.body.strip().upper() == optouts.OPT_OUT_REPLY:
                optouts.add(conn, replied, number, "uplink", now)
            sms_msg_id = str(uuid.uuid4())
            fields = [("smsMsgId", sms_msg_id), ("from", uplink.sender), ("to", to)]
            fields.append(("body", uplink.body))
            if uplink.create_time:
                fields.append(("createTime", api_timestamp(now)))
            url = app["up_link_addr"]
            if url:
                self.outbox.enqueue(conn, "uplink", sms_msg_id, url, fields, now)
        return {**dict(fields), "url": url}
