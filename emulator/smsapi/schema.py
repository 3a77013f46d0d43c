"""Tables of the send side, migrated in order (append, never edit, a released script)."""

from __future__ import annotations

__all__ = ["SMSAPI_SCHEMA"]

SMSAPI_SCHEMA: list[str] = [
    """
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        sms_msg_id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        endpoint_region TEXT NOT NULL,
        origin_to TEXT NOT NULL,
        recipient TEXT,
        country_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        template_id TEXT NOT NULL,
        template_type TEXT,
        signature_name TEXT,
        content TEXT,
        total INTEGER NOT NULL,
        status TEXT NOT NULL,
        status_detail TEXT,
        outcome TEXT,
        billed INTEGER NOT NULL,
        status_callback TEXT,
        extend TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX messages_by_recipient ON messages (recipient, created_at);
    CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        sms_msg_id TEXT NOT NULL,
        url TEXT NOT NULL,
        fields TEXT NOT NULL,
        retry_on_status INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at REAL NOT NULL,
        last_error TEXT,
        delivered_at REAL
    );
    CREATE INDEX callbacks_due ON callbacks (state, due_at);
    CREATE TABLE usage (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        month TEXT NOT NULL,
        template_type TEXT NOT NULL,
        segments INTEGER NOT NULL,
        messages INTEGER NOT NULL,
        source TEXT NOT NULL,
        sms_msg_id TEXT,
        recorded_at REAL NOT NULL
    );
    CREATE INDEX usage_by_month ON usage (month);
    CREATE TABLE delivery_outcomes (
        number TEXT PRIMARY KEY,
        status TEXT NOT NULL
    );
    CREATE TABLE sending_settings (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        settings TEXT NOT NULL
    );
    """,
    # International usage by destination country; whether a message reached a carrier (what
    # the per-number limits count, billed or not); the opt-out list.
    """
    ALTER TABLE usage ADD COLUMN country TEXT;
    ALTER TABLE messages ADD COLUMN carried INTEGER NOT NULL DEFAULT 0;
    UPDATE messages SET carried = billed;
    CREATE TABLE opt_outs (
        app_id TEXT NOT NULL,
        signature_id TEXT NOT NULL,
        number TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (signature_id, number)
    );
    """,
]
