"""The MSGSMS rules: what the API and the platform's review accept, as pure functions.

The catalog's ``validate`` and the resources' ``check`` both call these functions, so a
problem reads the same in ``python -m providers validate`` and in ``pulumi preview``.

Every ``check_*`` function takes the resource inputs of ``docs/contracts.md`` §4 (the API's
snake_case names; ``scope`` for the API's cn/intl ``region``) and returns a list of
:class:`Problem` ``(property, message)``. A property is an input name, optionally with an
item index and a field: ``variable_attributes[0].variable_type``, ``send_country[3]``.

Unknown values are tolerated: an input whose value is :data:`UNKNOWN` (or Pulumi's own
``pulumi.output.Unknown``, seen in a preview) counts as present, but every check that needs
its value is skipped. An input that is absent or ``None`` is simply not set.

Besides the checks, this module counts SMS segments (reference §4.6) and prices them with
the monthly tiers of reference §4.8.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, NamedTuple

from providers.countries import COUNTRY_NAMES, country_hint

__all__ = [
    "APP_NAME_MAX",
    "BRACKETS",
    "CODE_WORDS",
    "MAX_VARIABLES",
    "OPT_OUT_TEXT",
    "PRICE_TIERS",
    "QUOTAS",
    "REGIONS",
    "SCOPES",
    "SIGNATURE_FILE_MAX_BYTES",
    "SIGNATURE_SOURCES",
    "SIGNATURE_TYPES",
    "TEMPLATE_MAX_CHARS",
    "TEMPLATE_TYPES",
    "UNKNOWN",
    "VARIABLE_MAX_LENGTH",
    "VARIABLE_TYPES",
    "WAIT_FOR",
    "FileFacts",
    "PriceTier",
    "Problem",
    "SegmentCount",
    "TemplateVariable",
    "check",
    "check_app",
    "check_file_use",
    "check_signature",
    "check_signature_file",
    "check_template",
    "count_segments",
    "estimate_template_segments",
    "inspect_file",
    "is_unknown",
    "monthly_cost",
    "price_category",
    "template_variables",
    "tier_costs",
    "usage_cost",
]

# --------------------------------------------------------------------------------------------
# Vocabulary of the API (reference §1.3, §1.5, §5)

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
_APP_NAME = re.compile(rf"^[{_CHINESE}A-Za-z0-9_.@-]+$")
_SIGNATURE_NAME = re.compile(rf"^[{_CHINESE}A-Za-z0-9]+$")
_QUALIFICATION_ID = re.compile(r"^[A-Za-z0-9_-]*$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
# Chinese text has no word boundary before a domain ("详见shop.com"), hence the lookarounds.
_LINK = re.compile(
    r"https?://|www\.|(?<![a-z0-9-])[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|cn|net|org|top|xyz|info|io|cc|co|me|app|vip|shop)(?![a-z0-9])",
    re.IGNORECASE,
)
_FILE_NAME_FORBIDDEN = set(" \"#'$%&*/|<>{}[];?!")


# --------------------------------------------------------------------------------------------
# Problems and unknown values


class Problem(NamedTuple):
    """One broken rule: the input property it concerns and what to do about it."""

    property: str
    message: str


class _Unknown:
    """A value that becomes known only once another resource exists (a reference)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def is_unknown(value: object) -> bool:
    """True for :data:`UNKNOWN` and for Pulumi's ``pulumi.output.Unknown``."""
    if isinstance(value, _Unknown):
        return True
    # Only a process that imported pulumi can hold its Unknown; no need to import it here.
    output = sys.modules.get("pulumi.output")
    return output is not None and isinstance(value, output.Unknown)


def _present(inputs: Mapping[str, Any], prop: str) -> bool:
    return inputs.get(prop) is not None


def _known(inputs: Mapping[str, Any], prop: str) -> bool:
    return _present(inputs, prop) and not is_unknown(inputs[prop])


def _as_int(value: Any) -> int | None:
    """An integer input, also when it travelled through the engine as a float (``1.0``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _length_text(low: int, high: int) -> str:
    return f"{high} characters at most" if low <= 1 else f"{low}–{high} characters"


# --------------------------------------------------------------------------------------------
# Declarative field rules: one table per resource, one function applies them


@dataclass(frozen=True)
class _Field:
    name: str
    kind: Literal["str", "int", "bool", "number"] = "str"
    required: bool = False
    min_len: int = 0
    max_len: int | None = None
    choices: tuple[Any, ...] | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""


def _check_field(field: _Field, value: Any) -> str | None:
    """The message for a value that breaks its field's rule, or None."""
    if field.kind == "str":
        if not isinstance(value, str):
            return f"must be a string, got {value!r}"
        if field.min_len and not value.strip():
            return "must not be blank"
        if field.max_len is not None and not field.min_len <= len(value) <= field.max_len:
            return f"must be {_length_text(field.min_len, field.max_len)} (got {len(value)})"
        if field.choices is not None and value not in field.choices:
            return f"must be one of {', '.join(field.choices)} (got {value!r})"
        if field.pattern is not None and not field.pattern.match(value):
            return field.pattern_hint
        return None
    if field.kind == "bool":
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return f"must be a positive number of seconds, got {value!r}"
        return None
    number = _as_int(value)
    if number is None:
        return f"must be an integer, got {value!r}"
    if field.choices is not None and number not in field.choices:
        return f"must be one of {', '.join(map(str, field.choices))} (got {number})"
    return None


def _check_fields(inputs: Mapping[str, Any], fields: Iterable[_Field]) -> list[Problem]:
    problems = []
    for field in fields:
        if not _present(inputs, field.name):
            if field.required:
                problems.append(Problem(field.name, "is required"))
            continue
        if is_unknown(inputs[field.name]):
            continue
        message = _check_field(field, inputs[field.name])
        if message:
            problems.append(Problem(field.name, message))
    return problems


def _scoped(inputs: Mapping[str, Any], props: Iterable[str], scope: str) -> list[Problem]:
    """Problems for inputs that the API accepts only for the other scope."""
    other = "intl (international)" if scope == "cn" else "cn (domestic)"
    return [
        Problem(prop, f"is only for scope {other}; remove it (the scope here is {scope})")
        for prop in props
        if _present(inputs, prop)
    ]


_REGION = _Field("region", required=True, choices=REGIONS)
_WAITING = (
    _Field("wait_for", choices=WAIT_FOR),
    _Field("wait_timeout", kind="number"),
    _Field("adopt", kind="bool"),
)

_APP_FIELDS = (
    _REGION,
    _Field(
        "app_name",
        required=True,
        min_len=1,
        max_len=APP_NAME_MAX,
        pattern=_APP_NAME,
        pattern_hint="may contain only Chinese characters, letters, digits and _ . - @",
    ),
    _Field("scope", required=True, choices=SCOPES),
    _Field(
        "up_link_addr",
        min_len=1,
        max_len=128,
        pattern=_URL,
        pattern_hint="must be an http:// or https:// URL that receives uplink (MO) messages",
    ),
    _Field("enterprise_project_id", min_len=1, max_len=64),
    _Field("enterprise_project_name", min_len=1, max_len=255),
    _Field("adopt", kind="bool"),
)


def check_app(inputs: Mapping[str, Any]) -> list[Problem]:
    """Rules for an application (reference §1.3 SmsAppAddReq)."""
    problems = _check_fields(inputs, _APP_FIELDS)
    if inputs.get("scope") == "intl":
        problems += _scoped(inputs, ["up_link_addr"], "intl")
    return problems


_SIGNATURE_FIELDS = (
    _REGION,
    _Field("app_id", required=True, min_len=1, max_len=64),
    _Field(
        "signature_name",
        required=True,
        min_len=2,
        max_len=32,
        pattern=_SIGNATURE_NAME,
        pattern_hint=(
            "may contain only Chinese characters, letters and digits; "
            "do not type 【】, the platform adds them"
        ),
    ),
    _Field("signature_type", required=True, choices=SIGNATURE_TYPES),
    _Field("signature_source", kind="int", required=True, choices=tuple(SIGNATURE_SOURCES)),
    _Field("is_involved_third", required=True, choices=("Yes", "No")),
    _Field("apply_desc", max_len=100),
    _Field("file_id", min_len=1, max_len=64),
    _Field("power_attorney_file_id", min_len=1, max_len=128),
    _Field(
        "qualification_id",
        max_len=64,
        pattern=_QUALIFICATION_ID,
        pattern_hint="may contain only letters, digits, _ and -",
    ),
    _Field("source_title_content", max_len=512),
    *_WAITING,
)


def check_signature(inputs: Mapping[str, Any]) -> list[Problem]:
    """Rules for a signature (reference §1.3 SmsSignatureReq and the signature FAQ)."""
    problems = _check_fields(inputs, _SIGNATURE_FIELDS)
    name = inputs.get("signature_name")
    if isinstance(name, str) and name.isdigit():
        problems.append(Problem("signature_name", "must not be all digits"))
    if inputs.get("is_involved_third") == "Yes" and not _present(inputs, "power_attorney_file_id"):
        problems.append(
            Problem(
                "power_attorney_file_id",
                "is required for a signature that involves a third party: "
                "upload the power of attorney",
            )
        )
    return problems


_SIGNATURE_FILE_FIELDS = (
    _REGION,
    _Field("path", required=True, min_len=1, max_len=4096),
    _Field("description", min_len=1, max_len=64),
)

_IMAGE_KINDS = ("jpg", "jpeg", "png", "gif")
_FILE_KINDS = (*_IMAGE_KINDS, "pdf")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
)


@dataclass(frozen=True)
class FileFacts:
    """What the rules need to know about a signature file."""

    size: int
    kind: str | None  # png, jpeg, gif or pdf by content; None when unrecognised
    sha256: str


def inspect_file(path: Path) -> FileFacts:
    """Size, content type (by magic bytes) and sha256 of a file."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            if not head:
                head = chunk[:16]
            digest.update(chunk)
            size += len(chunk)
    kind = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    return FileFacts(size=size, kind=kind, sha256=digest.hexdigest())


def _extension(path: str) -> str:
    return Path(path).suffix.lower().lstrip(".")


def check_signature_file(inputs: Mapping[str, Any], *, root: Path | None = None) -> list[Problem]:
    """Rules for a signature file: it exists, is ≤ 2 MB, and is a jpg/jpeg/png/gif or pdf
    whose content matches its extension, with a file name the console accepts.

    ``path`` is relative to ``root`` (default: the current directory) unless absolute.
    """
    problems = _check_fields(inputs, _SIGNATURE_FILE_FIELDS)
    if not _known(inputs, "path") or not isinstance(inputs["path"], str):
        return problems
    relative = inputs["path"]
    name = Path(relative).name
    if len(name) > SIGNATURE_FILE_NAME_MAX:
        problems.append(
            Problem("path", f"file name must be {SIGNATURE_FILE_NAME_MAX} characters at most")
        )
    bad = sorted(set(name) & _FILE_NAME_FORBIDDEN)
    if bad:
        problems.append(
            Problem(
                "path",
                f"file name {name!r} contains {' '.join(repr(c) for c in bad)}; "
                "rename it without spaces or any of \"#'$%&*/|<>{}[];?!",
            )
        )
    extension = _extension(relative)
    if extension not in _FILE_KINDS:
        problems.append(
            Problem(
                "path",
                f"file type {extension or '(none)'!r} is not accepted; "
                "use jpg, jpeg, png or gif (or pdf for a power of attorney)",
            )
        )
    full = Path(relative) if Path(relative).is_absolute() else (root or Path.cwd()) / relative
    if not full.is_file():
        problems.append(Problem("path", f"file not found: {relative}"))
        return problems
    facts = inspect_file(full)
    if facts.size > SIGNATURE_FILE_MAX_BYTES:
        problems.append(
            Problem("path", f"file is {facts.size} bytes; signature files must be 2 MB at most")
        )
    if facts.size == 0:
        problems.append(Problem("path", "file is empty"))
    elif extension in _FILE_KINDS and facts.kind != ("jpeg" if extension == "jpg" else extension):
        found = f"a {facts.kind.upper()} file" if facts.kind else "not an image or PDF"
        problems.append(Problem("path", f"content does not match the .{extension} name: {found}"))
    return problems


def check_file_use(path: str, purpose: Literal["licence", "power_of_attorney"]) -> str | None:
    """Why a file cannot serve a purpose, or None: a licence must be an image; a power of
    attorney may also be a PDF."""
    if purpose == "licence" and _extension(path) == "pdf":
        return "a business licence must be a jpg, jpeg, png or gif image, not a PDF"
    return None


# --------------------------------------------------------------------------------------------
# Templates: variables


_PLACEHOLDER = re.compile(r"\$\{([^{}$]*)\}")
_LEGACY = re.compile(r"^(?:(TXT|NUM)_(\d+)|DATE|TIME)$")


@dataclass(frozen=True)
class TemplateVariable:
    """A ``${…}`` variable of a template's content.

    ``index`` is its position in the content (1-based): the platform identifies variables by
    order of appearance; the text inside the braces only helps the reader.
    """

    index: int
    text: str  # what is inside the braces
    start: int
    end: int

    @property
    def style(self) -> Literal["positional", "typed", "legacy", "invalid"]:
        if self.text.isdigit():
            return "positional"
        if self.text in VARIABLE_TYPES:
            return "typed"
        if _LEGACY.match(self.text):
            return "legacy"
        return "invalid"

    @property
    def legacy_length(self) -> int | None:
        """The declared maximum of a ``${TXT_n}``/``${NUM_n}`` variable."""
        match = _LEGACY.match(self.text)
        return int(match.group(2)) if match and match.group(2) else None


def template_variables(content: str) -> list[TemplateVariable]:
    """The ``${…}`` variables of a template's content, in order."""
    return [
        TemplateVariable(index=i, text=m.group(1), start=m.start(), end=m.end())
        for i, m in enumerate(_PLACEHOLDER.finditer(content), start=1)
    ]


def _variable_syntax(content: str, variables: Sequence[TemplateVariable]) -> list[Problem]:
    problems = []
    rest = _PLACEHOLDER.sub("", content)
    if "${" in rest:
        problems.append(
            Problem(
                "template_content",
                "malformed variable: every ${ needs a closing } and no $, { or } inside",
            )
        )
    for var in variables:
        written = "${" + var.text + "}"
        if var.style == "invalid":
            problems.append(
                Problem(
                    "template_content",
                    f"unknown variable {written}; write ${{1}}…${{20}}, a type such as "
                    "${CHARDIGIT}, or a legacy ${TXT_n}/${NUM_n}/${DATE}/${TIME}",
                )
            )
        elif var.style == "positional" and int(var.text) != var.index:
            problems.append(
                Problem(
                    "template_content",
                    f"variable {written} is variable number {var.index} in the content; "
                    f"positional variables are numbered in order of appearance: "
                    f"write ${{{var.index}}}",
                )
            )
        elif var.legacy_length is not None and not 1 <= var.legacy_length <= 20:
            problems.append(
                Problem("template_content", f"variable {written}: the length must be 1–20")
            )
    if len(variables) > MAX_VARIABLES:
        problems.append(
            Problem(
                "template_content",
                f"has {len(variables)} variables; a template may have {MAX_VARIABLES} at most",
            )
        )
    for before, after in itertools.pairwise(variables):
        if not content[before.end : after.start].strip():
            problems.append(
                Problem(
                    "template_content",
                    f"variables ${{{before.text}}} and ${{{after.text}}} are adjacent; "
                    "put fixed text between them",
                )
            )
    if variables and not rest.strip():
        problems.append(
            Problem("template_content", "must not consist of variables only; add fixed text")
        )
    return problems


def _variable_attributes(
    inputs: Mapping[str, Any], variables: Sequence[TemplateVariable] | None
) -> list[Problem]:
    """``variable_attributes``: well formed, and (when the content is known) describing each
    variable of the content exactly once."""
    prop = "variable_attributes"
    if not _present(inputs, prop):
        if variables:
            return [
                Problem(
                    prop,
                    f"the content has {len(variables)} variable(s); "
                    "describe each one (index and type)",
                )
            ]
        return []
    attributes = inputs[prop]
    if is_unknown(attributes):
        return []
    if not isinstance(attributes, list | tuple):
        return [Problem(prop, "must be a list of {variable_index, variable_type, variable_desc}")]
    problems = []
    if len(attributes) > MAX_VARIABLES:
        problems.append(Problem(prop, f"must have {MAX_VARIABLES} items at most"))
    by_index: dict[int, str | None] = {}
    for i, item in enumerate(attributes):
        where = f"{prop}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(where, "must be a mapping with variable_index and type"))
            continue
        item_problems = _check_fields(item, _VARIABLE_FIELDS)
        problems += [Problem(f"{where}.{p.property}", p.message) for p in item_problems]
        index = _as_int(item.get("variable_index"))
        kind = item.get("variable_type")
        desc = item.get("variable_desc")
        if kind == "TEXT" and not (isinstance(desc, str) and desc.strip()) and not is_unknown(desc):
            problems.append(
                Problem(f"{where}.variable_desc", "is required for a TEXT variable: describe it")
            )
        if index is None or not 1 <= index <= MAX_VARIABLES:
            continue
        if index in by_index:
            problems.append(
                Problem(f"{where}.variable_index", f"variable {index} is described twice")
            )
        by_index[index] = kind if isinstance(kind, str) else None
        if variables is not None and index > len(variables):
            problems.append(
                Problem(
                    f"{where}.variable_index",
                    f"the content has {len(variables)} variable(s); there is no variable {index}",
                )
            )
    if variables is None:
        return problems
    missing = [var for var in variables if var.index not in by_index]
    if missing:
        listed = ", ".join(f"{v.index} (${{{v.text}}})" for v in missing)
        problems.append(Problem(prop, f"no description for variable {listed}; describe each one"))
    for i, item in enumerate(attributes):
        index = _as_int(item.get("variable_index")) if isinstance(item, Mapping) else None
        if index is None or not 1 <= index <= len(variables):
            continue
        var = variables[index - 1]
        if var.style == "typed" and item.get("variable_type") not in (None, var.text):
            problems.append(
                Problem(
                    f"{prop}[{i}].variable_type",
                    f"variable {index} is written ${{{var.text}}} in the content but typed "
                    f"{item.get('variable_type')}; make them agree",
                )
            )
    return problems


_VARIABLE_FIELDS = (
    _Field("variable_index", kind="int", required=True, choices=tuple(range(1, 21))),
    _Field("variable_type", required=True, choices=VARIABLE_TYPES),
    _Field("variable_desc", max_len=100),
)


# --------------------------------------------------------------------------------------------
# Templates: the whole


_TEMPLATE_FIELDS = (
    _REGION,
    _Field("app_id", required=True, min_len=1, max_len=64),
    _Field("scope", required=True, choices=SCOPES),
    _Field("template_name", required=True, min_len=1, max_len=128),
    _Field("template_content", required=True, min_len=1, max_len=TEMPLATE_MAX_CHARS),
    _Field("template_type", choices=TEMPLATE_TYPES),
    _Field("sign_id", min_len=1, max_len=64),
    _Field("signature_name", min_len=1, max_len=32),
    _Field("universal_template", kind="int", choices=(0, 1)),
    _Field("brackets", choices=BRACKETS),
    _Field("template_desc", max_len=500),
    *_WAITING,
)

_BRACKETS = {"CN": ("【", "】"), "GB": ("[", "]")}


def _bracketed(signature_name: str, brackets: Any) -> str:
    left, right = _BRACKETS.get(brackets if isinstance(brackets, str) else "CN", _BRACKETS["CN"])
    return f"{left}{signature_name}{right}"


def _send_country(inputs: Mapping[str, Any]) -> list[Problem]:
    prop = "send_country"
    if not _present(inputs, prop):
        return [Problem(prop, "is required for an international template: 1–3 country ids")]
    countries = inputs[prop]
    if is_unknown(countries):
        return []
    if not isinstance(countries, list | tuple) or not countries:
        return [Problem(prop, "must be a list of 1–3 country ids")]
    problems = []
    if len(countries) > 3:
        problems.append(Problem(prop, f"has {len(countries)} countries; 3 at most"))
    seen = set()
    for i, country in enumerate(countries):
        number = _as_int(country)
        if number is None or number < 1:
            problems.append(Problem(f"{prop}[{i}]", f"must be a country id, got {country!r}"))
        elif number in seen:
            problems.append(Problem(f"{prop}[{i}]", f"country {number} is listed twice"))
        elif number not in COUNTRY_NAMES:
            # caught here, or the API refuses it in the middle of an `up`
            problems.append(
                Problem(
                    f"{prop}[{i}]",
                    f"{number} is not a country id: ids are calling codes, as "
                    f"ListSendCountryDetails lists them (e.g. {country_hint()})",
                )
            )
        seen.add(number)
    return problems


def _content_rules(inputs: Mapping[str, Any], variables: list[TemplateVariable]) -> list[Problem]:
    """Rules on the content as a message: type rules, the signature and the total length."""
    content: str = inputs["template_content"]
    kind = inputs.get("template_type")
    problems = []
    if kind == "VERIFY_CODE_TYPE":
        if len(variables) != 1:
            problems.append(
                Problem(
                    "template_content",
                    f"a verification-code template has exactly one variable "
                    f"(the code); found {len(variables)}",
                )
            )
        if not any(word in content for word in CODE_WORDS):
            problems.append(
                Problem(
                    "template_content",
                    f"a verification-code template must contain one of {', '.join(CODE_WORDS)}",
                )
            )
        if _LINK.search(content):
            problems.append(
                Problem("template_content", "a verification-code template must not contain links")
            )
        for var in variables:
            if var.legacy_length is not None and var.legacy_length > VERIFY_CODE_MAX_LENGTH:
                problems.append(
                    Problem(
                        "template_content",
                        f"variable ${{{var.text}}}: a verification code is "
                        f"{VERIFY_CODE_MAX_LENGTH} characters at most",
                    )
                )
    if kind == "PROMOTION_TYPE" and OPT_OUT_TEXT not in content:
        problems.append(
            Problem(
                "template_content",
                f'a promotion template must include the opt-out text "{OPT_OUT_TEXT}"',
            )
        )
    signature = ""
    if inputs.get("scope") == "cn":
        if "【" in content or "】" in content:
            problems.append(
                Problem(
                    "template_content",
                    "must not contain 【 or 】: the platform adds the signature in brackets",
                )
            )
        if _known(inputs, "signature_name") and isinstance(inputs["signature_name"], str):
            signature = _bracketed(inputs["signature_name"], inputs.get("brackets"))
            if signature in content:
                problems.append(
                    Problem(
                        "template_content",
                        f"must not contain the signature {signature}: the platform prepends it",
                    )
                )
    if is_unknown(inputs.get("variable_attributes")):
        return problems  # the longest values depend on the variable types
    total = len(_longest_content(inputs, console=False)) + len(signature)
    if total > TEMPLATE_MAX_CHARS:
        with_signature = f" and the signature {signature}" if signature else ""
        problems.append(
            Problem(
                "template_content",
                f"reaches {total} characters with the longest variable values{with_signature}; "
                f"a message is {TEMPLATE_MAX_CHARS} characters at most, signature included",
            )
        )
    return problems


def check_template(inputs: Mapping[str, Any]) -> list[Problem]:
    """Rules for a template (reference §1.3 SmsTemplateReq, §1.4 and §1.5)."""
    problems = _check_fields(inputs, _TEMPLATE_FIELDS)
    scope = inputs.get("scope")
    universal = _as_int(inputs.get("universal_template")) == 1
    if scope == "cn":
        problems += _scoped(inputs, ["send_country"], "cn")
        if universal:
            if _present(inputs, "sign_id"):
                problems.append(
                    Problem(
                        "sign_id",
                        "a universal template serves every signature of its type in the app; "
                        "remove the signature",
                    )
                )
            if not _present(inputs, "template_type"):
                problems.append(Problem("template_type", "is required for a universal template"))
        elif not _present(inputs, "sign_id"):
            problems.append(
                Problem(
                    "sign_id",
                    "is required for a domestic template (or make the template universal)",
                )
            )
    elif scope == "intl":
        problems += _scoped(inputs, ["sign_id", "brackets"], "intl")
        if universal:
            problems.append(
                Problem("universal_template", "universal templates are domestic (cn) only")
            )
        if inputs.get("template_type") not in (None, "NOTIFY_TYPE") and not is_unknown(
            inputs.get("template_type")
        ):
            problems.append(Problem("template_type", "international templates are NOTIFY_TYPE"))
        problems += _send_country(inputs)
    content_known = _known(inputs, "template_content") and isinstance(
        inputs["template_content"], str
    )
    variables = template_variables(inputs["template_content"]) if content_known else None
    if variables is not None:
        problems += _variable_syntax(inputs["template_content"], variables)
        if not any(p.property == "template_type" for p in problems):
            problems += _content_rules(inputs, variables)
    problems += _variable_attributes(inputs, variables)
    return problems


_CHECKS = {
    "app": check_app,
    "signature": check_signature,
    "template": check_template,
}


def check(kind: str, inputs: Mapping[str, Any], *, root: Path | None = None) -> list[Problem]:
    """The rules of one kind of resource: ``app``, ``file``, ``signature`` or ``template``."""
    if kind == "file":
        return check_signature_file(inputs, root=root)
    return _CHECKS[kind](inputs)


# --------------------------------------------------------------------------------------------
# Segments (reference §4.6)

# GSM 03.38: the basic set counts 1, the extension set 2 (escape + char); anything else makes
# the whole message UCS-2.
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("\f^{}\\[~]|€")


class SegmentCount(NamedTuple):
    """How a message splits: its counted length, its segments and the encoding used."""

    characters: int
    segments: int
    encoding: Literal["UCS-2", "GSM-7"]


def _split(characters: int, single: int, part: int) -> int:
    return 1 if characters <= single else math.ceil(characters / part)


def count_segments(
    text: str,
    scope: str = "cn",
    *,
    signature_name: str | None = None,
    brackets: str | None = None,
) -> SegmentCount:
    """Segments of a concrete message (reference §4.6).

    Domestic: every character counts 1, the bracketed signature included; ≤ 70 is one
    segment, longer messages are 67 per segment. International: all-GSM-7 text counts the
    extension characters ``^ { } \\ [ ~ ] | €`` twice (the common industry rule) and splits
    160/153; any other character makes it UCS-2, split 70/67.
    """
    if scope == "cn":
        signature = _bracketed(signature_name, brackets) if signature_name else ""
        characters = len(signature) + len(text)
        return SegmentCount(characters, _split(characters, 70, 67), "UCS-2")
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENSION for c in text):
        characters = sum(2 if c in _GSM7_EXTENSION else 1 for c in text)
        return SegmentCount(characters, _split(characters, 160, 153), "GSM-7")
    return SegmentCount(len(text), _split(len(text), 70, 67), "UCS-2")


def _longest_content(inputs: Mapping[str, Any], *, console: bool) -> str:
    """The content with every variable filled with its longest value (``x`` characters).

    A variable takes the maximum of its type in ``variable_attributes``
    (:data:`VARIABLE_MAX_LENGTH`; TEXT when undescribed), a verification code 8 at most.
    With ``console``, a legacy ``${TXT_n}``/``${NUM_n}``/``${DATE}``/``${TIME}`` variable
    counts 0, as the reference's FAQ says the console's split estimate does.
    """
    content = inputs["template_content"]
    kinds: dict[int, Any] = {}
    attributes = inputs.get("variable_attributes")
    for item in attributes if isinstance(attributes, list | tuple) else ():
        index = _as_int(item.get("variable_index")) if isinstance(item, Mapping) else None
        if index is not None:
            kinds[index] = item.get("variable_type")
    pieces = []
    position = 0
    for var in template_variables(content):
        pieces.append(content[position : var.start])
        kind = kinds.get(var.index)
        length = VARIABLE_MAX_LENGTH.get(kind if isinstance(kind, str) else "TEXT", 20)
        if inputs.get("template_type") == "VERIFY_CODE_TYPE":
            length = min(length, VERIFY_CODE_MAX_LENGTH)
        if console and var.style == "legacy":
            length = 0
        pieces.append("x" * length)
        position = var.end
    pieces.append(content[position:])
    return "".join(pieces)


def estimate_template_segments(
    inputs: Mapping[str, Any], *, signature_name: str | None = None
) -> SegmentCount:
    """The most segments a message from this template can take.

    Each variable counts at the longest value of its type (:data:`VARIABLE_MAX_LENGTH`; a
    verification code at 8 at most), and a legacy ``${TXT_n}``/``${NUM_n}``/``${DATE}``/
    ``${TIME}`` variable at 0, as the reference's FAQ says the console counts. Variable values
    are assumed to be GSM-7 text in international messages. ``signature_name`` overrides the
    template's own (e.g. the longest signature a universal template may be sent with).
    """
    name = signature_name or inputs.get("signature_name")
    return count_segments(
        _longest_content(inputs, console=True),
        inputs.get("scope", "cn"),
        signature_name=name if isinstance(name, str) else None,
        brackets=inputs.get("brackets"),
    )


# --------------------------------------------------------------------------------------------
# Prices (reference §4.8): CNY per segment, monthly, marginal tiers


@dataclass(frozen=True)
class PriceTier:
    """A monthly volume band and its price per segment for each category."""

    name: str
    up_to: int | None  # segments per month, inclusive; None for the last band
    industry: Decimal  # verification codes and notifications, pooled
    promotion: Decimal

    def price(self, category: str) -> Decimal:
        return self.promotion if category == "promotion" else self.industry


PRICE_TIERS = (
    PriceTier("≤1M", 1_000_000, Decimal("0.065"), Decimal("0.080")),
    PriceTier("1M–3M", 3_000_000, Decimal("0.060"), Decimal("0.075")),
    PriceTier(">3M", None, Decimal("0.055"), Decimal("0.070")),
)


def price_category(template_type: str | None) -> Literal["industry", "promotion"]:
    """Verification codes and notifications share the "industry" volume; promotions do not."""
    return "promotion" if template_type == "PROMOTION_TYPE" else "industry"


def tier_costs(
    segments: int, template_type: str | None, messages: int = 10_000
) -> dict[str, Decimal]:
    """Cost in CNY of ``messages`` messages of ``segments`` segments at each tier's price."""
    category = price_category(template_type)
    return {tier.name: tier.price(category) * segments * messages for tier in PRICE_TIERS}


def monthly_cost(segments: int, category: str) -> Decimal:
    """Cost in CNY of a month's segments of one category, each band at its own price."""
    cost = Decimal(0)
    floor = 0
    for tier in PRICE_TIERS:
        ceiling = segments if tier.up_to is None else min(segments, tier.up_to)
        if ceiling > floor:
            cost += (ceiling - floor) * tier.price(category)
        if tier.up_to is None or segments <= tier.up_to:
            break
        floor = tier.up_to
    return cost


def usage_cost(segments_by_type: Mapping[str, int]) -> Decimal:
    """A month's cost from segments per template type, pooling the industry categories."""
    pooled: dict[str, int] = {}
    for template_type, segments in segments_by_type.items():
        category = price_category(template_type)
        pooled[category] = pooled.get(category, 0) + segments
    return sum((monthly_cost(n, category) for category, n in pooled.items()), Decimal(0))
