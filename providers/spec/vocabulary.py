"""The API's vocabulary and limits (reference §1.3–§1.5, §5): the values fields take, shared
by the kinds' field descriptors and the rules."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "APP_NAME_MAX",
    "BRACKETS",
    "CODE_WORDS",
    "MAX_VARIABLES",
    "OPT_OUT_TEXT",
    "QUOTAS",
    "REGIONS",
    "SCOPES",
    "SIGNATURE_FILE_MAX_BYTES",
    "SIGNATURE_FILE_NAME_MAX",
    "SIGNATURE_SOURCES",
    "SIGNATURE_TYPES",
    "TEMPLATE_MAX_CHARS",
    "TEMPLATE_TYPES",
    "VARIABLE_MAX_LENGTH",
    "VARIABLE_TYPES",
    "VERIFY_CODE_MAX_LENGTH",
    "WAIT_FOR",
]

REGIONS = ("cn-north-4", "cn-south-1", "ap-southeast-1")
SCOPES = ("cn", "intl")
SIGNATURE_TYPES = ("VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE")
TEMPLATE_TYPES = SIGNATURE_TYPES
SIGNATURE_SOURCES: Mapping[int, str] = {
    0: "company or institution",
    1: "MIIT-filed website",
    2: "app",
    3: "official account or mini-program",
    4: "e-commerce shop",
    5: "trademark",
}
WAIT_FOR = ("none", "approved")
BRACKETS = ("CN", "GB")
VARIABLE_TYPES = ("PHONE", "CHARDIGIT", "DATETIME", "MONEY", "TEXT", "NEWTEXT", "LONGTEXT")

#: The longest value each variable type takes, for segment estimates and the 500-character
#: limit. PHONE, CHARDIGIT, DATETIME, MONEY and TEXT are documented (reference §1.5). NEWTEXT
#: and LONGTEXT are in the API's pattern but undocumented: 35 and 100 are assumptions, chosen
#: so estimates err on the expensive side (the emulator uses the same values).
VARIABLE_MAX_LENGTH: Mapping[str, int] = {
    "PHONE": 15,
    "CHARDIGIT": 20,
    "DATETIME": 20,
    "MONEY": 20,
    "TEXT": 20,
    "NEWTEXT": 35,
    "LONGTEXT": 100,
}
MAX_VARIABLES = 20
#: A verification code is at most this long (reference §1.5).
VERIFY_CODE_MAX_LENGTH = 8
CODE_WORDS = ("验证码", "注册码", "校验码", "动态码")
OPT_OUT_TEXT = "拒收请回复R"
#: The longest message: template content plus the bracketed signature (reference §1.4).
TEMPLATE_MAX_CHARS = 500
APP_NAME_MAX = 64
SIGNATURE_FILE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_FILE_NAME_MAX = 64
#: Default quotas (reference §1.4); Huawei raises them on request.
QUOTAS: Mapping[str, int] = {
    "apps_per_region": 2,
    "signatures_per_app": 200,
    "templates_per_app": 2000,
}

_CHINESE = "\u3400-\u4dbf\u4e00-\u9fff"
APP_NAME = re.compile(rf"^[{_CHINESE}A-Za-z0-9_.@-]+$")
SIGNATURE_NAME = re.compile(rf"^[{_CHINESE}A-Za-z0-9]+$")
QUALIFICATION_ID = re.compile(r"^[A-Za-z0-9_-]*$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
