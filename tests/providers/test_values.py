"""Normalisation and comparison of input values, and the review poll delays (no I/O)."""

from __future__ import annotations

import itertools

import pytest
from pulumi.output import Unknown

from providers.resources.reviews import Waiter
from providers.resources.schema import Field, normalise, normalise_value, same_value


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("int", 1.0, 1),
        ("int", 1.5, 1.5),  # left for check to refuse
        ("number", 30.0, 30),
        ("number", 2.5, 2.5),
        ("str", "", None),
        ("str", " padded ", " padded "),
        ("yes_no", "yes", "Yes"),
        ("yes_no", "NO", "No"),
        ("yes_no", "maybe", "maybe"),
        ("int_set", [44.0, 1, 33.0], [1, 33, 44]),
        ("int_set", [44, "x"], [44, "x"]),
        (
            "variables",
            [
                {"variable_index": 2.0, "variable_type": "TEXT", "variable_desc": "city"},
                {"variable_index": 1.0, "variable_type": "CHARDIGIT", "variable_desc": ""},
            ],
            [
                {"variable_index": 1, "variable_type": "CHARDIGIT"},
                {"variable_index": 2, "variable_type": "TEXT", "variable_desc": "city"},
            ],
        ),
        ("variables", [], None),
    ],
)
def test_values_take_one_canonical_form(kind: str, value: object, expected: object) -> None:
    assert normalise_value(kind, value) == expected  # type: ignore[arg-type]


def test_unknowns_are_kept_at_any_depth() -> None:
    unknown = Unknown()
    assert normalise_value("str", unknown) is unknown
    items = [{"variable_index": 1.0, "variable_type": unknown}]
    assert normalise_value("variables", items) == [{"variable_index": 1, "variable_type": unknown}]
    assert normalise_value("int_set", [unknown, 1.0]) == [unknown, 1]


def test_normalise_keeps_only_known_fields_that_are_set() -> None:
    fields = (Field("region"), Field("scope"), Field("adopt", kind="bool", remote=False))
    values = {"region": "cn-north-4", "scope": "", "adopt": False, "__provider": "x", "extra": 1}
    assert normalise(fields, values) == {"region": "cn-north-4", "adopt": False}


def test_absent_equals_the_default_and_an_inherited_field_follows_the_server() -> None:
    brackets = Field("brackets", default="CN")
    assert same_value(brackets, "CN", None)
    assert same_value(brackets, None, "CN")
    assert not same_value(brackets, "CN", "GB")
    template_type = Field("template_type", inherited=True)
    assert same_value(template_type, "NOTIFY_TYPE", None)
    assert not same_value(template_type, "NOTIFY_TYPE", "PROMOTION_TYPE")
    uplink = Field("up_link_addr")
    assert not same_value(uplink, "https://x.example.com", None)  # removing it is a change


def test_an_unknown_new_value_is_always_a_change() -> None:
    assert not same_value(Field("scope"), "cn", Unknown())
    assert not same_value(Field("send_country", kind="int_set"), [1], [Unknown()])


def test_poll_delays_grow_to_the_cap_with_jitter_in_the_upper_half() -> None:
    low = Waiter(first=2.0, factor=2.0, cap=10.0, random=lambda: 0.0)
    high = Waiter(first=2.0, factor=2.0, cap=10.0, random=lambda: 1.0)
    assert list(itertools.islice(low.delays(), 5)) == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert list(itertools.islice(high.delays(), 5)) == [2.0, 4.0, 8.0, 10.0, 10.0]
