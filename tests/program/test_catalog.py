"""The catalog loader on valid catalogs: declarations, inheritance, references, warnings."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from providers import rules
from providers.catalog import (
    CATALOG_FIELDS,
    NOT_EXPOSED,
    Catalog,
    Kind,
    Reference,
    check_catalog,
    load_catalog,
)

ROOT = Path(__file__).parents[2]
GOOD = sorted((Path(__file__).parent / "catalogs" / "good").glob("*.sms.yaml"))
STACKS = sorted((ROOT / "stacks").glob("*.sms.yaml"))
PNG = ROOT / "stacks" / "files" / "licence.png"


@pytest.mark.parametrize("path", STACKS + GOOD, ids=lambda p: p.name)
def test_good_catalogs_validate_clean(path: Path) -> None:
    catalog, problems, warnings = check_catalog(path, root=ROOT)
    assert problems == []
    assert warnings == []
    assert catalog is not None and len(catalog) > 0


@pytest.mark.parametrize("path", STACKS + GOOD, ids=lambda p: p.name)
def test_declared_inputs_pass_the_resources_rules(path: Path) -> None:
    # What the program hands to the resources, with references resolved, passes their check.
    catalog = load_catalog(path, root=ROOT)
    for declaration in catalog:
        inputs = declaration.resolve(lambda ref: f"{ref.kind}-{ref.key}-id")
        assert rules.check(declaration.kind, inputs, root=ROOT) == [], declaration.key


@pytest.fixture(scope="module")
def dev() -> Catalog:
    return load_catalog(ROOT / "stacks" / "dev.sms.yaml", root=ROOT)


def test_declarations_come_in_dependency_order(dev: Catalog) -> None:
    kinds = [d.kind for d in dev]
    assert kinds == sorted(kinds, key=["app", "file", "signature", "template"].index)
    assert [d.key for d in dev.of_kind("template")] == [
        "login_code",
        "order_shipped",
        "spring_sale",
        "service_visit",
        "global_otp",
    ]


def test_dev_example_covers_the_story(dev: Catalog) -> None:
    assert {d.region for d in dev} == {"cn-north-4", "ap-southeast-1"}
    shop = dev.get("app", "shop")
    assert shop.inputs["up_link_addr"].startswith("https://")
    types = {d.inputs["template_type"] for d in dev.of_kind("template")}
    assert types == {"VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE"}
    assert any(d.inputs.get("universal_template") == 1 for d in dev.of_kind("template"))
    assert all(d.inputs.get("variable_attributes") for d in dev.of_kind("template"))
    world_otp = dev.get("template", "global_otp")
    assert world_otp.inputs["send_country"] == [65, 60, 66]
    # the default app quota is 2 per region
    apps_per_region = [d.region for d in dev.of_kind("app")]
    assert max(apps_per_region.count(r) for r in apps_per_region) <= 2


def test_apps_translate_to_resource_inputs(dev: Catalog) -> None:
    shop = dev.get("app", "shop")
    assert shop.inputs == {
        "region": "cn-north-4",
        "app_name": "shop-notify",
        "scope": "cn",
        "up_link_addr": "https://hooks.example.com/sms/uplink",
    }
    assert shop.references == {}


def test_files_are_relative_to_the_catalog_and_declared_relative_to_the_root(
    dev: Catalog,
) -> None:
    licence = dev.get("file", "licence")
    assert licence.inputs == {
        "region": "cn-north-4",
        "path": "stacks/files/licence.png",
        "description": "business licence",
    }


def test_signatures_reference_their_app_and_files(dev: Catalog) -> None:
    signature = dev.get("signature", "shop_code")
    assert signature.inputs == {
        "region": "cn-north-4",
        "signature_name": "云商城",
        "signature_type": "VERIFY_CODE_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        "apply_desc": "login and payment verification codes",
        "wait_for": "approved",
        "wait_timeout": 120,
    }
    assert signature.references == {
        "app_id": Reference("app", "shop", "id"),
        "file_id": Reference("file", "licence", "file_id"),
    }


def test_templates_inherit_from_their_app_and_signature(dev: Catalog) -> None:
    login = dev.get("template", "login_code")
    assert login.inputs["template_type"] == "VERIFY_CODE_TYPE"  # from the signature
    assert login.inputs["signature_name"] == "云商城"
    assert login.inputs["scope"] == "cn"
    assert login.inputs["universal_template"] == 0
    assert login.references == {
        "app_id": Reference("app", "shop", "id"),
        "sign_id": Reference("signature", "shop_code", "id"),
    }
    otp = dev.get("template", "global_otp")
    assert otp.region == "ap-southeast-1"  # from the app
    assert otp.inputs["scope"] == "intl"
    assert otp.inputs["template_type"] == "NOTIFY_TYPE"
    assert "universal_template" not in otp.inputs
    assert otp.references == {"app_id": Reference("app", "world", "id")}


def test_universal_templates_reference_no_signature(dev: Catalog) -> None:
    visit = dev.get("template", "service_visit")
    assert visit.inputs["universal_template"] == 1
    assert "sign_id" not in visit.references
    assert "signature_name" not in visit.inputs


def test_resolve_fills_references_with_outputs(dev: Catalog) -> None:
    created = {("app", "shop"): {"id": "app-123"}, ("signature", "shop_notify"): {"id": "s-9"}}
    shipped = dev.get("template", "order_shipped")
    inputs = shipped.resolve(lambda ref: created[ref.kind, ref.key][ref.output])
    assert inputs["app_id"] == "app-123"
    assert inputs["sign_id"] == "s-9"
    assert shipped.inputs.get("app_id") is None  # the declaration itself is unchanged


def test_variables_translate_to_variable_attributes(dev: Catalog) -> None:
    sale = dev.get("template", "spring_sale")
    assert sale.inputs["variable_attributes"] == [
        {
            "variable_index": 1,
            "variable_type": "TEXT",
            "variable_desc": "membership level, e.g. 金卡",
        },
        {"variable_index": 2, "variable_type": "MONEY"},
        {"variable_index": 3, "variable_type": "DATETIME"},
    ]


def test_estimates_of_the_dev_catalog(dev: Catalog) -> None:
    estimates = {e.key: e for e in dev.estimates()}
    assert estimates["login_code"].segments == 1
    assert estimates["order_shipped"].segments == 2
    assert estimates["order_shipped"].cost_per_10000 == rules.tier_costs(2, "NOTIFY_TYPE")
    assert estimates["spring_sale"].cost_per_10000 == rules.tier_costs(2, "PROMOTION_TYPE")
    universal = estimates["service_visit"]
    assert universal.note == "universal: counted with the longest signature, 云商城"
    otp = estimates["global_otp"]
    assert (otp.encoding, otp.segments, otp.cost_per_10000) == ("GSM-7", 1, None)


def test_get_names_the_missing_declaration(dev: Catalog) -> None:
    with pytest.raises(KeyError, match="no template 'nope'"):
        dev.get("template", "nope")


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "licence.png").write_bytes(PNG.read_bytes())
    path = tmp_path / "stack.sms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text", ["# nothing yet\n", "defaults: {region: cn-north-4}\n", "apps: {}\ntemplates:\n"]
)
def test_an_empty_catalog_is_refused_unless_it_says_it_means_it(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    catalog, problems, _ = check_catalog(path, root=tmp_path)
    assert catalog is None
    [problem] = problems
    assert (problem.line, problem.path) == (1, "catalog")
    assert "deletes every signature and template" in problem.message
    assert "allow_empty: true" in problem.message

    allowed = load_catalog(write(tmp_path, "allow_empty: true\n" + text), root=tmp_path)
    assert allowed.declarations == ()


def test_the_default_region_applies_when_the_catalog_names_none(tmp_path: Path) -> None:
    path = write(tmp_path, "apps:\n  shop: {name: shop, scope: cn}\n")
    catalog = load_catalog(path, root=tmp_path, default_region="cn-south-1")
    assert catalog.get("app", "shop").region == "cn-south-1"


def test_entry_region_beats_defaults_which_beat_the_default_region(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "defaults: {region: cn-north-4}\n"
        "apps:\n"
        "  a: {name: a, scope: cn}\n"
        "  b: {name: b, scope: cn, region: ap-southeast-1}\n",
    )
    catalog = load_catalog(path, root=tmp_path, default_region="cn-south-1")
    assert [d.region for d in catalog] == ["cn-north-4", "ap-southeast-1"]


def test_a_file_takes_the_region_of_the_signatures_using_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "apps:\n"
        "  south: {name: south, scope: cn, region: cn-south-1}\n"
        "files:\n"
        "  licence: {path: licence.png}\n"
        "signatures:\n"
        "  sig: {app: south, name: 南方, type: NOTIFY_TYPE, source: 0, licence_file: licence}\n",
    )
    catalog = load_catalog(path, root=tmp_path)
    assert catalog.get("file", "licence").region == "cn-south-1"
    assert catalog.get("signature", "sig").region == "cn-south-1"


def test_files_outside_the_root_are_declared_by_absolute_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "defaults: {region: cn-north-4}\n"
        "apps:\n  shop: {name: shop, scope: cn}\n"
        "files:\n  licence: {path: licence.png}\n"
        "signatures:\n"
        "  sig: {app: shop, name: 云商城, type: NOTIFY_TYPE, source: 0, licence_file: licence}\n",
    )
    root = tmp_path / "elsewhere"
    root.mkdir()
    catalog = load_catalog(path, root=root)
    assert catalog.get("file", "licence").inputs["path"] == str(tmp_path / "licence.png")


def test_x_keys_hold_anchors_and_declare_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x-app: &app {scope: cn, region: cn-north-4}\napps:\n  shop: {<<: *app, name: shop}\n",
    )
    catalog = load_catalog(path, root=tmp_path)
    assert catalog.get("app", "shop").inputs["scope"] == "cn"


def test_quotas_are_warnings(tmp_path: Path) -> None:
    apps = "".join(f"  app{i}: {{name: app{i}, scope: cn}}\n" for i in range(3))
    path = write(tmp_path, "defaults: {region: cn-north-4}\napps:\n" + apps)
    catalog, problems, warnings = check_catalog(path, root=tmp_path)
    assert problems == []
    assert catalog is not None and catalog.warnings == tuple(warnings)
    assert [str(w) for w in warnings] == [
        f"{path}:5: apps.app2: warning: 3 apps in cn-north-4; the default quota is 2 per "
        "region (ask Huawei Cloud to raise it, or creating the app fails)"
    ]


def test_templates_over_the_per_app_quota_warn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(rules.QUOTAS, "templates_per_app", 1)  # 2000 entries is a slow test
    path = write(
        tmp_path,
        "defaults: {region: cn-north-4}\n"
        "apps:\n  shop: {name: shop, scope: cn}\n"
        "templates:\n"
        "  a: {app: shop, universal: true, type: NOTIFY_TYPE, name: a, content: 您好。}\n"
        "  b: {app: shop, universal: true, type: NOTIFY_TYPE, name: b, content: 再见。}\n",
    )
    catalog, problems, warnings = check_catalog(path, root=tmp_path)
    assert catalog is not None and problems == []
    assert [(w.line, w.path, w.message) for w in warnings] == [
        (
            3,
            "apps.shop",
            "2 templates in this app; the default quota is 1 "
            "(ask Huawei Cloud to raise it, or creating the excess fails)",
        )
    ]


def test_an_unused_file_warns(tmp_path: Path) -> None:
    path = write(tmp_path, "defaults: {region: cn-north-4}\nfiles:\n  spare: {path: licence.png}\n")
    catalog, problems, warnings = check_catalog(path, root=tmp_path)
    assert catalog is not None and problems == []
    assert [(w.line, w.path, w.message) for w in warnings] == [
        (3, "files.spare", "no signature uses this file")
    ]


def test_an_unreadable_catalog(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sms.yaml"
    catalog, problems, _ = check_catalog(missing, root=tmp_path)
    assert catalog is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].path) == (1, "catalog")
    assert problems[0].message.startswith("cannot read the catalog: ")


def test_all_problems_of_a_catalog_come_at_once_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "defaults: {region: cn-north-4}\n"
        "apps:\n"
        "  shop: {name: shop, scope: cn, colour: red}\n"
        "signatures:\n"
        "  sig: {app: shop, name: '123', type: NOTIFY_TYPE, source: 9}\n"
        "templates:\n"
        "  t: {app: shop, signature: sig, name: t, content: '${1}${2}'}\n",
    )
    _, problems, _ = check_catalog(path, root=tmp_path)
    lines = [p.line for p in problems]
    assert lines == sorted(lines)
    assert sorted((p.line, p.path) for p in problems) == [
        (3, "apps.shop.colour"),
        (5, "signatures.sig.name"),
        (5, "signatures.sig.source"),
        (7, "templates.t.content"),
        (7, "templates.t.content"),
        (7, "templates.t.variables"),
    ]


def test_every_api_request_field_has_a_catalog_spelling() -> None:
    """Each field of the SDK's request models is spelled in the catalog or left out on
    purpose (NOT_EXPOSED); contracts §4 renames two of them."""
    renamed = {"power_attorney_fileid": "power_attorney_file_id"}
    models: dict[Kind, list[str]] = {
        "app": ["sms_app_add_req.SmsAppAddReq", "sms_app_update_req.SmsAppUpdateReq"],
        "signature": ["sms_signature_req.SmsSignatureReq"],
        "template": ["sms_template_req.SmsTemplateReq"],
    }
    for kind, names in models.items():
        for name in names:
            module, cls = name.split(".")
            model = getattr(importlib.import_module(f"huaweicloudsdkmsgsms.v2.model.{module}"), cls)
            for api_field in model.openapi_types:
                if api_field in NOT_EXPOSED:
                    continue
                # the API's cn/intl `region` is the input `scope`
                prop = "scope" if api_field == "region" else renamed.get(api_field, api_field)
                assert prop in CATALOG_FIELDS[kind], f"{cls}.{api_field}"
    variable = importlib.import_module(
        "huaweicloudsdkmsgsms.v2.model.sms_template_variable_attr_req"
    ).SmsTemplateVariableAttrReq
    assert set(variable.openapi_types) == {"variable_index", "variable_type", "variable_desc"}
    upload = importlib.import_module(
        "huaweicloudsdkmsgsms.v2.model.upload_signature_file_request"
    ).UploadSignatureFileRequest
    # file_desc is the file's description, the multipart body its path
    assert set(upload.openapi_types) == {"file_desc", "body"}
    assert set(CATALOG_FIELDS["file"]) == {
        "region",
        "path",
        "description",
        *("protect", "retain_on_delete", "aliases"),  # Pulumi's options, every kind has them
    }


def test_a_catalog_moved_with_its_files_still_loads(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    catalog = load_catalog(tmp_path / "stacks" / "dev.sms.yaml", root=tmp_path)
    assert catalog.get("file", "licence").inputs["path"] == "stacks/files/licence.png"
