"""The rules of a template as a whole: scope, signature, countries, content and length."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from providers.countries import COUNTRY_NAMES, country_hint
from providers.spec import TEMPLATE
from providers.spec.vocabulary import (
    CODE_WORDS,
    OPT_OUT_TEXT,
    TEMPLATE_MAX_CHARS,
    VERIFY_CODE_MAX_LENGTH,
)

from .fields import check_fields, scoped
from .segments import bracketed, longest_content
from .values import Problem, as_int, is_known, is_present, is_unknown
from .variables import (
    TemplateVariable,
    check_variable_attributes,
    template_variables,
    variable_syntax,
)

__all__ = ["check_template"]

# Chinese text has no word boundary before a domain ("详见shop.com"), hence the lookarounds.
_LINK = re.compile(
    r"https?://|www\.|(?<![a-z0-9-])[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|cn|net|org|top|xyz|info|io|cc|co|me|app|vip|shop)(?![a-z0-9])",
    re.IGNORECASE,
)


def _send_country(inputs: Mapping[str, Any]) -> list[Problem]:
    prop = "send_country"
    if not is_present(inputs, prop):
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
        number = as_int(country)
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
        if is_known(inputs, "signature_name") and isinstance(inputs["signature_name"], str):
            signature = bracketed(inputs["signature_name"], inputs.get("brackets"))
            if signature in content:
                problems.append(
                    Problem(
                        "template_content",
                        f"must not contain the signature {signature}: the platform prepends it",
                    )
                )
    if is_unknown(inputs.get("variable_attributes")):
        return problems  # the longest values depend on the variable types
    total = len(longest_content(inputs, console=False)) + len(signature)
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
    problems = check_fields(inputs, TEMPLATE.fields)
    scope = inputs.get("scope")
    universal = as_int(inputs.get("universal_template")) == 1
    if scope == "cn":
        problems += scoped(inputs, ["send_country"], "cn")
        if universal:
            if is_present(inputs, "sign_id"):
                problems.append(
                    Problem(
                        "sign_id",
                        "a universal template serves every signature of its type in the app; "
                        "remove the signature",
                    )
                )
            if not is_present(inputs, "template_type"):
                problems.append(Problem("template_type", "is required for a universal template"))
        elif not is_present(inputs, "sign_id"):
            problems.append(
                Problem(
                    "sign_id",
                    "is required for a domestic template (or make the template universal)",
                )
            )
    elif scope == "intl":
        problems += scoped(inputs, ["sign_id", "brackets"], "intl")
        if universal:
            problems.append(
                Problem("universal_template", "universal templates are domestic (cn) only")
            )
        if inputs.get("template_type") not in (None, "NOTIFY_TYPE") and not is_unknown(
            inputs.get("template_type")
        ):
            problems.append(Problem("template_type", "international templates are NOTIFY_TYPE"))
        problems += _send_country(inputs)
    content_known = is_known(inputs, "template_content") and isinstance(
        inputs["template_content"], str
    )
    variables = template_variables(inputs["template_content"]) if content_known else None
    if variables is not None:
        problems += variable_syntax(inputs["template_content"], variables)
        if not any(p.property == "template_type" for p in problems):
            problems += _content_rules(inputs, variables)
    problems += check_variable_attributes(inputs, variables)
    return problems
