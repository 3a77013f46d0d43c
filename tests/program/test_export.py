"""``msgsms export``: an estate built with Huawei's official SDK in two regions is exported
with read-only calls to a catalog that validates as written, and whose ``up`` into an empty
stack adopts everything with zero writes; the next ``up`` makes no API request at all."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkmsgsms.v2 import (
    CreateAppRequest,
    CreateSignatureRequest,
    CreateTemplateRequest,
    MsgsmsClient,
    SmsAppAddReq,
    SmsSignatureReq,
    SmsTemplateReq,
    SmsTemplateVariableAttrReq,
    UploadSignatureFileRequest,
    UploadSignatureFileRequestBody,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.engine.summary import PassSummary
from providers import export
from providers.catalog import KEY_PATTERN, check_catalog
from tests.emulator.sdk import msgsms_client
from tests.faults.stack import KIND_OF_TYPE, example_stack

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WRITES = ("POST", "PUT", "PATCH", "DELETE")
#: The developer's shell must not lend the command credentials or settings of its own.
CLEAN_ENV = {
    name: value
    for name, value in os.environ.items()
    if not name.startswith(("MSGSMS_", "HUAWEICLOUD_SDK_", "HW_"))
}


# ------------------------------------------------------------------ the estate, by the SDK


def _variables(*items: tuple[int, str] | tuple[int, str, str]) -> list[SmsTemplateVariableAttrReq]:
    return [
        SmsTemplateVariableAttrReq(
            variable_index=item[0],
            variable_type=item[1],
            **({"variable_desc": item[2]} if len(item) > 2 else {}),
        )
        for item in items
    ]


@dataclass
class Estate:
    """The ids of what the SDK made, by a name of the test's own."""

    ids: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


class Builder:
    """Makes objects with Huawei's SDK and decides their reviews through the admin API."""

    def __init__(self, emulator: EmulatorProcess, tmp_path: Path) -> None:
        self.emulator = emulator
        self.tmp_path = tmp_path
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.ids: dict[str, str] = {}
        self._clients: dict[str, MsgsmsClient] = {}

    def sdk(self, region: str) -> MsgsmsClient:
        if region not in self._clients:
            self._clients[region] = msgsms_client(self.emulator, region)
        return self._clients[region]

    def app(self, name: str, app_name: str, scope: str, region: str, **extra: Any) -> None:
        body = SmsAppAddReq(app_name=app_name, region=scope, **extra)
        self.ids[name] = self.sdk(region).create_app(CreateAppRequest(body=body)).id

    def upload(self, name: str, region: str, file_name: str, desc: str) -> None:
        path = self.tmp_path / file_name
        path.write_bytes(PNG)
        with path.open("rb") as stream:
            body = UploadSignatureFileRequestBody(file=FormFile(stream, file_name))
            request = UploadSignatureFileRequest(file_desc=desc, body=body)
            self.ids[name] = self.sdk(region).upload_signature_file(request).file_id

    def signature(
        self, name: str, app: str, signature_name: str, signature_type: str, **extra: Any
    ) -> None:
        """A company signature of ``app`` (in cn-north-4), not involving a third party unless
        ``extra`` says so."""
        body = SmsSignatureReq(
            app_id=self.ids[app],
            signature_name=signature_name,
            signature_type=signature_type,
            signature_source=0,
            **{"is_involved_third": "No", **extra},
        )
        created = self.sdk("cn-north-4").create_signature(CreateSignatureRequest(body=body))
        self.ids[name] = created.id

    def template(
        self,
        name: str,
        app: str,
        template_name: str,
        content: str,
        template_type: str = "NOTIFY_TYPE",
        *,
        signature: str | None = None,
        variables: list[SmsTemplateVariableAttrReq] | None = None,
        endpoint: str = "cn-north-4",
        **extra: Any,
    ) -> None:
        """A template of ``app``, domestic unless ``extra`` gives ``region="intl"``."""
        body = SmsTemplateReq(
            app_id=self.ids[app],
            template_name=template_name,
            template_content=content,
            template_type=template_type,
            sign_id=self.ids[signature] if signature else None,
            variable_attributes=variables,
            **{"region": "cn", **extra},
        )
        created = self.sdk(endpoint).create_template(CreateTemplateRequest(body=body))
        self.ids[name] = created.id

    def review(self, kind: str, name: str, decision: str, reason: str | None = None) -> None:
        body = {"decision": decision, **({"review_desc": reason} if reason else {})}
        answer = self.emulator.admin.post(f"/{kind}/{self.ids[name]}/review", json=body)
        answer.raise_for_status()


def build_estate(emulator: EmulatorProcess, tmp_path: Path) -> Estate:
    """A shop in cn-north-4 (two apps, files, five signatures in every state and kind, six
    templates) and an international app in ap-southeast-1 with a template."""
    emulator.admin.put("/review-policy", json={"mode": "manual"}).raise_for_status()
    b = Builder(emulator, tmp_path)
    cn, intl = "cn-north-4", "ap-southeast-1"
    b.app("shop", "shop-notify", "cn", cn, up_link_addr="https://hooks.example.com/sms/up")
    b.app(
        "ops",
        "运营中心",
        "cn",
        cn,
        enterprise_project_id="8d2f6c1e-0f4a-4b7e-9a51-3c2d1e0f9a77",
        enterprise_project_name="operations",
    )
    b.app("world", "shop-global", "intl", intl)
    b.upload("licence", cn, "licence.png", "business licence")
    b.upload("attorney", cn, "attorney.png", "power of attorney")

    licence, attorney = b.ids["licence"], b.ids["attorney"]
    b.signature(
        "notify", "shop", "云商城", "NOTIFY_TYPE", file_id=licence, apply_desc="order notices"
    )
    b.signature("code", "shop", "云商城", "VERIFY_CODE_TYPE")
    b.signature("promo", "shop", "ShopCloud", "PROMOTION_TYPE", qualification_id="Q-123")
    b.signature("ops_rejected", "ops", "运营中心", "NOTIFY_TYPE", file_id=licence)
    b.signature(
        "partner",
        "ops",
        "合作伙伴",
        "NOTIFY_TYPE",
        is_involved_third="Yes",
        power_attorney_fileid=attorney,
        file_id=licence,
    )
    for name in ("notify", "code", "partner"):
        b.review("signatures", name, "approve")
    b.review("signatures", "ops_rejected", "reject", "the licence is blurred")

    b.template(
        "order_shipped",
        "shop",
        "order-shipped",
        "您的订单${1}已于${2}发货，如有疑问请致电${3}。",
        signature="notify",
        variables=_variables((1, "CHARDIGIT"), (2, "DATETIME"), (3, "PHONE")),
        template_desc="sent when an order ships",
    )
    b.template(
        "login_code",
        "shop",
        "login-code",
        "您的登录验证码为${1}，5分钟内有效。",
        "VERIFY_CODE_TYPE",
        signature="code",
        variables=_variables((1, "CHARDIGIT")),
    )
    b.template(
        "spring_sale",
        "shop",
        "春季促销",
        "会员日：${1}会员专享满300减${2}元。拒收请回复R",
        "PROMOTION_TYPE",
        signature="promo",
        variables=_variables((1, "TEXT", "membership level"), (2, "MONEY")),
    )
    b.template(
        "service_visit",
        "shop",
        "service-visit",
        "您预约的${1}服务已安排，工程师将于${2}上门。",
        variables=_variables((1, "TEXT", "service name"), (2, "DATETIME")),
        universal_template=1,
        brackets="GB",
    )
    b.template(
        "delay_notice",
        "shop",
        "delay-notice",
        "您的订单因天气原因延迟发货，给您带来不便敬请谅解。",
        signature="notify",
    )
    b.template(
        "ops_alert",
        "ops",
        "ops-alert",
        "运营告警：${1}",
        signature="ops_rejected",
        variables=_variables((1, "TEXT", "alert text")),
    )
    b.template(
        "global_otp",
        "world",
        "global-otp",
        "Your ShopCloud code is ${1}. It expires in 5 minutes.",
        variables=_variables((1, "CHARDIGIT")),
        endpoint=intl,
        region="intl",
        send_country=[65, 60],
    )
    for name in ("order_shipped", "login_code", "service_visit", "global_otp"):
        b.review("templates", name, "approve")
    b.review("templates", "delay_notice", "reject", "say when it ships")
    return Estate(b.ids)


# ------------------------------------------------------------------ the command


def export_env(emulator: EmulatorProcess, **extra: str) -> dict[str, str]:
    """The environment a CI job gives the command: MSGSMS_* variables, no stack config."""
    return {
        **CLEAN_ENV,
        "MSGSMS_ENDPOINTS": json.dumps(emulator.endpoints()),
        "MSGSMS_ACCESS_KEY": emulator.info["access_key"],
        "MSGSMS_SECRET_KEY": emulator.info["secret_key"],
        **extra,
    }


def run_export(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "providers", "export", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def entries(document: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return dict(document.get(section) or {})


def by_name(document: dict[str, Any], section: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {entry["name"]: (key, entry) for key, entry in entries(document, section).items()}


def adopt_twice(
    emulator: EmulatorProcess, catalog: Path, state_dir: Path, keys: list[str]
) -> PassSummary:
    """``up`` the catalog twice into a new ``dev`` stack of the offline engine: the first
    adopts every entry with no write, the second makes no API request. The first's summary."""
    engine = example_stack(emulator, state_dir, catalog=catalog)
    mark = emulator.last_seq()
    first = engine.up()
    assert [r for r in emulator.requests(since=mark) if r["method"] in WRITES] == []
    # every entry a create (an adoption), the stack itself too, and nothing else
    assert first.changes == {"create": len(keys) + 1}
    created = sorted(s.name for s in first.steps if s.type in KIND_OF_TYPE and s.op == "create")
    assert created == sorted(keys)
    second = engine.up()
    assert second.api_requests == 0
    assert second.changes == {"same": len(keys) + 1}
    return first


def test_an_sdk_built_estate_exports_validates_and_adopts_with_zero_writes(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    estate = build_estate(emulator, tmp_path / "sdk")
    output = tmp_path / "stacks" / "exported.sms.yaml"
    output.parent.mkdir()

    before = emulator.last_seq()
    done = run_export(
        export_env(emulator),
        "--region",
        "cn-north-4",
        "--region",
        "ap-southeast-1",
        "--output",
        str(output),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "3 apps, 3 signatures, 6 templates; 3 left out as comments" in done.stderr
    exported_with = emulator.requests(since=before)
    assert exported_with and {r["method"] for r in exported_with} == {"GET"}

    # ---- what it says
    text = output.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert document["defaults"] == {"wait_for": "none"}
    apps = by_name(document, "apps")
    signatures = {
        (e["name"], e["type"]): (k, e) for k, e in entries(document, "signatures").items()
    }
    templates = by_name(document, "templates")
    assert set(apps) == {"shop-notify", "运营中心", "shop-global"}
    assert set(signatures) == {
        ("云商城", "NOTIFY_TYPE"),
        ("云商城", "VERIFY_CODE_TYPE"),
        ("ShopCloud", "PROMOTION_TYPE"),
    }
    assert set(templates) == {
        "order-shipped",
        "login-code",
        "春季促销",
        "service-visit",
        "delay-notice",
        "global-otp",
    }
    keys = [k for s in ("apps", "signatures", "templates") for k in entries(document, s)]
    assert len(keys) == len(set(keys))
    assert all(re.match(KEY_PATTERN, key) for key in keys)
    for section in ("apps", "signatures", "templates"):
        assert all(entry["adopt"] is True for entry in entries(document, section).values())

    shop_key, shop = apps["shop-notify"]
    assert shop_key == "shop_notify"
    assert shop == {
        "name": "shop-notify",
        "scope": "cn",
        "region": "cn-north-4",
        "uplink_url": "https://hooks.example.com/sms/up",
        "adopt": True,
    }
    ops_key, ops = apps["运营中心"]
    assert ops_key.startswith("app_")
    assert (ops["enterprise_project_id"], ops["enterprise_project_name"]) == (
        "8d2f6c1e-0f4a-4b7e-9a51-3c2d1e0f9a77",
        "operations",
    )
    assert "enterprise_project_id" not in shop  # the default project goes unsaid
    assert apps["shop-global"][1]["region"] == "ap-southeast-1"
    notify_key, notify = signatures["云商城", "NOTIFY_TYPE"]
    assert notify_key.startswith("sig_notify_")
    assert notify == {
        "app": shop_key,
        "name": "云商城",
        "type": "NOTIFY_TYPE",
        "source": 0,
        "apply_desc": "order notices",
        "adopt": True,
    }
    assert signatures["ShopCloud", "PROMOTION_TYPE"][0] == "shopcloud_promo"
    assert signatures["ShopCloud", "PROMOTION_TYPE"][1]["qualification_id"] == "Q-123"
    assert templates["order-shipped"][1] == {
        "app": shop_key,
        "signature": notify_key,
        "name": "order-shipped",
        "content": "您的订单${1}已于${2}发货，如有疑问请致电${3}。",
        "variables": [
            {"index": 1, "type": "CHARDIGIT"},
            {"index": 2, "type": "DATETIME"},
            {"index": 3, "type": "PHONE"},
        ],
        "description": "sent when an order ships",
        "adopt": True,
    }
    visit = templates["service-visit"][1]
    assert (visit["universal"], visit["type"], visit["brackets"]) == (True, "NOTIFY_TYPE", "GB")
    assert "signature" not in visit
    assert templates["春季促销"][0].startswith("tpl_")
    assert templates["春季促销"][1]["variables"][0] == {
        "index": 1,
        "type": "TEXT",
        "desc": "membership level",
    }
    assert templates["global-otp"][1]["send_countries"] == [60, 65]
    assert templates["global-otp"][1]["app"] == apps["shop-global"][0]

    # what cannot be read back is said, and nothing secret is written
    assert "Exported by `msgsms export` on " in text
    assert "app secret: not exported" in text
    joined = " ".join(line.strip().removeprefix("# ") for line in text.splitlines())
    assert (
        "licence_file: not exported. The API shows only the uploaded business licence (file id "
        f"{estate['licence']}: licence.png, {len(PNG)} bytes, business licence)"
    ) in joined
    for secret in (emulator.info["secret_key"], emulator.info["access_key"]):
        assert secret not in text
    left_out = [line for line in text.splitlines() if line.strip().startswith("# Left out:")]
    assert len(left_out) == 3
    assert "Left out: it involves a third party" in joined
    assert "Left out: it is rejected and has uploaded files" in joined
    assert "Left out: it refers to signature sig_notify_" in joined  # the ops template

    # ---- it validates as written, offline
    catalog, problems, _ = check_catalog(output, root=tmp_path)
    assert problems == [] and catalog is not None
    assert Counter(d.kind for d in catalog) == {"app": 3, "signature": 3, "template": 6}

    # ---- an up into an empty stack adopts everything and writes nothing; the next one
    # makes no API request at all
    first = adopt_twice(emulator, output, tmp_path / "state", keys)
    assert first.output("apps")[shop_key]["id"] == estate["shop"]
    assert first.output("templates")[templates["order-shipped"][0]]["id"] == estate["order_shipped"]


# ------------------------------------------------------------------ writing, without a network

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_any_text_reads_back_as_written_in_every_place_a_value_goes(text: str) -> None:
    value = export._scalar(text)
    document = f"a: {value}\nb: {{desc: {value}}}\nc: [{value}]\nd:\n  - {{x: {value}}}\n"
    assert yaml.safe_load(document) == {
        "a": text,
        "b": {"desc": text},
        "c": [text],
        "d": [{"x": text}],
    }


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_text_from_the_api_in_a_comment_stays_a_comment(text: str) -> None:
    lines = export._comment([f"status: Reject; reviewer: {text}"], "  ")
    assert yaml.safe_load("a:\n" + "\n".join(lines) + "\n  b: 1\n") == {"a": {"b": 1}}


@pytest.mark.parametrize(
    ("kind", "name", "type_word", "expected"),
    [
        ("app", "shop-notify", None, "shop_notify"),
        ("app", "Shop.Notify@2", None, "shop_notify_2"),
        ("template", "2024 sale", None, "tpl_2024_sale"),
        ("signature", "ShopCloud", "promo", "shopcloud_promo"),
        ("signature", "云商城", "notify", "sig_notify_" + export._short_hash("云商城")),
        ("template", "订单已发货", None, "tpl_" + export._short_hash("订单已发货")),
        ("app", "云商城 Shop", None, "shop"),
    ],
)
def test_keys_are_derived_from_names(
    kind: export.Kind, name: str, type_word: str | None, expected: str
) -> None:
    assert export._key_base(kind, name, type_word) == expected


def test_keys_are_unique_valid_and_the_same_for_the_same_estate() -> None:
    def entry(kind: export.Kind, name: str, identity: str) -> export._Entry:
        return export._Entry(kind, name, export._key_base(kind, name), identity, {})

    def made() -> list[export._Entry]:
        return [
            entry("app", "shop", "app-1"),
            entry("template", "shop", "tpl-1"),
            entry("template", "shop", "tpl-2"),
            entry("template", "x" * 100, "tpl-3"),
            entry("template", "x" * 100, "tpl-4"),
        ]

    first, second = made(), made()
    export._assign_keys(first)
    export._assign_keys(second)
    keys = [e.key for e in first]
    assert keys == [e.key for e in second]
    assert len(set(keys)) == len(keys)
    assert all(re.match(KEY_PATTERN, key) for key in keys)
    assert keys[:2] == ["shop", "shop_" + export._short_hash("tpl-1")]


# ------------------------------------------------------------------ what is left out, and why


def temporary(emulator: EmulatorProcess, seconds: int = 900) -> dict[str, str]:
    answer = emulator.admin.post("/temporary-credentials", json={"duration_seconds": seconds})
    answer.raise_for_status()
    return dict(answer.json()["credential"])


def test_what_the_catalog_refuses_or_names_twice_is_left_out_and_the_rest_adopted(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    emulator.admin.put("/quotas", json={"apps_per_region": 4}).raise_for_status()
    emulator.admin.put("/review-policy", json={"mode": "manual"}).raise_for_status()
    b = Builder(emulator, tmp_path / "sdk")
    region = "cn-north-4"
    b.app("old_shop", "shop", "cn", region, up_link_addr="https://old.example.com/up")
    # a second later, as two consoles would: adopt takes the newest of a name
    emulator.admin.put("/clock", json={"offset_seconds": 2}).raise_for_status()
    b.app("shop", "shop", "cn", region)
    b.app("spaced", "shop notify", "cn", region)  # the API takes it, the catalog's rules not
    b.signature("spaced_sig", "spaced", "空格商城", "NOTIFY_TYPE")
    b.signature("sig", "shop", "好店", "PROMOTION_TYPE")
    promo = "PROMOTION_TYPE"
    b.template("older_sale", "shop", "sale", "旧的促销。拒收请回复R", promo, signature="sig")
    emulator.admin.put("/clock", json={"offset_seconds": 4}).raise_for_status()
    b.template("sale", "shop", "sale", "新品上市。拒收请回复R", promo, signature="sig")
    # a promotion without the opt-out text: the review would reject it
    b.template("no_opt_out", "shop", "no-opt-out", "全场五折！", promo, signature="sig")
    b.review("signatures", "sig", "approve")
    emulator.admin.put("/clock", json={"offset_seconds": 0}).raise_for_status()

    issued = temporary(emulator)
    env = {
        **CLEAN_ENV,
        "MSGSMS_REGION": region,
        "MSGSMS_ENDPOINTS": json.dumps(emulator.endpoints()),
        "HUAWEICLOUD_SDK_AK": issued["access"],
        "HUAWEICLOUD_SDK_SK": issued["secret"],
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": issued["securitytoken"],
    }
    before = emulator.last_seq()
    done = run_export(env)  # no --region: MSGSMS_REGION; no --output: stdout
    assert done.returncode == 0, done.stderr
    assert {r["method"] for r in emulator.requests(since=before)} == {"GET"}
    assert "1 app, 1 signature, 1 template; 5 left out as comments" in done.stderr
    assert issued["securitytoken"] not in done.stdout + done.stderr

    text = done.stdout
    document = yaml.safe_load(text)
    (shop_key, shop), *others = entries(document, "apps").items()
    assert shop_key == "shop"  # the exported one, not the older one left out, has the plain key
    assert others == [] and shop == {
        "name": "shop",
        "scope": "cn",
        "region": region,
        "adopt": True,
    }
    assert [e["name"] for e in entries(document, "signatures").values()] == ["好店"]
    assert [(e["name"], e["content"]) for e in entries(document, "templates").values()] == [
        ("sale", "新品上市。拒收请回复R")
    ]
    joined = " ".join(line.strip().removeprefix("# ") for line in text.splitlines())
    assert "Left out: another app in cn-north-4 named 'shop' was created later" in joined
    assert "Left out: the catalog's checks refuse it: may contain only Chinese characters" in joined
    assert "Left out: its app has another template named 'sale', created later" in joined
    assert "Left out: it refers to app shop_notify, which is left out" in joined
    assert (
        "Left out: the catalog's checks refuse it: a promotion template must include the opt-out "
        'text "拒收请回复R". status: Reviewing no_opt_out:'
    ) in joined
    catalog_file = tmp_path / "exported.sms.yaml"
    catalog_file.write_text(text, encoding="utf-8")
    catalog, problems, _ = check_catalog(catalog_file, root=tmp_path)
    assert problems == [] and catalog is not None and len(catalog) == 3

    keys = [k for s in ("apps", "signatures", "templates") for k in entries(document, s)]
    first = adopt_twice(emulator, catalog_file, tmp_path / "state", keys)
    assert first.output("apps")[shop_key]["id"] == b.ids["shop"]  # the newest, as exported
    sale_key = next(iter(entries(document, "templates")))
    assert sale_key == "sale"
    assert first.output("templates")[sale_key]["id"] == b.ids["sale"]


# ------------------------------------------------------------------ choosing, and refusing


def test_app_filters_the_export_to_the_named_apps(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    b = Builder(emulator, tmp_path)
    b.app("a", "alpha", "cn", "cn-north-4")
    b.app("b", "beta", "cn", "cn-north-4")
    b.app("c", "alpha", "intl", "ap-southeast-1")
    done = run_export(
        export_env(emulator),
        "--region",
        "cn-north-4",
        "--region",
        "ap-southeast-1",
        "--app",
        "alpha",
    )
    assert done.returncode == 0, done.stderr
    apps = entries(yaml.safe_load(done.stdout), "apps")
    assert sorted((a["name"], a["region"]) for a in apps.values()) == [
        ("alpha", "ap-southeast-1"),
        ("alpha", "cn-north-4"),
    ]
    assert len(set(apps)) == 2  # one name, two regions: two keys

    missing = run_export(export_env(emulator), "--region", "cn-north-4", "--app", "gamma")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "no app named 'gamma' in cn-north-4" in missing.stderr

    empty = run_export(export_env(emulator), "--region", "cn-south-1")
    assert empty.returncode == 1 and empty.stdout == ""
    assert "export: no apps in cn-south-1: nothing to export. Check the regions" in empty.stderr


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {}, "no region: name one or more with --region REGION (or set MSGSMS_REGION)"),
        (("--region", "mars-1"), {}, "--region mars-1: no msgsms endpoint for region 'mars-1'"),
        (("--region", "cn-north-4", "--endpoints", "{bad"), {}, "--endpoints: not valid JSON"),
        (
            ("--region", "cn-north-4", "--project-ids", '{"cn-north-4": "zz"}'),
            {},
            "--project-ids (cn-north-4): 'zz' is not a project id",
        ),
        (
            ("--region", "cn-north-4"),
            {"MSGSMS_ACCESS_KEY": "", "MSGSMS_SECRET_KEY": "", "HW_SECURITY_TOKEN": "tok-1"},
            "HW_SECURITY_TOKEN is set with no access key pair",
        ),
        (
            ("--region", "cn-north-4"),
            {"MSGSMS_ACCESS_KEY": "", "MSGSMS_SECRET_KEY": ""},
            "no credentials: set msgsms:accessKey",
        ),
    ],
)
def test_bad_settings_stop_the_export_saying_what_to_do(
    emulator: EmulatorProcess, args: tuple[str, ...], env: dict[str, str], expected: str
) -> None:
    done = run_export(export_env(emulator, **env), *args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"export: {expected}" in done.stderr
    assert "tok-1" not in done.stderr and "Traceback" not in done.stderr


def test_an_expired_security_token_stops_the_export_without_showing_it(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    Builder(emulator, tmp_path).app("shop", "shop", "cn", "cn-north-4")
    issued = temporary(emulator)
    env = export_env(
        emulator,
        MSGSMS_ACCESS_KEY=issued["access"],
        MSGSMS_SECRET_KEY=issued["secret"],
        MSGSMS_SECURITY_TOKEN=issued["securitytoken"],
    )
    output = tmp_path / "out.sms.yaml"
    assert run_export(env, "--region", "cn-north-4", "--output", str(output)).returncode == 0
    emulator.admin.put("/clock", json={"offset_seconds": 901}).raise_for_status()
    output.unlink()
    done = run_export(env, "--region", "cn-north-4", "--output", str(output))
    assert done.returncode == 1
    assert "security token expires" in done.stderr
    assert "Hint: the temporary credentials were refused" in done.stderr
    assert issued["securitytoken"] not in done.stderr and issued["secret"] not in done.stderr
    assert not output.exists()


def test_an_export_that_would_declare_nothing_stops_saying_why(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    Builder(emulator, tmp_path).app("spaced", "shop notify", "cn", "cn-north-4")
    done = run_export(export_env(emulator), "--region", "cn-north-4")
    assert done.returncode == 1 and done.stdout == ""
    assert (
        "export: nothing can be adopted as it is: every app is left out ('shop notify': the "
        "catalog's checks refuse it: may contain only Chinese characters"
    ) in done.stderr
