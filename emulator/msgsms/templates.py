"""Templates: submission, resubmission after rejection, deletion, the variables listing."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..iam.identity import Project
from .apps import AppService
from .base import Listing, Service, TimeRange, insert_row, listing_filter, paginate, update_row
from .countries import COUNTRIES_BY_ID
from .errors import MsgsmsError
from .models import SmsTemplateReq
from .variables import MAX_VARIABLES, VARIABLE_PATTERN, template_variables

__all__ = ["TemplateFilters", "TemplateService"]

_SELECT = (
    "SELECT t.*, a.app_name AS app_name, a.app_key AS app_key"
    " FROM templates t JOIN apps a ON a.id = t.app_id"
    " LEFT JOIN signatures s ON s.id = t.sign_id"
)
#: Flow states from which a template may be edited (and so resubmitted).
EDITABLE = ("Reject", "Pending")
REVIEWING = "Reviewing"


def _countries(req: SmsTemplateReq) -> list[int]:
    """The countries of ``send_country``; a 0 names none."""
    return [country for country in req.send_country or () if country]


@dataclass(frozen=True)
class TemplateFilters:
    app_key: str | None = None
    app_name: str | None = None
    flow_status: str | None = None
    has_variable: str | None = None
    region: str | None = None
    sign_name: str | None = None
    template_id: str | None = None
    template_name: str | None = None
    template_type: str | None = None
    times: TimeRange = field(default_factory=TimeRange)


class TemplateService(Service):
    def get(self, conn: sqlite3.Connection, project: Project, template_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            _SELECT + " WHERE t.id = ? AND t.project_id = ?", (template_id, project.id)
        ).fetchone()
        if row is None:
            raise MsgsmsError(
                "MSGSMS.0009", f"template {template_id} does not exist in this project"
            )
        return row

    def view(self, row: sqlite3.Row) -> dict[str, Any]:
        countries = json.loads(row["send_country"])
        padded = [*countries, None, None, None][:3]
        names = [COUNTRIES_BY_ID[c][1] for c in countries if c in COUNTRIES_BY_ID]
        return {
            "id": row["id"],
            **self.times(row),
            "customer_id": self.ctx.account.domain_id,
            "tenant": self.ctx.tenant(),
            "template_name": row["template_name"],
            "template_id": row["template_id"],
            "template_type": row["template_type"],
            "app_name": row["app_name"],
            "app_key": row["app_key"],
            "sign_id": row["sign_id"],
            "template_content": row["template_content"],
            "has_variable": row["has_variable"],
            "template_desc": row["template_desc"],
            "review_desc": row["review_desc"],
            "review_order": None,
            "flow_status": row["flow_status"],
            "universal_template": row["universal_template"],
            "status": row["status"],
            "region": row["region"],
            "brackets": row["brackets"],
            "site": None,
            "urge_status": "No",
            "urge_time": None,
            "urge_desc": None,
            "send_country1": padded[0],
            "send_country2": padded[1],
            "send_country3": padded[2],
            "is_support_multiomp": False,
            "country_name": "~".join(names) or None,
        }

    def _check(self, conn: sqlite3.Connection, project: Project, req: SmsTemplateReq) -> None:
        app = AppService(self.ctx).get(conn, project, req.app_id)
        if req.region != app["region"]:
            raise MsgsmsError.invalid(
                f"region: app {req.app_id} is a {app['region']} app; its templates are too"
            )
        if req.region == "cn":
            self._check_domestic(conn, project, req)
        else:
            self._check_international(req)
        tokens = VARIABLE_PATTERN.findall(req.template_content)
        if len(tokens) > MAX_VARIABLES:
            raise MsgsmsError.invalid(
                f"template_content: {len(tokens)} variables; at most {MAX_VARIABLES} are allowed"
            )
        seen: set[int] = set()
        for position, attribute in enumerate(req.variable_attributes or []):
            index = attribute.variable_index
            if index in seen:
                raise MsgsmsError.invalid(
                    f"variable_attributes[{position}].variable_index: {index} is given twice"
                )
            seen.add(index)
            if index > len(tokens):
                raise MsgsmsError.invalid(
                    f"variable_attributes[{position}].variable_index: {index}, but the content"
                    f" has {len(tokens)} variable(s)"
                )

    @staticmethod
    def _check_domestic(conn: sqlite3.Connection, project: Project, req: SmsTemplateReq) -> None:
        if _countries(req):
            raise MsgsmsError.invalid("send_country: only intl templates have send countries")
        if req.universal_template == 1:
            return
        if not req.sign_id:
            raise MsgsmsError.invalid(
                "sign_id: a cn template that is not universal must name its signature"
            )
        signature = conn.execute(
            "SELECT app_id, signature_type FROM signatures WHERE id = ? AND project_id = ?",
            (req.sign_id, project.id),
        ).fetchone()
        if signature is None or signature["app_id"] != req.app_id:
            raise MsgsmsError(
                "MSGSMS.0012", f"sign_id: {req.sign_id} is not a signature of app {req.app_id}"
            )
        if signature["signature_type"] != req.template_type:
            raise MsgsmsError.invalid(
                f"template_type: {req.template_type} differs from the signature's type"
                f" {signature['signature_type']}"
            )

    @staticmethod
    def _check_international(req: SmsTemplateReq) -> None:
        if req.template_type != "NOTIFY_TYPE":
            raise MsgsmsError.invalid("template_type: intl templates are NOTIFY_TYPE")
        if req.sign_id or req.universal_template == 1 or req.brackets:
            raise MsgsmsError.invalid(
                "sign_id, universal_template and brackets apply to cn templates only"
            )
        countries = _countries(req)
        if not countries:
            raise MsgsmsError.invalid("send_country: an intl template needs 1-3 country ids")
        unknown = [c for c in countries if c not in COUNTRIES_BY_ID]
        if unknown:
            raise MsgsmsError.invalid(
                f"send_country: unknown country id(s) {unknown}; see GET .../msgsms/country"
            )

    def _fields(self, req: SmsTemplateReq) -> dict[str, Any]:
        flow_status = req.flow_status or REVIEWING
        return {
            "template_name": req.template_name,
            "template_type": req.template_type,
            "template_content": req.template_content,
            "has_variable": "Yes" if VARIABLE_PATTERN.search(req.template_content) else "No",
            "sign_id": req.sign_id,
            "universal_template": req.universal_template or 0,
            "brackets": req.brackets or ("CN" if req.region == "cn" else None),
            "region": req.region,
            "send_country": json.dumps(_countries(req)),
            "template_desc": req.template_desc,
            "variable_attributes": json.dumps(
                [a.model_dump(exclude_none=True) for a in req.variable_attributes or []]
            ),
            "flow_status": flow_status,
            "review_desc": None,
            "review_due_at": self.ctx.review.due_at() if flow_status == REVIEWING else None,
            "updated_at": self.now(),
        }

    def create(self, project: Project, req: SmsTemplateReq) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            self._check(conn, project, req)
            used = conn.execute(
                "SELECT count(*) FROM templates WHERE app_id = ?", (req.app_id,)
            ).fetchone()[0]
            quota = self.ctx.quotas.templates_per_app
            if used >= quota:
                raise MsgsmsError.invalid(
                    f"template quota reached: app {req.app_id} has {used} of {quota} templates"
                )
            fields = self._fields(req)
            fields.update(
                id=str(uuid.uuid4()),
                project_id=project.id,
                app_id=req.app_id,
                status="Normal",
                created_at=fields["updated_at"],
            )
            insert_row(conn, "templates", fields)
        return {"id": fields["id"], "template_name": req.template_name}

    def page(
        self, project: Project, filters: TemplateFilters, listing: Listing
    ) -> tuple[list[dict[str, Any]], int]:
        where, params = listing_filter(
            "t",
            project.id,
            filters.times,
            [
                ("a.app_key", filters.app_key, True),
                ("a.app_name", filters.app_name, False),
                ("t.flow_status", filters.flow_status, True),
                ("t.has_variable", filters.has_variable, True),
                ("t.region", filters.region, True),
                ("s.signature_name", filters.sign_name, False),
                ("t.template_id", filters.template_id, True),
                ("t.template_name", filters.template_name, False),
                ("t.template_type", filters.template_type, True),
            ],
        )
        with self.ctx.transaction() as conn:
            rows, total = paginate(conn, _SELECT, where, params, listing, alias="t")
        return [self.view(row) for row in rows], total

    def show(self, project: Project, template_id: str) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            return self.view(self.get(conn, project, template_id))

    def update(self, project: Project, template_id: str, req: SmsTemplateReq) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, template_id)
            if req.app_id != row["app_id"]:
                raise MsgsmsError.invalid(
                    f"app_id: the template belongs to app {row['app_id']}; it cannot move"
                )
            if row["flow_status"] not in EDITABLE:
                raise MsgsmsError(
                    "MSGSMS.0010",
                    f"template {template_id} is {row['flow_status']}; only a rejected (Reject)"
                    " or unsubmitted (Pending) template can be modified; create a new one to"
                    " change an approved template",
                )
            self._check(conn, project, req)
            update_row(conn, "templates", template_id, self._fields(req))
        return {"id": template_id, "template_name": req.template_name}

    def _refuse_reviewing(self, row: sqlite3.Row) -> MsgsmsError | None:
        if row["flow_status"] != REVIEWING or self.ctx.review.policy.reviewing_templates_deletable:
            return None
        return MsgsmsError(
            "MSGSMS.0035",
            f"template {row['id']} is under review (Reviewing) and cannot be deleted; delete it"
            " after the review decision",
        )

    def delete(self, project: Project, template_id: str) -> None:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, template_id)
            refusal = self._refuse_reviewing(row)
            if refusal is not None:
                raise refusal
            conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))

    def delete_many(self, project: Project, ids: list[str]) -> dict[str, Any]:
        deleted: list[str] = []
        failed: list[dict[str, str]] = []
        with self.ctx.transaction() as conn:
            for template_id in dict.fromkeys(ids):
                try:
                    row = self.get(conn, project, template_id)
                except MsgsmsError as error:
                    failed.append({"id": template_id, "error_msg": error.detail})
                    continue
                refusal = self._refuse_reviewing(row)
                if refusal is not None:
                    failed.append({"id": template_id, "error_msg": refusal.detail})
                    continue
                conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
                deleted.append(template_id)
        return {
            "success_count": len(deleted),
            "success_ids": deleted,
            "failed_count": len(failed),
            "failed_template_list": failed,
        }

    def variables(self, project: Project, template_id: str) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            row = self.get(conn, project, template_id)
        variables = template_variables(
            row["template_content"], json.loads(row["variable_attributes"]), row["template_type"]
        )
        results = [
            {
                "id": row["seq"] * 100 + v.index,
                "user_name": self.ctx.account.user_name,
                "temp_name": row["template_name"],
                "variable_index": v.index,
                "variable_type": v.type,
                "variable_length": v.length,
                "variable_desc": v.desc,
            }
            for v in variables
        ]
        return {"results": results, "total": len(results)}
