"""The providers' checks (``providers.rules.check``, what ``validate`` and ``preview`` run)
against the emulator's, on the request rules both apply.

Each probe is one value of one field in an otherwise valid request. The providers refuse it
when ``check`` names the field; the emulator refuses it when its request model does, or, for
the rules the platform applies in review (a signature's name), when review would reject it.
Where the two disagree the probe must be in :data:`DISAGREEMENTS`, with the reason and which
side the sources back; everywhere else they must agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from emulator.msgsms.models import SmsAppAddReq, SmsSignatureReq, SmsTemplateReq
from emulator.msgsms.review import signature_rejection
from providers import rules

#: Providers' names of the API's fields, where they differ (``region`` is the endpoint region).
_PROVIDER_NAMES = {"region": "scope", "power_attorney_fileid": "power_attorney_file_id"}
_APP = {"app_name": "shop", "region": "cn"}
_SIGNATURE = {
    "app_id": "9e61f59c-1a6b-4ee5-9651-5bca450694b3",
    "signature_name": "云商城",
    "signature_type": "NOTIFY_TYPE",
    "signature_source": 0,
    "is_involved_third": "No",
}
_TEMPLATE = {
    "app_id": "9e61f59c-1a6b-4ee5-9651-5bca450694b3",
    "region": "cn",
    "template_name": "shipped",
    "template_content": "您的订单${1}已发货。",
    "template_type": "NOTIFY_TYPE",
    "sign_id": "460a2427-37eb-4229-bee9-0eba4d8a897f",
    "variable_attributes": [{"variable_index": 1, "variable_type": "CHARDIGIT"}],
}
_INTL_TEMPLATE = {
    **{k: v for k, v in _TEMPLATE.items() if k != "sign_id"},
    "region": "intl",
    "template_content": "Your parcel ${1} has shipped.",
    "send_country": [44],
}
_KINDS: dict[str, tuple[str, Mapping[str, Any], type[BaseModel]]] = {
    "app": ("app", _APP, SmsAppAddReq),
    "signature": ("signature", _SIGNATURE, SmsSignatureReq),
    "template": ("template", _TEMPLATE, SmsTemplateReq),
    "intl template": ("template", _INTL_TEMPLATE, SmsTemplateReq),
}


@dataclass(frozen=True)
class Probe:
    kind: str
    field: str
    value: Any
    #: Other fields the probe sets, when a rule ties two fields together.
    also: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return f"{self.kind}.{self.field}={self.value!r}"[:60]


def _provider_refuses(probe: Probe) -> bool:
    kind, base, _ = _KINDS[probe.kind]
    changes = {probe.field: probe.value, **dict(probe.also)}
    inputs = {_PROVIDER_NAMES.get(k, k): v for k, v in {**base, **changes}.items()}
    inputs["region"] = "cn-north-4"
    field = _PROVIDER_NAMES.get(probe.field, probe.field)
    problems = rules.check(kind, inputs)
    return any(p.property == field or p.property.startswith(f"{field}[") for p in problems)


def _emulator_refuses(probe: Probe) -> bool:
    _, base, model = _KINDS[probe.kind]
    body = {**base, probe.field: probe.value, **dict(probe.also)}
    try:
        model.model_validate(body)
    except ValidationError:
        return True
    if probe.field == "signature_name":
        return signature_rejection(body) is not None  # type: ignore[arg-type]
    return False


#: Where the providers are stricter than the emulator, why, and which side the sources back.
DISAGREEMENTS: tuple[tuple[Probe, str], ...] = (
    (
        Probe("app", "app_name", "a b"),
        (
            "providers: the console's charset (Chinese, letters, digits, _ . - @); emulator: the "
            "CreateApp definition, 1-64 not blank. The definition says what the API takes"
        ),
    ),
    (
        Probe("app", "up_link_addr", "hooks.example.com/sms"),
        (
            "providers: an http(s) URL, since uplinks are POSTed to it; emulator: the definition's "
            "1-128 characters (a bad address fails when an uplink is delivered)"
        ),
    ),
    (
        Probe("app", "enterprise_project_id", " "),
        ("providers: not blank; emulator: the definition's 1-64 without @NotBlank"),
    ),
    (
        Probe("signature", "is_involved_third", "yes"),
        (
            "providers: Yes or No (the definition's description, the SDK); emulator also takes the "
            "lowercase spelling of the older English API pages"
        ),
    ),
    (
        Probe("template", "template_name", " "),
        ("providers: not blank; emulator: the definition's 1-128 without @NotBlank"),
    ),
    (
        Probe("template", "template_content", "   "),
        ("providers: not blank; emulator: the definition's 1-500 without @NotBlank"),
    ),
    (
        Probe("template", "brackets", "XX"),
        (
            "providers: CN or GB; emulator: the definition's 1-16, and the API reference treats "
            "any other value as CN (sms_05_0039)"
        ),
    ),
    (
        Probe("template", "sign_id", _TEMPLATE["sign_id"], also=(("universal_template", 1),)),
        (
            "providers: a universal template names no signature (sign_id is ignored for one, per "
            "the API reference); emulator: takes it and ignores sign_id"
        ),
    ),
    (
        Probe("intl template", "send_country", [44, 0]),
        (
            "providers: every entry a country id >= 1; emulator: the definition's items from 0, a "
            "0 naming no country (an empty slot, as send_country1..3 show)"
        ),
    ),
    (
        Probe("intl template", "send_country", [44, 44]),
        (
            "providers: refuse a country listed twice; emulator: no source refuses it, so it is "
            "taken"
        ),
    ),
)

#: Values both sides must treat alike.
AGREEMENTS: tuple[Probe, ...] = (
    Probe("app", "app_name", "x" * 65),
    Probe("app", "app_name", "名@_.-"),
    Probe("app", "app_name", "   "),
    Probe("app", "up_link_addr", "https://hooks.example.com/" + "x" * 103),
    Probe("app", "up_link_addr", "https://hooks.example.com/sms/up"),
    Probe("app", "enterprise_project_name", "x" * 256),
    Probe("signature", "signature_name", "云"),
    Probe("signature", "signature_name", "云" * 32),
    Probe("signature", "signature_name", "云" * 33),
    Probe("signature", "signature_name", "【云商城】"),
    Probe("signature", "signature_name", "12345"),
    Probe("signature", "signature_source", 5),
    Probe("signature", "signature_source", 6),
    Probe("signature", "signature_type", "SPAM_TYPE"),
    Probe("signature", "apply_desc", "x" * 100),
    Probe("signature", "apply_desc", "x" * 101),
    Probe("signature", "qualification_id", "a b"),
    Probe("signature", "file_id", "x" * 65),
    Probe("signature", "power_attorney_fileid", "x" * 129),
    Probe("signature", "source_title_content", "x" * 513),
    Probe("template", "template_name", "x" * 128),
    Probe("template", "template_name", "x" * 129),
    Probe("template", "template_content", "x" * 501),
    Probe("template", "template_type", "SPAM_TYPE"),
    Probe("template", "universal_template", 2),
    Probe("template", "brackets", "GB"),
    Probe("template", "template_desc", "x" * 501),
    Probe(
        "template",
        "variable_attributes",
        [{"variable_index": 1, "variable_type": "EMOJI"}],
    ),
    Probe(
        "template",
        "variable_attributes",
        [{"variable_index": 1, "variable_type": "TEXT"}],
    ),
    Probe(
        "template",
        "variable_attributes",
        [{"variable_index": 1, "variable_type": "TEXT", "variable_desc": "x" * 101}],
    ),
    Probe("intl template", "send_country", [44, 65, 81, 82]),
    Probe("intl template", "send_country", [44, 65]),
)


@pytest.mark.parametrize("probe", [probe for probe, _ in DISAGREEMENTS], ids=str)
def test_the_recorded_disagreements_are_the_providers_being_stricter(probe: Probe) -> None:
    assert (_provider_refuses(probe), _emulator_refuses(probe)) == (True, False)


@pytest.mark.parametrize("probe", AGREEMENTS, ids=str)
def test_providers_and_emulator_agree_on_the_shared_rules(probe: Probe) -> None:
    assert _provider_refuses(probe) == _emulator_refuses(probe)


def test_the_probes_see_both_verdicts() -> None:
    verdicts = {(_provider_refuses(p), _emulator_refuses(p)) for p in AGREEMENTS}
    assert verdicts == {(True, True), (False, False)}
