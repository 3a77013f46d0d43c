"""Tables of the management API, migrated in order (append, never edit, a released script)."""

from __future__ import annotations

__all__ = ["MSGSMS_SCHEMA"]

MSGSMS_SCHEMA: list[str] = [
    """
    CREATE TABLE apps (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        app_key TEXT NOT NULL UNIQUE,
        app_secret TEXT NOT NULL,
        app_name TEXT NOT NULL,
        region TEXT NOT NULL,
        status TEXT NOT NULL,
        up_link_addr TEXT,
        enterprise_project_id TEXT NOT NULL,
        enterprise_project_name TEXT NOT NULL,
        intl_channel_num TEXT,
        resource_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX apps_by_project ON apps (project_id, region);
    CREATE TABLE files (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        file_id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_size INTEGER NOT NULL,
        file_desc TEXT,
        content_type TEXT,
        sha256 TEXT NOT NULL,
        content BLOB NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE signatures (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        app_id TEXT NOT NULL REFERENCES apps (id),
        signature_id TEXT NOT NULL UNIQUE,
        signature_name TEXT NOT NULL,
        signature_type TEXT NOT NULL,
        signature_source INTEGER NOT NULL,
        is_involved_third TEXT NOT NULL,
        apply_desc TEXT,
        file_id TEXT,
        power_attorney_file_id TEXT,
        source_title_content TEXT,
        qualification_id TEXT,
        status TEXT NOT NULL,
        review_desc TEXT,
        channel_num TEXT UNIQUE,
        review_due_at REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX signatures_by_project ON signatures (project_id, app_id);
    CREATE TABLE templates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        app_id TEXT NOT NULL REFERENCES apps (id),
        template_id TEXT UNIQUE,
        template_name TEXT NOT NULL,
        template_type TEXT NOT NULL,
        template_content TEXT NOT NULL,
        has_variable TEXT NOT NULL,
        sign_id TEXT,
        universal_template INTEGER NOT NULL,
        brackets TEXT,
        region TEXT NOT NULL,
        send_country TEXT NOT NULL,
        template_desc TEXT,
        variable_attributes TEXT NOT NULL,
        flow_status TEXT NOT NULL,
        status TEXT NOT NULL,
        review_desc TEXT,
        review_due_at REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX templates_by_project ON templates (project_id, app_id);
    """,
    # The app's IP allow-list (comma-separated addresses or networks; empty: any address).
    """
    ALTER TABLE apps ADD COLUMN ip_white_list TEXT NOT NULL DEFAULT '';
    """,
]
