"""Signatures: the 【name】 an app's messages start with, reviewed by the platform."""

from __future__ import annotations

from dataclasses import replace

from .field import Field, Output
from .kind import ADOPT, OPTION_FIELDS, REGION, WAIT_FIELDS, Kind
from .vocabulary import QUALIFICATION_ID, SIGNATURE_NAME, SIGNATURE_SOURCES, SIGNATURE_TYPES

SIGNATURE = Kind(
    name="signature",
    section="signatures",
    title="Signature",
    description="A signature: the 【name】 an app's messages start with, reviewed by the platform",
    fields=(
        replace(REGION, description=REGION.description + "; default: its app's"),
        Field(
            "app_id",
            description="Key of the app in apps; changing it replaces the signature",
            catalog="app",
            catalog_form="reference",
            refers_to="app",
            catalog_required=True,
            required=True,
            min_len=1,
            max_len=64,
            # a signature's answer names its app by name and key, not by id
            shown=False,
            replaces=True,
        ),
        Field(
            "signature_name",
            description="2-32 Chinese characters, letters, digits; not all digits; no 【】",
            catalog="name",
            catalog_required=True,
            required=True,
            min_len=2,
            max_len=32,
            pattern=SIGNATURE_NAME,
            pattern_hint=(
                "may contain only Chinese characters, letters and digits; "
                "do not type 【】, the platform adds them"
            ),
            replaces=True,
        ),
        Field(
            "signature_type",
            description="VERIFY_CODE_TYPE, NOTIFY_TYPE or PROMOTION_TYPE; a name may repeat "
            "once per type",
            catalog="type",
            catalog_required=True,
            required=True,
            choices=SIGNATURE_TYPES,
            replaces=True,
        ),
        Field(
            "signature_source",
            "int",
            description="signature_source: "
            + ", ".join(f"{k} {v}" for k, v in SIGNATURE_SOURCES.items()),
            catalog="source",
            catalog_required=True,
            required=True,
            choices=tuple(SIGNATURE_SOURCES),
            review_only=True,
        ),
        Field(
            "is_involved_third",
            "yes_no",
            description="is_involved_third: whether the name is a third party's (then "
            "power_of_attorney_file)",
            catalog="third_party",
            catalog_form="yes_no",
            required=True,
            choices=("Yes", "No"),
            review_only=True,
        ),
        Field(
            "apply_desc",
            description="A note to the reviewer, at most 100 characters",
            catalog="apply_desc",
            max_len=100,
            review_only=True,
        ),
        Field(
            "file_id",
            description="Key of the file in files holding the business licence (an image)",
            catalog="licence_file",
            catalog_form="reference",
            refers_to="file",
            min_len=1,
            max_len=64,
            review_only=True,
        ),
        Field(
            "power_attorney_file_id",
            description="Key of the file in files holding the power of attorney",
            catalog="power_of_attorney_file",
            catalog_form="reference",
            refers_to="file",
            min_len=1,
            max_len=128,
            # the request spells it "fileid"; responses say power_attorney_file_id
            api="power_attorney_fileid",
            response="power_attorney_file_id",
            review_only=True,
        ),
        Field(
            "qualification_id",
            description="Qualification id: letters, digits, _ and -, at most 64",
            catalog="qualification_id",
            max_len=64,
            pattern=QUALIFICATION_ID,
            pattern_hint="may contain only letters, digits, _ and -",
            review_only=True,
        ),
        Field(
            "source_title_content",
            description="Source title content, at most 512 characters",
            catalog="source_title_content",
            max_len=512,
            review_only=True,
        ),
        *WAIT_FIELDS,
        ADOPT(False, "name and type"),
        *OPTION_FIELDS,
    ),
    outputs=(
        Output("signature_id", str | None, "The signature's business id"),
        Output(
            "status",
            str | None,
            "The review status, e.g. PENDING_REVIEW, REVIEW_NOT_PASS, REVIEW_PROCESSING_COMPLETED",
        ),
        Output("review_state", str | None, "approved, rejected, pending or disabled"),
        Output("review_desc", str | None, "The reviewer's reason (after a rejection)"),
        Output("channel_num", str | None, "The channel number (the sender from), once approved"),
        Output(
            "submitted_at",
            str | None,
            "When this stack last submitted (or took over) the signature for review",
            kept=True,
        ),
    ),
    name_key="signature_name",
    exports=("id", "signature_id", "status", "channel_num", "review_desc"),
    reference_output="id",
    decided={
        "status": "status",
        "signature_id": "signature_id",
        "channel_num": "channel_num",
        "review_desc": "review_desc",
    },
    resource="providers.resources.signature:Signature",
)
