"""Template variables: the ``${…}`` of a content, and the description of each one."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from providers.spec import Field
from providers.spec.vocabulary import MAX_VARIABLES, VARIABLE_TYPES

from .fields import check_fields
from .values import Problem, as_int, is_present, is_unknown

__all__ = [
    "VARIABLE_FIELDS",
    "TemplateVariable",
    "check_variable_attributes",
    "template_variables",
    "variable_syntax",
]

#: The fields of one ``variable_attributes`` item.
VARIABLE_FIELDS = (
    Field("variable_index", "int", required=True, choices=tuple(range(1, MAX_VARIABLES + 1))),
    Field("variable_type", required=True, choices=VARIABLE_TYPES),
    Field("variable_desc", max_len=100),
)


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


def variable_syntax(content: str, variables: Sequence[TemplateVariable]) -> list[Problem]:
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


def check_variable_attributes(
    inputs: Mapping[str, Any], variables: Sequence[TemplateVariable] | None
) -> list[Problem]:
    """``variable_attributes``: well formed, and (when the content is known) describing each
    variable of the content exactly once."""
    prop = "variable_attributes"
    if not is_present(inputs, prop):
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
        item_problems = check_fields(item, VARIABLE_FIELDS)
        problems += [Problem(f"{where}.{p.property}", p.message) for p in item_problems]
        index = as_int(item.get("variable_index"))
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
        index = as_int(item.get("variable_index")) if isinstance(item, Mapping) else None
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
