"""Values of template variables (``templateParas``), checked by variable type (reference §1.5).

Two kinds of failure, as the service reports them: a value with characters its type forbids is
a parameter format error of the whole request (``E000503``); a wrong number of values, or a
value that is empty or longer than its variable allows, fails the template's numbers with
``E200028`` (template variable check failed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..msgsms.variables import VARIABLE_PATTERN, TemplateVariable

__all__ = [
    "MALFORMED_VALUE",
    "VARIABLE_CHECK_FAILED",
    "ParameterError",
    "check_parameters",
    "render",
]

MALFORMED_VALUE = "E000503"
VARIABLE_CHECK_FAILED = "E200028"

_CHINESE_NUMERALS = "零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟元角分整"
_CHARSETS: dict[str, tuple[re.Pattern[str], str]] = {
    "PHONE": (re.compile(r"^[0-9+\-]*[0-9]$"), "digits, + and - only, ending in a digit"),
    "CHARDIGIT": (re.compile(r"^[A-Za-z0-9_]+$"), "letters, digits and _ only"),
    "DATETIME": (
        re.compile(r"^(?=.*\d)[0-9\-/:. 年月日时分秒点T]+$"),
        "a date or time, e.g. 2024-05-01 08:00 or 5月1日",
    ),
    "MONEY": (
        re.compile(rf"^[0-9.{_CHINESE_NUMERALS}]+$"),
        "digits, . or Chinese numerals only",
    ),
}
_TEXT_FORBIDDEN = set(".。'<>{}")
_CONTACT = re.compile(r"https?://|www\.|[\w.+-]+@[\w-]+\.\w|\d{7,}", re.IGNORECASE)
#: Shortest value per type; PHONE takes 4-15 characters, the others start at 1.
_MIN_LENGTH = {"PHONE": 4}


class ParameterError(Exception):
    """A value that breaks its variable's rule; ``status`` says how the service reports it."""

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _charset_problem(variable: TemplateVariable, value: str) -> str | None:
    if variable.type in _CHARSETS:
        pattern, rule = _CHARSETS[variable.type]
        return None if pattern.match(value) else rule
    if variable.type == "TEXT":
        forbidden = sorted(set(value) & _TEXT_FORBIDDEN)
        if forbidden:
            return f"TEXT must not contain {' '.join(forbidden)}"
        if _CONTACT.search(value):
            return "TEXT must not carry links, e-mail addresses or phone numbers"
    return None


def check_parameters(variables: Sequence[TemplateVariable], values: Sequence[str]) -> None:
    """Raise :class:`ParameterError` for the first value that breaks its variable's rule."""
    for index, (variable, value) in enumerate(zip(variables, values, strict=False)):
        problem = _charset_problem(variable, value) if value else None
        if problem:
            raise ParameterError(
                MALFORMED_VALUE,
                f"templateParas[{index}] {value!r} (variable {variable.index}, "
                f"{variable.type}): {problem}",
            )
    if len(values) != len(variables):
        raise ParameterError(
            VARIABLE_CHECK_FAILED,
            f"templateParas has {len(values)} value(s); the template has "
            f"{len(variables)} variable(s)",
        )
    for index, (variable, value) in enumerate(zip(variables, values, strict=True)):
        shortest = _MIN_LENGTH.get(variable.type, 1)
        if not shortest <= len(value) <= variable.length:
            raise ParameterError(
                VARIABLE_CHECK_FAILED,
                f"templateParas[{index}] has {len(value)} character(s); variable "
                f"{variable.index} ({variable.type}) takes {shortest}-{variable.length}",
            )


def render(content: str, values: Sequence[str]) -> str:
    """The template content with its variables replaced by ``values``, in order."""
    remaining = iter(values)
    return VARIABLE_PATTERN.sub(lambda _: next(remaining, ""), content)
