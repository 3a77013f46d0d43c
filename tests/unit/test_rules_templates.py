"""Rules for templates: fields, scopes, variables, type rules and lengths (reference §1.3–1.5)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers import rules
from providers.rules import UNKNOWN, Problem

CONTENT = "template_content"
VARS = "variable_attributes"


def var(index: int, kind: str = "CHARDIGIT", desc: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"variable_index": index, "variable_type": kind}
    if desc is not None:
        item["variable_desc"] = desc
    return item


def template(**changes: Any) -> dict[str, Any]:
    """A valid domestic notification template, changed."""
    inputs: dict[str, Any] = {
        "region": "cn-north-4",
        "app_id": "app-1",
        "scope": "cn",
        "template_name": "order-shipped",
        "template_content": "您的订单${1}已于${2}发货。",
        "template_type": "NOTIFY_TYPE",
        "sign_id": "sig-1",
        "signature_name": "云商城",
        "universal_template": 0,
        VARS: [var(1), var(2, "DATETIME")],
    }
    inputs.update(changes)
    return {k: v for k, v in inputs.items() if v is not None}


def intl(**changes: Any) -> dict[str, Any]:
    """A valid international template, changed."""
    base = template(
        scope="intl",
        template_content="Your code is ${1}.",
        sign_id=None,
        signature_name=None,
        universal_template=None,
        send_country=[65, 60],
        **{VARS: [var(1)]},
    )
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def content_problems(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems if p.property == CONTENT]


# -- valid templates


def test_valid_templates_pass() -> None:
    assert rules.check_template(template()) == []
    assert rules.check_template(intl()) == []
    assert rules.check_template(intl(template_type="NOTIFY_TYPE")) == []
    universal = template(universal_template=1, sign_id=None, signature_name=None)
    assert rules.check_template(universal) == []


def test_every_variable_style_is_accepted() -> None:
    inputs = template(
        template_content="号码${PHONE}，订单${2}，金额${MONEY}，旧式${TXT_10}和${NUM_6}于${DATE}${TIME}前",
        **{
            VARS: [
                var(1, "PHONE"),
                var(2),
                var(3, "MONEY"),
                var(4, "TEXT", "name"),
                var(5),
                var(6, "DATETIME"),
                var(7, "DATETIME"),
            ]
        },
    )
    # ${DATE}${TIME} are adjacent: the only problem
    assert content_problems(rules.check_template(inputs)) == [
        "variables ${DATE} and ${TIME} are adjacent; put fixed text between them"
    ]


def test_a_template_without_variables_needs_no_attributes() -> None:
    assert rules.check_template(template(template_content="您的订单已发货。", **{VARS: None})) == []


# -- fields


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"template_name": "n" * 129},
            Problem("template_name", "must be 128 characters at most (got 129)"),
        ),
        ({"template_name": None}, Problem("template_name", "is required")),
        ({CONTENT: None}, Problem(CONTENT, "is required")),
        (
            {"template_type": "NOTICE"},
            Problem(
                "template_type",
                "must be one of VERIFY_CODE_TYPE, NOTIFY_TYPE, PROMOTION_TYPE (got 'NOTICE')",
            ),
        ),
        ({"scope": "global"}, Problem("scope", "must be one of cn, intl (got 'global')")),
        ({"universal_template": 2}, Problem("universal_template", "must be one of 0, 1 (got 2)")),
        ({"brackets": "EN"}, Problem("brackets", "must be one of CN, GB (got 'EN')")),
        (
            {"template_desc": "d" * 501},
            Problem("template_desc", "must be 500 characters at most (got 501)"),
        ),
        (
            {"sign_id": None},
            Problem(
                "sign_id", "is required for a domestic template (or make the template universal)"
            ),
        ),
        (
            {"send_country": [65]},
            Problem(
                "send_country",
                "is only for scope intl (international); remove it (the scope here is cn)",
            ),
        ),
        ({"wait_for": "yes"}, Problem("wait_for", "must be one of none, approved (got 'yes')")),
        (
            {"wait_timeout": -5},
            Problem("wait_timeout", "must be a positive number of seconds, got -5"),
        ),
    ],
)
def test_domestic_field_rules(changes: dict[str, Any], expected: Problem) -> None:
    assert rules.check_template(template(**changes)) == [expected]


def test_content_over_500_characters() -> None:
    problems = rules.check_template(template(template_content="长" * 501, **{VARS: None}))
    assert Problem(CONTENT, "must be 500 characters at most (got 501)") in problems


def test_universal_templates() -> None:
    with_signature = template(universal_template=1)
    assert rules.check_template(with_signature) == [
        Problem(
            "sign_id",
            "a universal template serves every signature of its type in the app; "
            "remove the signature",
        )
    ]
    untyped = template(universal_template=1, sign_id=None, template_type=None)
    assert rules.check_template(untyped) == [
        Problem("template_type", "is required for a universal template")
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"send_country": None},
            [Problem("send_country", "is required for an international template: 1–3 country ids")],
        ),
        ({"send_country": []}, [Problem("send_country", "must be a list of 1–3 country ids")]),
        ({"send_country": [1, 7, 20, 27]}, [Problem("send_country", "has 4 countries; 3 at most")]),
        ({"send_country": [0]}, [Problem("send_country[0]", "must be a country id, got 0")]),
        (
            {"send_country": [65, "SG"]},
            [Problem("send_country[1]", "must be a country id, got 'SG'")],
        ),
        ({"send_country": [65, 65.0]}, [Problem("send_country[1]", "country 65 is listed twice")]),
        (
            {"send_country": [65, 999]},
            [
                Problem(
                    "send_country[1]",
                    "999 is not a country id: ids are calling codes, as ListSendCountryDetails "
                    "lists them (e.g. 44 United Kingdom, 65 Singapore, 81 Japan)",
                )
            ],
        ),
        (
            {"sign_id": "sig-1"},
            [
                Problem(
                    "sign_id", "is only for scope cn (domestic); remove it (the scope here is intl)"
                )
            ],
        ),
        (
            {"brackets": "GB"},
            [
                Problem(
                    "brackets",
                    "is only for scope cn (domestic); remove it (the scope here is intl)",
                )
            ],
        ),
        (
            {"universal_template": 1},
            [Problem("universal_template", "universal templates are domestic (cn) only")],
        ),
        (
            {"template_type": "PROMOTION_TYPE"},
            [Problem("template_type", "international templates are NOTIFY_TYPE")],
        ),
    ],
)
def test_international_rules(changes: dict[str, Any], expected: list[Problem]) -> None:
    assert rules.check_template(intl(**changes)) == expected


# -- variable syntax


@pytest.mark.parametrize(
    ("content", "attributes", "message"),
    [
        (
            "订单${1已发货",
            [],
            "malformed variable: every ${ needs a closing } and no $, { or } inside",
        ),
        (
            "订单${order}已发货",
            [var(1)],
            (
                "unknown variable ${order}; write ${1}…${20}, a type such as ${CHARDIGIT}, "
                "or a legacy ${TXT_n}/${NUM_n}/${DATE}/${TIME}"
            ),
        ),
        (
            "订单${1}于${3}发货",
            [var(1), var(2)],
            (
                "variable ${3} is variable number 2 in the content; positional variables are "
                "numbered in order of appearance: write ${2}"
            ),
        ),
        (
            "订单${TXT_25}已发货",
            [var(1, "TEXT", "x")],
            "variable ${TXT_25}: the length must be 1–20",
        ),
        (
            "订单${1}${2}已发货",
            [var(1), var(2)],
            ("variables ${1} and ${2} are adjacent; put fixed text between them"),
        ),
        (
            "订单${1} ${2}已发货",
            [var(1), var(2)],
            ("variables ${1} and ${2} are adjacent; put fixed text between them"),
        ),
        ("${1}，${2}", [var(1), var(2)], None),
        ("${1}", [var(1)], "must not consist of variables only; add fixed text"),
        (" ${1} ", [var(1)], "must not consist of variables only; add fixed text"),
    ],
)
def test_variable_syntax(content: str, attributes: list[Any], message: str | None) -> None:
    found = content_problems(
        rules.check_template(template(template_content=content, **{VARS: attributes or None}))
    )
    assert found == ([message] if message else [])


def test_at_most_20_variables() -> None:
    content = "，".join(f"第{i}项${{{i}}}" for i in range(1, 22))
    found = content_problems(
        rules.check_template(
            template(template_content=content, **{VARS: [var(i) for i in range(1, 21)]})
        )
    )
    assert "has 21 variables; a template may have 20 at most" in found


def test_twenty_variables_are_fine_for_syntax() -> None:
    content = "，".join(f"第{i}项${{{i}}}" for i in range(1, 21))
    inputs = template(template_content=content, **{VARS: [var(i) for i in range(1, 21)]})
    assert rules.check_template(inputs) == []


# -- variable attributes


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (
            None,
            [Problem(VARS, "the content has 2 variable(s); describe each one (index and type)")],
        ),
        ([var(1)], [Problem(VARS, "no description for variable 2 (${2}); describe each one")]),
        (
            [var(1), var(2), var(3)],
            [
                Problem(
                    f"{VARS}[2].variable_index",
                    "the content has 2 variable(s); there is no variable 3",
                )
            ],
        ),
        (
            [var(1), var(1), var(2)],
            [Problem(f"{VARS}[1].variable_index", "variable 1 is described twice")],
        ),
        (
            [var(1), var(2, "DATE")],
            [
                Problem(
                    f"{VARS}[1].variable_type",
                    "must be one of PHONE, CHARDIGIT, DATETIME, MONEY, TEXT, NEWTEXT, LONGTEXT "
                    "(got 'DATE')",
                )
            ],
        ),
        (
            [var(1), var(21)],
            [
                Problem(
                    f"{VARS}[1].variable_index",
                    "must be one of " + ", ".join(str(i) for i in range(1, 21)) + " (got 21)",
                ),
                Problem(VARS, "no description for variable 2 (${2}); describe each one"),
            ],
        ),
        (
            [var(1), var(2, "TEXT")],
            [Problem(f"{VARS}[1].variable_desc", "is required for a TEXT variable: describe it")],
        ),
        (
            [var(1), var(2, "TEXT", "  ")],
            [Problem(f"{VARS}[1].variable_desc", "is required for a TEXT variable: describe it")],
        ),
        (
            [var(1), var(2, "TEXT", "d" * 101)],
            [Problem(f"{VARS}[1].variable_desc", "must be 100 characters at most (got 101)")],
        ),
        ([var(1), {"variable_index": 2}], [Problem(f"{VARS}[1].variable_type", "is required")]),
        (
            [var(1), {"variable_index": 2, "variable_type": "TEXT", "variable_desc": 5}],
            [
                Problem(f"{VARS}[1].variable_desc", "must be a string, got 5"),
                Problem(f"{VARS}[1].variable_desc", "is required for a TEXT variable: describe it"),
            ],
        ),
        (
            [var(1), "DATETIME"],
            [
                Problem(f"{VARS}[1]", "must be a mapping with variable_index and type"),
                Problem(VARS, "no description for variable 2 (${2}); describe each one"),
            ],
        ),
        (
            "CHARDIGIT",
            [Problem(VARS, "must be a list of {variable_index, variable_type, variable_desc}")],
        ),
    ],
)
def test_variable_attributes(attributes: Any, expected: list[Problem]) -> None:
    assert rules.check_template(template(**{VARS: attributes})) == expected


def test_typed_placeholders_must_agree_with_their_attributes() -> None:
    inputs = template(
        template_content="请致电${PHONE}，订单${2}", **{VARS: [var(1, "TEXT", "x"), var(2)]}
    )
    assert rules.check_template(inputs) == [
        Problem(
            f"{VARS}[0].variable_type",
            "variable 1 is written ${PHONE} in the content but typed TEXT; make them agree",
        )
    ]


def test_more_than_20_attributes() -> None:
    found = rules.check_template(template(**{VARS: [var(1), var(2)] + [var(1)] * 19}))
    assert Problem(VARS, "must have 20 items at most") in found


# -- type rules


def verify(content: str, attributes: list[Any] | None = None) -> list[str]:
    inputs = template(
        template_type="VERIFY_CODE_TYPE", template_content=content, **{VARS: attributes or [var(1)]}
    )
    return content_problems(rules.check_template(inputs))


def test_a_verification_code_template_passes() -> None:
    for word in rules.CODE_WORDS:
        assert verify(f"您的{word}为${{1}}，5分钟内有效。") == []


def test_verification_code_needs_exactly_one_variable() -> None:
    assert verify("您的验证码为${1}，有效期${2}分钟。", [var(1), var(2)]) == [
        "a verification-code template has exactly one variable (the code); found 2"
    ]
    assert verify("您的验证码已发送。", [var(1)])[0] == (
        "a verification-code template has exactly one variable (the code); found 0"
    )


def test_verification_code_needs_a_code_word() -> None:
    assert verify("您的登录密码为${1}。") == [
        "a verification-code template must contain one of 验证码, 注册码, 校验码, 动态码"
    ]


@pytest.mark.parametrize(
    "link", ["https://shop.example.com", "http://x.cn/a", "www.example.org", "详见shop.com"]
)
def test_verification_code_must_not_contain_links(link: str) -> None:
    assert verify(f"您的验证码为${{1}}，{link}") == [
        "a verification-code template must not contain links"
    ]


def test_verification_code_legacy_length_at_most_8() -> None:
    assert verify("您的验证码为${NUM_6}。") == []
    assert verify("您的验证码为${NUM_9}。") == [
        "variable ${NUM_9}: a verification code is 8 characters at most"
    ]


def test_promotion_needs_the_opt_out_text() -> None:
    inputs = template(template_type="PROMOTION_TYPE", template_content="新品${1}上市，优惠${2}。")
    assert content_problems(rules.check_template(inputs)) == [
        'a promotion template must include the opt-out text "拒收请回复R"'
    ]
    inputs[CONTENT] += "拒收请回复R"
    assert rules.check_template(inputs) == []


def test_domestic_content_must_not_carry_the_signature_or_brackets() -> None:
    assert content_problems(
        rules.check_template(template(template_content="【云商城】您的订单${1}已于${2}发货。"))
    ) == [
        "must not contain 【 or 】: the platform adds the signature in brackets",
        "must not contain the signature 【云商城】: the platform prepends it",
    ]
    gb = template(brackets="GB", template_content="[云商城]您的订单${1}已于${2}发货。")
    assert content_problems(rules.check_template(gb)) == [
        "must not contain the signature [云商城]: the platform prepends it"
    ]


def test_500_characters_counts_the_signature_and_the_longest_variable_values() -> None:
    # 448 + "，" fixed, CHARDIGIT 20, DATETIME 20: 489, with 【云商城】 494: fits
    # 452 + "，" fixed, 40 for the variables, with 【云商城旗舰店】 (8): 501
    fixed = "长" * 448
    ok = template(template_content=f"{fixed}${{1}}，${{2}}")
    assert rules.check_template(ok) == []
    over = template(
        template_content=f"{fixed}长长长长${{1}}，${{2}}", signature_name="云商城旗舰店"
    )
    assert content_problems(rules.check_template(over)) == [
        "reaches 501 characters with the longest variable values and the signature "
        "【云商城旗舰店】; a message is 500 characters at most, signature included"
    ]


def test_500_characters_without_a_known_signature() -> None:
    inputs = template(template_content="长" * 470 + "${1}，${2}", signature_name=UNKNOWN)
    assert content_problems(rules.check_template(inputs)) == [
        "reaches 511 characters with the longest variable values; "
        "a message is 500 characters at most, signature included"
    ]


# -- unknown values


def test_unknown_inputs_skip_the_checks_that_need_them() -> None:
    unknown = template(
        app_id=UNKNOWN, sign_id=UNKNOWN, signature_name=UNKNOWN, template_content=UNKNOWN
    )
    assert rules.check_template(unknown) == []
    assert rules.check_template(template(template_type=UNKNOWN)) == []
    assert rules.check_template(template(**{VARS: UNKNOWN})) == []


def test_an_unknown_country_list_is_not_reported_missing() -> None:
    # A reference resolved later must not read as "missing".
    assert rules.check_template(intl(send_country=UNKNOWN)) == []


def test_unknown_scope_skips_scope_rules() -> None:
    assert rules.check_template(template(scope=UNKNOWN, send_country=[1])) == []


# values that steer the rules into their deeper branches
MEANINGFUL = [
    "cn",
    "intl",
    "TEXT",
    "PHONE",
    "VERIFY_CODE_TYPE",
    "PROMOTION_TYPE",
    "NOTIFY_TYPE",
    "GB",
    "验证码${1}",
    "a${1}b${2}",
    "${PHONE}x",
    "${TXT_9}码",
    "【云】${1}",
    "云商城",
    1,
    0,
    UNKNOWN,
]


LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(MEANINGFUL)
)
ANY_VALUE = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner),
    max_leaves=6,
)
ATTRIBUTE = st.fixed_dictionaries(
    {},
    optional={
        "variable_index": st.integers(-1, 22) | LEAF,
        "variable_type": st.sampled_from(rules.VARIABLE_TYPES) | LEAF,
        "variable_desc": LEAF,
    },
)
TEMPLATE_INPUTS = st.fixed_dictionaries(
    {},
    optional={
        "region": LEAF,
        "app_id": LEAF,
        "scope": st.sampled_from(["cn", "intl"]) | LEAF,
        "template_name": LEAF,
        CONTENT: st.text(max_size=40) | LEAF,
        "template_type": st.sampled_from(rules.TEMPLATE_TYPES) | LEAF,
        "sign_id": LEAF,
        "signature_name": LEAF,
        "universal_template": LEAF,
        "brackets": LEAF,
        "send_country": ANY_VALUE,
        "template_desc": LEAF,
        VARS: st.lists(ATTRIBUTE | LEAF, max_size=4) | ANY_VALUE,
        "wait_for": LEAF,
        "wait_timeout": LEAF,
        "adopt": LEAF,
    },
)


@settings(max_examples=400, deadline=None)
@given(TEMPLATE_INPUTS)
def test_rules_never_raise_on_arbitrary_inputs(inputs: dict[str, Any]) -> None:
    for problem in rules.check_template(inputs):
        assert isinstance(problem.property, str) and problem.message
