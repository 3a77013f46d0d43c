"""Signatures: submission for review, resubmission after rejection, activation, deletion."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..iam.identity import Project
from .apps import AppService
from .base import Listing, Service, TimeRange, insert_row, listing_filter, paginate, update_row
from .errors import MsgsmsError
from .models import SmsSignatureReq
from .review import SIGNATURE_REJECTED

__all__ = ["SignatureFilters", "SignatureService"]

_SELECT = (
    "SELECT s.*, a.app_name AS app_name, a.app_key AS app_key"
    " FROM signatures s JOIN apps a ON a.id = s.app_id"
)


@dataclass(frozen=True)
class SignatureFilters:
    app_name: str | None = None
    signature_id: str | None = None
    signature_name: str | None = None
    signature_type: str | None = None
    site: str | None = None
    status: str | None = None
    times: TimeRange = field(default_factory=TimeRange)


class SignatureService(Service):
    def get(self, conn: sqlite3.Connection, project: Project, signature_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            _SELECT + " WHERE s.id = ? AND s.project_id = ?", (signature_id, project.id)
        ).fetchone()
        if row is None:
            raise MsgsmsError(
                "MSGSMS.0005", f"signature {signature_id} does not exist in this project"
            )
        return row

    def view(self, row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            **self.times(row),
            "customer_id": self.ctx.account.domain_id,
            "tenant": self.ctx.tenant(),
            "signature_name": row["signature_name"],
            "signature_id": row["signature_id"],
            "signature_type": row["signature_type"],
            "app_name": row["app_name"],
            "apply_desc": row["apply_desc"],
            "channel_num": row["channel_num"],
            "review_desc": row["review_desc"],
            "file_id": row["file_id"],
            "status": row["status"],
            "site": "cn",
            "signature_source": row["signature_source"],
            "is_involved_third": row["is_involved_third"],
            "power_attorney_file_id": row["power_attorney_file_id"],
            "urge_status": None,
            "urge_time": None,
            "urge_desc": None,
            "app_key": row["app_key"],
            "source_title_content": row["source_title_content"],
            "signature_usage": None,
            "qualification_id": row["qualification_id"],
            "qualification_name": None,
        }

    def _check(
        self,
        conn: sqlite3.Connection,
        project: Project,
        req: SmsSignatureReq,
        *,
        exclude: str | None = None,
    ) -> None:
        app = AppService(self.ctx).get(conn, project, req.app_id)
        if app["region"] != "cn":
            raise MsgsmsError.invalid(
                f"app_id: app {req.app_id} is an intl app; signatures belong to cn apps"
            )
        if req.is_involved_third.lower() == "yes" and not req.power_attorney_fileid:
            raise MsgsmsError.invalid(
                "power_attorney_fileid: a signature involving a third party needs an uploaded"
                " power of attorney"
            )
        for name, file_id in (
            ("file_id", req.file_id),
            ("power_attorney_fileid", req.power_attorney_fileid),
        ):
            if (
                file_id
                and not conn.execute(
                    "SELECT 1 FROM files WHERE file_id = ? AND project_id = ?",
                    (file_id, project.id),
                ).fetchone()
            ):
                raise MsgsmsError("MSGSMS.0011", f"{name}: file {file_id} was never uploaded")
        duplicate = conn.execute(
            "SELECT id FROM signatures WHERE project_id = ? AND signature_name = ?"
            " AND signature_type = ? AND id IS NOT ?",
            (project.id, req.signature_name, req.signature_type, exclude),
        ).fetchone()
        if duplicate is not None:
            raise MsgsmsError(
                "MSGSMS.0006",
                f"signature {req.signature_name} of type {req.signature_type} already exists"
                f" (id {duplicate['id']}); the same name needs another type",
            )

    def _fields(self, req: SmsSignatureReq) -> dict[str, Any]:
        """The columns a submission (or resubmission) sets."""
        return {
            "signature_name": req.signature_name,
            "signature_type": req.signature_type,
            "signature_source": req.signature_source,
            "is_involved_third": req.is_involved_third,
            "apply_desc": req.apply_desc,
            "file_id": req.file_id,
            "power_attorney_file_id": req.power_attorney_fileid,
            "source_title_content": req.source_title_content,
            "qualification_id": req.qualification_id,
            "status": "PENDING_REVIEW",
            "review_desc": None,
            "channel_num": None,
            "review_due_at": self.ctx.review.due_at(),
            "updated_at": self.now(),
        }

    def create(self, project: Project, req: SmsSignatureReq) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            self._check(conn, project, req)
            used = conn.execute(
                "SELECT count(*) FROM signatures WHERE app_id = ?", (req.app_id,)
            ).fetchone()[0]
            quota = self.ctx.quotas.signatures_per_app
            if used >= quota:
                raise MsgsmsError.invalid(
                    f"signature quota reached: app {req.app_id} has {used} of {quota} signatures"
                )
            fields = self._fields(req)
            fields.update(
                id=str(uuid.uuid4()),
                project_id=project.id,
                app_id=req.app_id,
                signature_id=uuid.uuid4().hex,
                created_at=fields["updated_at"],
            )
            insert_row(conn, "signatures", fields)
        return {
            "id": fields["id"],
            "signature_id": fields["signature_id"],
            "signature_name": req.signature_name,
        }

    def page(
        self, project: Project, filters: SignatureFilters, listing: Listing
    ) -> tuple[list[dict[str, Any]], int]:
        where, params = listing_filter(
            "s",
            project.id,
            filters.times,
            [
                ("a.app_name", filters.app_name, False),
                ("s.signature_id", filters.signature_id, True),
                ("s.signature_name", filters.signature_name, False),
                ("s.signature_type", filters.signature_type, True),
                ("s.status", filters.status, True),
            ],
        )
        if filters.site and filters.site != "cn":
            where.append("0")
        with self.ctx.transaction() as conn:
            rows, total = paginate(conn, _SELECT, where, params, listing, alias="s")
        return [self.view(row) for row in rows], total

    def show(self, project: Project, signature_id: str) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            return self.view(self.get(conn, project, signature_id))

    def update(self, project: Project, signature_id: str, req: SmsSignatureReq) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, signature_id)
            if req.app_id != row["app_id"]:
                raise MsgsmsError.invalid(
                    f"app_id: the signature belongs to app {row['app_id']}; it cannot move"
                )
            if row["status"] != SIGNATURE_REJECTED:
                raise MsgsmsError(
                    "MSGSMS.0007",
                    f"signature {signature_id} is {row['status']}; only a rejected"
                    f" ({SIGNATURE_REJECTED}) signature can be modified",
                )
            self._check(conn, project, req, exclude=signature_id)
            update_row(conn, "signatures", signature_id, self._fields(req))
        return {
            "id": signature_id,
            "signature_id": row["signature_id"],
            "signature_name": req.signature_name,
        }

    def delete(self, project: Project, signature_id: str) -> None:
        with self.ctx.transaction() as conn:
            self.get(conn, project, signature_id)
            conn.execute("DELETE FROM signatures WHERE id = ?", (signature_id,))

    def activate(self, project: Project, signature_id: str) -> None:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, signature_id)
            if row["status"] != "TO_BE_ACTIVATED":
                raise MsgsmsError.invalid(
                    f"signature {signature_id} is {row['status']}; only a TO_BE_ACTIVATED"
                    " signature can apply for activation"
                )
            conn.execute(
                "UPDATE signatures SET status = 'PENDING_ACTIVATE', review_due_at = ?,"
                " updated_at = ? WHERE id = ?",
                (self.ctx.review.due_at(), self.now(), signature_id),
            )
