"""The management backend: business rules of MSGSMS, independent of HTTP.

Routes parse and shape; this layer owns the rules and the tables. The send side uses the
lookups at the bottom (apps by app_key, signatures by channel number, templates by template_id).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..iam.identity import Project
from .apps import AppService
from .base import BackendContext
from .countries import COUNTRIES
from .files import FileService
from .schema import MSGSMS_SCHEMA
from .signatures import SignatureService
from .templates import TemplateService

__all__ = ["OBJECT_KINDS", "MsgsmsBackend"]

OBJECT_KINDS = ("apps", "signatures", "templates", "files")


class MsgsmsBackend:
    def __init__(self, ctx: BackendContext) -> None:
        ctx.store.migrate("msgsms", MSGSMS_SCHEMA)
        self.ctx = ctx
        self.apps = AppService(ctx)
        self.signatures = SignatureService(ctx)
        self.files = FileService(ctx)
        self.templates = TemplateService(ctx)

    @staticmethod
    def countries(name_en: str | None, name_zh: str | None) -> list[dict[str, Any]]:
        return [
            {"country_id": cid, "country_name_en": en, "country_name_zh": zh}
            for cid, en, zh in COUNTRIES
            if (not name_en or name_en.lower() in en.lower()) and (not name_zh or name_zh in zh)
        ]

    # ---- lookups for the send side and the admin API ------------------------------------------

    def project_of(self, project_id: str) -> Project:
        project = self.ctx.account.project_by_id(project_id)
        if project is None:  # rows only ever carry the account's project ids
            raise LookupError(project_id)
        return project

    @staticmethod
    def app_by_key(conn: sqlite3.Connection, app_key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM apps WHERE app_key = ?", (app_key,)
        ).fetchone()
        return row

    @staticmethod
    def signature_by_channel(
        conn: sqlite3.Connection, app_id: str, channel_num: str
    ) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM signatures WHERE app_id = ? AND channel_num = ?", (app_id, channel_num)
        ).fetchone()
        return row

    @staticmethod
    def signatures_by_name(
        conn: sqlite3.Connection, app_id: str, signature_name: str
    ) -> list[sqlite3.Row]:
        return conn.execute(
            "SELECT * FROM signatures WHERE app_id = ? AND signature_name = ?",
            (app_id, signature_name),
        ).fetchall()

    @staticmethod
    def template_by_template_id(conn: sqlite3.Connection, template_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM templates WHERE template_id = ?", (template_id,)
        ).fetchone()
        return row

    def find(self, conn: sqlite3.Connection, kind: str, object_id: str) -> sqlite3.Row | None:
        """A signature or template by primary key in any project."""
        table = {"signatures": "signatures", "templates": "templates"}[kind]
        row: sqlite3.Row | None = conn.execute(
            f"SELECT project_id FROM {table} WHERE id = ?", (object_id,)
        ).fetchone()
        return row

    def view(self, conn: sqlite3.Connection, kind: str, object_id: str) -> dict[str, Any]:
        """A signature or template as the API shows it, looked up in any project."""
        row = self.find(conn, kind, object_id)
        if row is None:
            raise LookupError(object_id)
        project = self.project_of(row["project_id"])
        if kind == "signatures":
            return self.signatures.view(self.signatures.get(conn, project, object_id))
        return self.templates.view(self.templates.get(conn, project, object_id))

    def objects(self, kind: str, region: str | None) -> list[dict[str, Any]]:
        """Every stored object of a kind, for assertions (admin ``GET /objects``)."""
        projects = {
            p.id: p
            for p in self.ctx.account.projects.values()
            if region is None or p.region == region
        }
        out: list[dict[str, Any]] = []
        with self.ctx.transaction() as conn:
            if kind == "files":
                rows = conn.execute(
                    "SELECT file_id, project_id, file_name, file_size, file_desc, content_type,"
                    " sha256, updated_at FROM files ORDER BY seq"
                ).fetchall()
                return [
                    {**dict(r), "endpoint_region": projects[r["project_id"]].region}
                    for r in rows
                    if r["project_id"] in projects
                ]
            rows = conn.execute(f"SELECT id, project_id FROM {kind} ORDER BY seq").fetchall()
            for row in rows:
                project = projects.get(row["project_id"])
                if project is None:
                    continue
                if kind == "apps":
                    full = self.apps.get(conn, project, row["id"])
                    item = {**self.apps.view(full, project), "app_secret": full["app_secret"]}
                elif kind == "signatures":
                    item = self.signatures.view(self.signatures.get(conn, project, row["id"]))
                else:
                    item = self.templates.view(self.templates.get(conn, project, row["id"]))
                out.append({**item, "project_id": project.id, "endpoint_region": project.region})
        return out

    @staticmethod
    def reset(conn: sqlite3.Connection) -> None:
        for table in ("templates", "signatures", "files", "apps"):
            conn.execute(f"DELETE FROM {table}")
