"""Template variables: how the platform reads ``${...}`` placeholders (reference §1.5).

Variables are numbered by their order in the content. Each takes its type, length and
description from ``variable_attributes`` when the template gives them, else from the text in
the braces: a type name (``${PHONE}``), a legacy type-and-length (``${NUM_6}``, ``${TXT_20}``),
or a position (``${1}``), which defaults to TEXT.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_VARIABLES",
    "VARIABLE_LENGTHS",
    "VARIABLE_PATTERN",
    "VERIFY_CODE_MAX_LENGTH",
    "TemplateVariable",
    "template_variables",
]

VARIABLE_PATTERN = re.compile(r"\$\{([^{}]*)\}")
MAX_VARIABLES = 20
#: Maximum value length per type. PHONE..TEXT are documented; NEWTEXT and LONGTEXT are not,
#: so their lengths are this emulator's choice.
VARIABLE_LENGTHS: dict[str, int] = {
    "PHONE": 15,
    "CHARDIGIT": 20,
    "DATETIME": 20,
    "MONEY": 20,
    "TEXT": 20,
    "NEWTEXT": 35,
    "LONGTEXT": 100,
}
#: A verification-code template has one variable of at most 8 characters.
VERIFY_CODE_MAX_LENGTH = 8
_LEGACY = re.compile(r"^(NUM|TXT)_(\d{1,3})$")


@dataclass(frozen=True)
class TemplateVariable:
    index: int  # 1-based position in the content
    type: str
    length: int
    desc: str | None
    token: str  # the text between the braces


def _from_token(token: str) -> tuple[str, int]:
    if token in VARIABLE_LENGTHS:
        return token, VARIABLE_LENGTHS[token]
    legacy = _LEGACY.match(token)
    if legacy:
        kind = "CHARDIGIT" if legacy[1] == "NUM" else "TEXT"
        return kind, max(1, int(legacy[2]))
    return "TEXT", VARIABLE_LENGTHS["TEXT"]


def template_variables(
    content: str,
    attributes: Sequence[Mapping[str, Any]] | None,
    template_type: str | None = None,
) -> list[TemplateVariable]:
    """The variables of a template, in content order, as the variables listing shows them."""
    by_index = {int(a["variable_index"]): a for a in attributes or ()}
    variables = []
    for position, match in enumerate(VARIABLE_PATTERN.finditer(content), start=1):
        token = match[1]
        kind, length = _from_token(token)
        desc = None
        attribute = by_index.get(position)
        if attribute is not None:
            kind = str(attribute["variable_type"])
            length = VARIABLE_LENGTHS[kind]
            desc = attribute.get("variable_desc")
        if template_type == "VERIFY_CODE_TYPE":
            length = min(length, VERIFY_CODE_MAX_LENGTH)
        variables.append(
            TemplateVariable(index=position, type=kind, length=length, desc=desc, token=token)
        )
    return variables
