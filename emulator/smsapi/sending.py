"""Sending: the rules a send request meets, and what an accepted message sets in motion.

A request-level problem (a malformed field, a forbidden character in a value) fails the whole
request with ``E000503`` and records nothing. Otherwise every number gets a result: ``000000``
and a message that is recorded, billed as the billing mode says, rate limited (Chinese
mainland numbers only: the international site documents no per-number limits), kept from
numbers that opted out of the signature's promotions, and reported to ``statusCallback``; or a
per-number status saying why it was not sent. A number given again for the same message is
sent once; its repeats answer ``E200041`` (the FAQ on duplicate numbers). When no number was
sent the code is ``E000510``. The per-number statuses where the reference gives a range but no
exact meaning are this emulator's choice:

======== =================================================================================
E000503  the number is malformed
E200018  ``from`` is not the channel number of an approved signature of the app (cn), or not
         the app's international channel number (intl)
E200020  ``templateId`` is unknown, of another app, or bound to another signature than ``from``'s
E200021  a universal template's ``signature`` is not an approved signature of the app
E200024  a cn app sending to a number outside the Chinese mainland
E200025  an intl app sending to a Chinese mainland number or a country the template is not for
E200028  the wrong number of values, or a value empty or too long for its variable
E200029  the template's type differs from the signature's
E200030  the template is not approved (``Adopted``)
E200037  a promotion outside 08:00-22:00 Beijing time
E200041  the number was given before for the same message (documented)
======== =================================================================================
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..msgsms.backend import MsgsmsBackend
from ..msgsms.review import SIGNATURE_APPROVED
from ..msgsms.variables import template_variables
from .beijing import beijing_time
from .callbacks import CallbackOutbox
from .errors import SUCCESS, SmsapiError
from .limits import exceeded_limit, promotion_allowed
from .numbers import Recipient, parse_recipient
from .optouts import is_opted_out
from .parameters import MALFORMED_VALUE, ParameterError, check_parameters, render
from .reports import OPTED_OUT, is_billed, outcome_for, report_source, status_report_fields
from .segments import Split, split_message
from .settings import SendingSettings
from .submission import Group, Submission
from .usage import UsageLedger

__all__ = ["SENDABLE_SIGNATURE_STATUSES", "SendService", "api_timestamp"]

#: Signature statuses that allow sending (reference §6; the legacy REVIEW_PASSED* ones too).
SENDABLE_SIGNATURE_STATUSES = frozenset(
    {
        SIGNATURE_APPROVED,
        "REVIEW_PASSED",
        "REVIEW_PASSED_QUALIFICATION_PROCESSING",
        "REVIEW_PASSED_REAL_NAME_REGISTRATING",
        "REVIEW_PASSED_REAL_NAME_REGISTRATE_FAIL",
    }
)
ALL_FAILED = "E000510"
_REPEATED = "E200041"
_DESCRIPTIONS = {
    SUCCESS: "Success",
    ALL_FAILED: "The SMS fails to be sent. For details, see status.",
}
_MAX_DESCRIPTION = 512


def api_timestamp(ts: float) -> str:
    """The send side's UTC timestamps: ``yyyy-MM-ddTHH:mm:ssZ``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class _Sending:
    """The request being served, inside its transaction."""

    conn: sqlite3.Connection
    app: sqlite3.Row
    region: str
    submission: Submission
    now: float


@dataclass(frozen=True)
class _Refusal:
    """Why none of a group's numbers is sent."""

    status: str
    detail: str


@dataclass(frozen=True)
class _Message:
    """A group's message, ready for its numbers."""

    template_id: str
    template_type: str
    signature_id: str | None  # cn only
    signature_name: str | None
    text: str  # as the handset shows it, signature included
    split: Split
    send_countries: frozenset[int] | None  # intl only

    @property
    def international(self) -> bool:
        return self.send_countries is not None


class SendService:
    def __init__(
        self,
        msgsms: MsgsmsBackend,
        ledger: UsageLedger,
        outbox: CallbackOutbox,
        settings: Callable[[], SendingSettings],
    ) -> None:
        self.msgsms = msgsms
        self.ctx = msgsms.ctx
        self.ledger = ledger
        self.outbox = outbox
        self.settings = settings

    def app(self, conn: sqlite3.Connection, region: str, app_key: str) -> sqlite3.Row:
        """The launched app of ``app_key`` in ``region``; E000102 or E000112 otherwise."""
        app = self.msgsms.app_by_key(conn, app_key)
        if app is None or app["project_id"] != self.ctx.account.projects[region].id:
            raise SmsapiError("E000102", f"No app has the app_key {app_key!r} in {region}.")
        if app["status"] != "LAUNCHED":
            raise SmsapiError("E000112", f"The app is {app['status']}, not LAUNCHED.")
        return app

    def send(self, region: str, app_key: str, submission: Submission) -> dict[str, Any]:
        with self.ctx.transaction() as conn:  # applies due reviews first
            now = self.ctx.clock.now()
            app = self.app(conn, region, app_key)
            results: list[dict[str, Any]] = []
            refusals: list[str] = []
            sending = _Sending(conn, app, region, submission, now)
            for group in submission.groups:
                message = self._compose(sending, group)
                seen: set[str] = set()
                for given in group.to:
                    recipient = parse_recipient(given)
                    key = recipient.number or given
                    this = message
                    if key in seen and not isinstance(message, _Refusal):
                        this = _Refusal(_REPEATED, "the number was given before; it is sent once.")
                    seen.add(key)
                    result, detail = self._deliver(sending, group, this, recipient)
                    results.append(result)
                    if detail:
                        refusals.append(f"{recipient.given}: {result['status']} {detail}")
        code = SUCCESS if any(r["status"] == SUCCESS for r in results) else ALL_FAILED
        description = _DESCRIPTIONS[code]
        if code == ALL_FAILED and refusals:
            description = f"{description} {refusals[0]}"[:_MAX_DESCRIPTION]
        return {"code": code, "description": description, "result": results}

    # ---- the group's message --------------------------------------------------------------

    def _signature(
        self, conn: sqlite3.Connection, app: sqlite3.Row, sender: str
    ) -> sqlite3.Row | _Refusal:
        if app["region"] == "intl":
            if sender != app["intl_channel_num"]:
                return _Refusal(
                    "E200018",
                    f"from {sender!r} is not the international channel number of the app"
                    f" ({app['intl_channel_num']}).",
                )
            return app
        signature = self.msgsms.signature_by_channel(conn, app["id"], sender)
        if signature is None or signature["status"] not in SENDABLE_SIGNATURE_STATUSES:
            return _Refusal(
                "E200018",
                f"from {sender!r} is not the channel number of an approved signature of the app.",
            )
        return signature

    def _universal_signature(
        self, conn: sqlite3.Connection, app: sqlite3.Row, template: sqlite3.Row, name: str
    ) -> sqlite3.Row | _Refusal:
        usable = [
            s
            for s in self.msgsms.signatures_by_name(conn, app["id"], name)
            if s["status"] in SENDABLE_SIGNATURE_STATUSES
        ]
        if not usable:
            return _Refusal(
                "E200021", f"signature {name!r} is not an approved signature of the app."
            )
        same_type = [s for s in usable if s["signature_type"] == template["template_type"]]
        if not same_type:
            return _Refusal(
                "E200029",
                f"signature {name!r} is {usable[0]['signature_type']}; the template is"
                f" {template['template_type']}.",
            )
        return same_type[0]

    def _template(
        self, conn: sqlite3.Connection, app: sqlite3.Row, template_id: str
    ) -> sqlite3.Row | _Refusal:
        template = self.msgsms.template_by_template_id(conn, template_id)
        if template is None or template["app_id"] != app["id"]:
            return _Refusal("E200020", f"templateId {template_id!r} is not a template of the app.")
        if template["flow_status"] != "Adopted":
            return _Refusal(
                "E200030", f"template {template_id} is {template['flow_status']}, not Adopted."
            )
        return template

    def _bound_signature(
        self,
        conn: sqlite3.Connection,
        app: sqlite3.Row,
        channel: sqlite3.Row,
        template: sqlite3.Row,
        group: Group,
    ) -> sqlite3.Row | _Refusal:
        """The signature a cn message goes out with: ``from``'s, or a universal template's."""
        if template["universal_template"]:
            if not group.signature:
                raise SmsapiError(
                    "E000503", f"signature is required: template {group.template_id} is universal."
                )
            return self._universal_signature(conn, app, template, group.signature)
        if template["sign_id"] != channel["id"]:
            return _Refusal(
                "E200020",
                f"template {group.template_id} belongs to another signature than the one of"
                f" channel {channel['channel_num']}.",
            )
        if channel["signature_type"] != template["template_type"]:
            return _Refusal(
                "E200029",
                f"the template is {template['template_type']}; the signature is"
                f" {channel['signature_type']}.",
            )
        return channel

    def _compose(self, sending: _Sending, group: Group) -> _Message | _Refusal:
        """The group's message, or why none of its numbers can be sent."""
        conn, app, sender = sending.conn, sending.app, sending.submission.sender
        channel = self._signature(conn, app, sender)
        if isinstance(channel, _Refusal):
            return channel
        template = self._template(conn, app, group.template_id)
        if isinstance(template, _Refusal):
            return template
        name = signature_id = None
        if app["region"] == "cn":
            signature = self._bound_signature(conn, app, channel, template, group)
            if isinstance(signature, _Refusal):
                return signature
            name, signature_id = signature["signature_name"], signature["id"]
        variables = template_variables(
            template["template_content"],
            json.loads(template["variable_attributes"]),
            template["template_type"],
        )
        values = group.parameters or ()
        try:
            check_parameters(variables, values)
        except ParameterError as error:
            if error.status == MALFORMED_VALUE:
                raise SmsapiError(MALFORMED_VALUE, error.detail) from None
            return _Refusal(error.status, error.detail)
        if template["template_type"] == "PROMOTION_TYPE":
            moment = self.settings().fixed_beijing_time() or beijing_time(sending.now).time()
            if not promotion_allowed(moment):
                return _Refusal(
                    "E200037",
                    f"promotions are sent 08:00-22:00 Beijing time; it is {moment:%H:%M}.",
                )
        content = render(template["template_content"], values)
        if name is not None:
            content = (f"[{name}]" if template["brackets"] == "GB" else f"【{name}】") + content
        countries = json.loads(template["send_country"])
        return _Message(
            template_id=group.template_id,
            template_type=template["template_type"],
            signature_id=signature_id,
            signature_name=name,
            text=content,
            split=split_message(content, international=app["region"] == "intl"),
            send_countries=frozenset(countries) if app["region"] == "intl" else None,
        )

    # ---- each number ----------------------------------------------------------------------

    @staticmethod
    def _number_refusal(message: _Message, recipient: Recipient) -> _Refusal | None:
        if recipient.number is None:
            return _Refusal("E000503", "the number is malformed.")
        if message.send_countries is None:
            if not recipient.domestic:
                return _Refusal("E200024", "a cn app sends to Chinese mainland numbers only.")
            return None
        if recipient.domestic or recipient.calling_code not in message.send_countries:
            return _Refusal(
                "E200025",
                f"the template is for countries {sorted(message.send_countries)}.",
            )
        return None

    def _deliver(
        self,
        sending: _Sending,
        group: Group,
        message: _Message | _Refusal,
        recipient: Recipient,
    ) -> tuple[dict[str, Any], str | None]:
        """Record one number's message (or refusal), bill and report it; its result."""
        conn, app, submission, now = sending.conn, sending.app, sending.submission, sending.now
        refusal = message if isinstance(message, _Refusal) else None
        sent = None if isinstance(message, _Refusal) else message
        if sent is not None:
            refusal = self._number_refusal(sent, recipient)
        outcome = None
        if sent is not None and refusal is None and recipient.number is not None:
            outcome = self._outcome(conn, sent, recipient.number, now)
        status = refusal.status if refusal else SUCCESS
        billed = False
        if sent is not None and outcome is not None:
            mode = self.settings().billing_mode
            billed = is_billed(outcome, mode, international=sent.international)
        carried = outcome is not None and report_source(outcome) == "2"
        total = sent.split.segments if sent is not None and refusal is None else 0
        sms_msg_id = f"{uuid.uuid4()}_{secrets.randbelow(10**8)}"
        conn.execute(
            "INSERT INTO messages (sms_msg_id, project_id, app_id, endpoint_region, origin_to,"
            " recipient, country_id, sender, template_id, template_type, signature_name,"
            " content, total, status, status_detail, outcome, billed, carried, status_callback,"
            " extend, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sms_msg_id,
                app["project_id"],
                app["id"],
                sending.region,
                recipient.given,
                recipient.number,
                recipient.country_id,
                submission.sender,
                group.template_id,
                sent.template_type if sent else None,
                sent.signature_name if sent else None,
                sent.text if sent else None,
                total,
                status,
                refusal.detail if refusal else None,
                outcome,
                billed,
                carried,
                submission.status_callback,
                submission.extend,
                now,
            ),
        )
        if sent is not None and billed:
            country = recipient.country_id if sent.international else None
            self.ledger.record(conn, sent.template_type, total, sms_msg_id, now, country)
        if outcome is not None and submission.status_callback:
            self._report(conn, sms_msg_id, submission.status_callback, now)
        result = {
            "originTo": recipient.given,
            "createTime": api_timestamp(now),
            "from": submission.sender,
            "smsMsgId": sms_msg_id,
            "status": status,
            "countryId": recipient.country_id,
            "total": total,
        }
        return result, refusal.detail if refusal else None

    @staticmethod
    def _outcome(conn: sqlite3.Connection, sent: _Message, number: str, now: float) -> str:
        """The status the message's report will carry."""
        if (
            sent.template_type == "PROMOTION_TYPE"
            and sent.signature_id is not None
            and is_opted_out(conn, sent.signature_id, number)
        ):
            return OPTED_OUT
        if not sent.international:
            limit = exceeded_limit(conn, number, sent.template_type, sent.text, now)
            if limit is not None:
                return limit
        return outcome_for(conn, number)

    def _report(self, conn: sqlite3.Connection, sms_msg_id: str, url: str, now: float) -> None:
        """Queue one status report per segment, due after the configured delay."""
        due = now + self.settings().report_delay_seconds
        message = conn.execute(
            "SELECT * FROM messages WHERE sms_msg_id = ?", (sms_msg_id,)
        ).fetchone()
        for sequence in range(1, message["total"] + 1):
            fields = status_report_fields(message, sequence, api_timestamp(due))
            self.outbox.enqueue(conn, "status", sms_msg_id, url, fields, due)
