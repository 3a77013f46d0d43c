"""The review engine: how submitted signatures and templates get approved or rejected.

Every submission records ``review_due_at``. In ``auto`` mode a background task (and, lazily,
every API call) decides the items that are due: the rejection rules first, else approval. In
``manual`` mode items wait for an admin decision. Because the due time is in the database, a
restart carries on with pending reviews.

Approval assigns what the real platform assigns then: a signature's ``channel_num`` (status
``REVIEW_PROCESSING_COMPLETED``) and a template's ``template_id`` (flow status ``Adopted``).
A template waits for its signature: it is decided only after the signature is.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import sqlite3
import threading
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.clock import Clock
from .variables import VARIABLE_PATTERN, template_variables

__all__ = [
    "SIGNATURE_APPROVED",
    "SIGNATURE_NAME_LENGTH",
    "SIGNATURE_REJECTED",
    "SIGNATURE_STATUSES",
    "SIGNATURE_UNDER_REVIEW",
    "ReviewEngine",
    "ReviewPolicy",
    "signature_rejection",
    "template_rejection",
]

SIGNATURE_STATUSES = (
    "PENDING_REVIEW",
    "PROCESSING",
    "REVIEW_PASSED",
    "REVIEW_NOT_PASS",
    "TO_BE_ACTIVATED",
    "PENDING_ACTIVATE",
    "PENDING_QUALIFICATION_REVIEW",
    "REAL_NAME_REGISTRATING",
    "REVIEW_PASSED_QUALIFICATION_PROCESSING",
    "REVIEW_PASSED_REAL_NAME_REGISTRATING",
    "REVIEW_PASSED_REAL_NAME_REGISTRATE_FAIL",
    "REVIEW_PROCESSING_COMPLETED",
)
SIGNATURE_UNDER_REVIEW = ("PENDING_REVIEW", "PENDING_ACTIVATE")
SIGNATURE_APPROVED = "REVIEW_PROCESSING_COMPLETED"
SIGNATURE_REJECTED = "REVIEW_NOT_PASS"

VERIFY_CODE_WORDS = ("验证码", "注册码", "校验码", "动态码")
PROMOTION_OPT_OUT = "拒收请回复R"
MAX_CONTENT_WITH_SIGNATURE = 500
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class ReviewPolicy(BaseModel):
    """``auto``: decide after ``delay_seconds``; ``manual``: wait for an admin decision.

    ``reviewing_templates_deletable``: whether DeleteTemplate removes a template under review.
    The console refuses (its FAQ on deleting templates); the API documents no such refusal, so
    either may be what a test needs. Refused, the answer is ``MSGSMS.0035``, the documented
    code of a template deletion that failed.
    """

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "manual"] = "auto"
    delay_seconds: Annotated[float, Field(ge=0, le=30 * 24 * 3600)] = 3.0
    reviewing_templates_deletable: bool = False


#: The naming rules of signatures (DOC productdesc-msgsms sms_faq_0002): 2-32 characters,
#: Chinese characters, letters and digits, not all digits. The API takes any 1-32 characters
#: (the definition's SmsSignatureReq); review applies the rules.
SIGNATURE_NAME_LENGTH = (2, 32)
_SIGNATURE_NAME = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9]+$")


def signature_rejection(signature: sqlite3.Row) -> str | None:
    """Why review rejects this signature, or None if it passes."""
    name: str = signature["signature_name"]
    shortest, longest = SIGNATURE_NAME_LENGTH
    if not shortest <= len(name) <= longest:
        return f"signature name must have {shortest}-{longest} characters (签名长度为2-32个字符)"
    if not _SIGNATURE_NAME.match(name):
        return "signature name may hold Chinese characters, letters and digits only"
    if name.isdigit():
        return "signature name must not be all digits (签名不能全为数字)"
    return None


def template_rejection(template: sqlite3.Row, signature_name: str | None) -> str | None:
    """Why review rejects this template, or None if it passes."""
    content: str = template["template_content"]
    kind: str = template["template_type"]
    tokens = list(VARIABLE_PATTERN.finditer(content))
    if "【" in content or "】" in content:
        return "content must not contain 【】; the platform adds the signature itself"
    if tokens and not VARIABLE_PATTERN.sub("", content).strip():
        return "a template must not consist of variables only"
    if any(a.end() == b.start() for a, b in itertools.pairwise(tokens)):
        return "two variables must be separated by text"
    if kind == "VERIFY_CODE_TYPE":
        if not any(word in content for word in VERIFY_CODE_WORDS) and not (
            template["region"] == "intl" and "code" in content.lower()
        ):
            return "a verification-code template must contain one of " + ", ".join(
                VERIFY_CODE_WORDS
            )
        if len(tokens) != 1:
            return "a verification-code template must have exactly one variable"
        if _LINK.search(content):
            return "a verification-code template must not contain links"
    if kind == "PROMOTION_TYPE" and PROMOTION_OPT_OUT not in content:
        return f"a promotion template must contain the opt-out text {PROMOTION_OPT_OUT}"
    if signature_name is not None:
        attributes = _json_list(template["variable_attributes"])
        fixed = len(VARIABLE_PATTERN.sub("", content))
        variable_room = sum(v.length for v in template_variables(content, attributes, kind))
        total = fixed + variable_room + len(signature_name) + 2
        if total > MAX_CONTENT_WITH_SIGNATURE:
            return (
                f"content with its longest variable values and the signature 【{signature_name}】"
                f" is {total} characters; the limit is {MAX_CONTENT_WITH_SIGNATURE}"
            )
    return None


def _json_list(text: str | None) -> list[dict[str, object]]:
    return list(json.loads(text)) if text else []


class ReviewEngine:
    def __init__(self, clock: Clock, policy: ReviewPolicy | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.policy = policy or ReviewPolicy()

    def due_at(self) -> float | None:
        """When a submission made now gets decided; None while reviews are manual."""
        if self.policy.mode == "manual":
            return None
        return self._clock.now() + self.policy.delay_seconds

    def set_policy(self, conn: sqlite3.Connection, policy: ReviewPolicy) -> None:
        self.policy = policy
        if policy.mode == "auto":
            # Items submitted while reviews were manual get their delay from now on.
            due = self.due_at()
            placeholders = ",".join("?" * len(SIGNATURE_UNDER_REVIEW))
            conn.execute(
                f"UPDATE signatures SET review_due_at = ? WHERE review_due_at IS NULL"
                f" AND status IN ({placeholders})",
                (due, *SIGNATURE_UNDER_REVIEW),
            )
            conn.execute(
                "UPDATE templates SET review_due_at = ? WHERE review_due_at IS NULL"
                " AND flow_status = 'Reviewing'",
                (due,),
            )

    def apply_due(self, conn: sqlite3.Connection) -> int:
        """Decide every item whose review is due; the number decided."""
        if self.policy.mode == "manual":
            return 0
        now = self._clock.now()
        decided = 0
        placeholders = ",".join("?" * len(SIGNATURE_UNDER_REVIEW))
        for row in conn.execute(
            f"SELECT * FROM signatures WHERE status IN ({placeholders})"
            " AND review_due_at IS NOT NULL AND review_due_at <= ? ORDER BY review_due_at",
            (*SIGNATURE_UNDER_REVIEW, now),
        ).fetchall():
            rejection = signature_rejection(row)
            self.decide_signature(conn, row, approve=rejection is None, review_desc=rejection)
            decided += 1
        for row in conn.execute(
            "SELECT * FROM templates WHERE flow_status = 'Reviewing'"
            " AND review_due_at IS NOT NULL AND review_due_at <= ? ORDER BY review_due_at",
            (now,),
        ).fetchall():
            signature = self._signature_of(conn, row)
            if signature is not None and signature["status"] in SIGNATURE_UNDER_REVIEW:
                continue  # decided once its signature is
            if row["sign_id"] and not row["universal_template"] and signature is None:
                reason: str | None = "the bound signature no longer exists"
            elif signature is not None and signature["status"] == SIGNATURE_REJECTED:
                reason = f"the bound signature {signature['signature_name']} was not approved"
            else:
                name = signature["signature_name"] if signature is not None else None
                reason = template_rejection(row, name)
            self.decide_template(conn, row, approve=reason is None, review_desc=reason)
            decided += 1
        return decided

    @staticmethod
    def _signature_of(conn: sqlite3.Connection, template: sqlite3.Row) -> sqlite3.Row | None:
        if not template["sign_id"] or template["universal_template"]:
            return None
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM signatures WHERE id = ? AND project_id = ?",
            (template["sign_id"], template["project_id"]),
        ).fetchone()
        return row

    def decide_signature(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        *,
        approve: bool,
        review_desc: str | None = None,
        status: str | None = None,
    ) -> None:
        now = self._clock.now()
        if approve:
            channel = row["channel_num"] or self._new_channel_num(conn)
            conn.execute(
                "UPDATE signatures SET status = ?, review_desc = ?, channel_num = ?,"
                " review_due_at = NULL, updated_at = ? WHERE id = ?",
                (status or SIGNATURE_APPROVED, review_desc, channel, now, row["id"]),
            )
        else:
            conn.execute(
                "UPDATE signatures SET status = ?, review_desc = ?, review_due_at = NULL,"
                " updated_at = ? WHERE id = ?",
                (SIGNATURE_REJECTED, review_desc or "rejected by review", now, row["id"]),
            )

    def decide_template(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        *,
        approve: bool,
        review_desc: str | None = None,
    ) -> None:
        now = self._clock.now()
        if approve:
            conn.execute(
                "UPDATE templates SET flow_status = 'Adopted', review_desc = ?,"
                " template_id = coalesce(template_id, ?), review_due_at = NULL, updated_at = ?"
                " WHERE id = ?",
                (review_desc, uuid.uuid4().hex, now, row["id"]),
            )
        else:
            conn.execute(
                "UPDATE templates SET flow_status = 'Reject', review_desc = ?,"
                " review_due_at = NULL, updated_at = ? WHERE id = ?",
                (review_desc or "rejected by review", now, row["id"]),
            )

    @staticmethod
    def _new_channel_num(conn: sqlite3.Connection) -> str:
        # Domestic channel numbers look like 8824110605543: "88" and eleven digits.
        while True:
            channel = "88" + "".join(secrets.choice("0123456789") for _ in range(11))
            taken = conn.execute(
                "SELECT 1 FROM signatures WHERE channel_num = ?", (channel,)
            ).fetchone()
            if taken is None:
                return channel
