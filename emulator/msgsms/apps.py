"""Applications: creation within the regional quota, listing, update; never deletion."""

from __future__ import annotations

import secrets
import sqlite3
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..iam.identity import Project
from .base import Listing, Service, TimeRange, listing_filter, paginate
from .errors import MsgsmsError
from .models import SmsAppAddReq, SmsAppUpdateReq

__all__ = ["AppFilters", "AppService"]

_KEY_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class AppFilters:
    app_name: str | None = None
    region: str | None = None
    status: str | None = None
    times: TimeRange = field(default_factory=TimeRange)


class AppService(Service):
    def get(self, conn: sqlite3.Connection, project: Project, app_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM apps WHERE id = ? AND project_id = ?", (app_id, project.id)
        ).fetchone()
        if row is None:
            raise MsgsmsError("MSGSMS.0014", f"app {app_id} does not exist in this project")
        return row

    def view(self, row: sqlite3.Row, project: Project) -> dict[str, Any]:
        access_addr = self.ctx.access_addr(project.region)
        return {
            "id": row["id"],
            **self.times(row),
            "customer_id": self.ctx.account.domain_id,
            "resource_id": row["resource_id"],
            "developer_account": self.ctx.account.user_name,
            "app_name": row["app_name"],
            "omp_app_name": row["app_name"][:48],
            "app_key": row["app_key"],
            "up_link_addr": row["up_link_addr"],
            "status": row["status"],
            "industry": None,
            "region": row["region"],
            "intl_channel_num": row["intl_channel_num"],
            "enterprise_project_id": row["enterprise_project_id"],
            "enterprise_project_name": row["enterprise_project_name"],
            "ip_white_list": row["ip_white_list"],
            "app_access_addr": access_addr,
            "protocol": access_addr.split(":", 1)[0].upper() if access_addr else None,
            "platform": None,
            "is_support_multiomp": False,
            "tenant": self.ctx.tenant(),
        }

    def create(self, project: Project, req: SmsAppAddReq) -> dict[str, Any]:
        if req.region == "intl" and req.up_link_addr:
            raise MsgsmsError.invalid("up_link_addr: uplink messages exist for cn apps only")
        if req.region == "intl" and req.create_sign_and_template:
            raise MsgsmsError.invalid("create_sign_and_template: only cn apps get test samples")
        now = self.now()
        with self.ctx.transaction() as conn:
            used = self._count(conn, project, req.region)
            quota = self.ctx.quotas.apps_per_region
            if used >= quota:
                raise MsgsmsError.invalid(
                    f"app quota reached: {used} of {quota} {req.region} apps exist in "
                    f"{project.region}; apps cannot be deleted, so reuse one or raise the quota"
                )
            app_id = str(uuid.uuid4())
            app_key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(28))
            app_secret = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(28))
            intl_channel = None
            if req.region == "intl":
                intl_channel = "isms" + "".join(secrets.choice(string.digits) for _ in range(8))
            conn.execute(
                "INSERT INTO apps (id, project_id, app_key, app_secret, app_name, region, status,"
                " up_link_addr, enterprise_project_id, enterprise_project_name,"
                " intl_channel_num, resource_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'LAUNCHED', ?, ?, ?, ?, ?, ?, ?)",
                (
                    app_id,
                    project.id,
                    app_key,
                    app_secret,
                    req.app_name,
                    req.region,
                    req.up_link_addr,
                    req.enterprise_project_id or "0",
                    req.enterprise_project_name or "default",
                    intl_channel,
                    str(uuid.uuid4()),
                    now,
                    now,
                ),
            )
            if req.create_sign_and_template:
                self._create_samples(conn, project, app_id)
        result = {"id": app_id, "app_key": app_key, "app_name": req.app_name}
        if req.show_secret:
            result["app_secret"] = app_secret
        return result

    def _create_samples(self, conn: sqlite3.Connection, project: Project, app_id: str) -> None:
        """The test signature and template a cn app gets with ``create_sign_and_template``."""
        now = self.now()
        suffix = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
        signature_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO signatures (id, project_id, app_id, signature_id, signature_name,"
            " signature_type, signature_source, is_involved_third, status, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, 'VERIFY_CODE_TYPE', 0, 'No', 'PENDING_REVIEW',"
            " ?, ?)",
            (signature_id, project.id, app_id, uuid.uuid4().hex, f"测试{suffix}", now, now),
        )
        signature = conn.execute("SELECT * FROM signatures WHERE id = ?", (signature_id,))
        self.ctx.review.decide_signature(conn, signature.fetchone(), approve=True)
        template_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO templates (id, project_id, app_id, template_name, template_type,"
            " template_content, has_variable, sign_id, universal_template, brackets, region,"
            " send_country, variable_attributes, flow_status, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'VERIFY_CODE_TYPE', ?, 'Yes', ?, 0, 'CN', 'cn', '[]', ?,"
            " 'Reviewing', 'Test', ?, ?)",
            (
                template_id,
                project.id,
                app_id,
                f"测试模板{suffix}",
                "您的验证码为${1}，5分钟内有效，请勿泄露。",
                signature_id,
                '[{"variable_index": 1, "variable_type": "CHARDIGIT"}]',
                now,
                now,
            ),
        )
        template = conn.execute("SELECT * FROM templates WHERE id = ?", (template_id,))
        self.ctx.review.decide_template(conn, template.fetchone(), approve=True)

    @staticmethod
    def _count(conn: sqlite3.Connection, project: Project, scope: str) -> int:
        return int(
            conn.execute(
                "SELECT count(*) FROM apps WHERE project_id = ? AND region = ?",
                (project.id, scope),
            ).fetchone()[0]
        )

    def count(self, project: Project, scope: str) -> dict[str, int]:
        with self.ctx.transaction() as conn:
            used = self._count(conn, project, scope)
        return {"total": self.ctx.quotas.apps_per_region, "used": used}

    def show(self, project: Project, app_id: str) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            return self.view(self.get(conn, project, app_id), project)

    def page(
        self, project: Project, filters: AppFilters, listing: Listing
    ) -> tuple[list[dict[str, Any]], int]:
        if listing.sort_key != "create_time":
            raise MsgsmsError.invalid("query.sort_key: apps sort by create_time only")
        where, params = listing_filter(
            "",
            project.id,
            filters.times,
            [
                ("app_name", filters.app_name, False),
                ("region", filters.region, True),
                ("status", filters.status, True),
            ],
        )
        with self.ctx.transaction() as conn:
            rows, total = paginate(conn, "SELECT * FROM apps", where, params, listing)
        return [self.view(row, project) for row in rows], total

    def update(self, project: Project, app_id: str, req: SmsAppUpdateReq) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, app_id)
            if req.region != row["region"]:
                raise MsgsmsError.invalid(
                    f"region: the app is {row['region']}; an app's region cannot change"
                )
            if row["region"] == "intl" and req.up_link_addr:
                raise MsgsmsError.invalid("up_link_addr: uplink messages exist for cn apps only")
            up_link = row["up_link_addr"] if req.up_link_addr is None else req.up_link_addr or None
            conn.execute(
                "UPDATE apps SET app_name = ?, up_link_addr = ?, enterprise_project_id = ?,"
                " enterprise_project_name = ?, updated_at = ? WHERE id = ?",
                (
                    req.app_name,
                    up_link,
                    req.enterprise_project_id or row["enterprise_project_id"],
                    req.enterprise_project_name or row["enterprise_project_name"],
                    self.now(),
                    app_id,
                ),
            )
        return {"id": app_id, "app_key": row["app_key"], "app_name": req.app_name}
