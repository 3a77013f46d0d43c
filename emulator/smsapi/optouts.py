"""The opt-out list: numbers that replied R to a signature's channel get no more of its
promotions (the FAQ on opting out: "当短信的接收用户针对该短信的通道号(签名)回复“R”退订时,
华为平台会将该用户号码加入退订黑名单,即通过该通道号(签名)下发的推广短信不会再发送到该用户号码").

A promotion to a listed number is accepted (``000000``) and then reported as ``SC:0016``, a
Huawei platform status that is not billed. Uplinks fill the list; the admin API lists it and
adds or removes entries, as the console's blocklist management does.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Literal

__all__ = ["OPT_OUT_REPLY", "OptOutSource", "add", "is_opted_out", "listing", "remove"]

#: The reply that unsubscribes (promotion templates must say "拒收请回复R").
OPT_OUT_REPLY = "R"

OptOutSource = Literal["uplink", "admin"]


def add(
    conn: sqlite3.Connection,
    signature: sqlite3.Row,
    number: str,
    source: OptOutSource,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO opt_outs (app_id, signature_id, number, source, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (signature_id, number) DO NOTHING",
        (signature["app_id"], signature["id"], number, source, now),
    )


def remove(conn: sqlite3.Connection, signature_id: str, number: str) -> bool:
    cursor = conn.execute(
        "DELETE FROM opt_outs WHERE signature_id = ? AND number = ?", (signature_id, number)
    )
    return cursor.rowcount > 0


def is_opted_out(conn: sqlite3.Connection, signature_id: str, number: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM opt_outs WHERE signature_id = ? AND number = ?", (signature_id, number)
    ).fetchone()
    return row is not None


def listing(conn: sqlite3.Connection, app_id: str | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT o.app_id, o.signature_id, s.signature_name, s.channel_num, o.number, o.source,"
        " o.created_at FROM opt_outs o LEFT JOIN signatures s ON s.id = o.signature_id"
    )
    params: list[str] = []
    if app_id:
        sql += " WHERE o.app_id = ?"
        params.append(app_id)
    return [dict(row) for row in conn.execute(sql + " ORDER BY o.created_at, o.number", params)]
