"""Settings from stack config values and environment fallbacks."""

from __future__ import annotations

import json
import pickle

import pytest

from providers.client import CONFIG_KEYS, NAMESPACE, ConfigurationError, Endpoints, Settings
from providers.client.settings import env_name, stack_setting

AKSK = {"msgsms:accessKey": "AK123", "msgsms:secretKey": "SK-very-secret"}


def test_stack_config_strings_with_json_values_become_settings() -> None:
    settings = Settings.from_config(
        {
            **AKSK,
            "msgsms:region": "cn-south-1",
            "msgsms:projectIds": '{"cn-south-1": "0123456789abcdef0123456789abcdef"}',
            "msgsms:endpoints": '{"iam": "http://127.0.0.1:8790", '
            '"msgsms": {"cn-south-1": "http://127.0.0.1:8792"}}',
            "msgsms:catalog": "stacks/dev.sms.yaml",
            "aws:region": "us-east-1",  # other namespaces are someone else's
        },
        environ={},
    )
    assert settings.region == "cn-south-1"
    assert settings.auth_mode == "aksk"
    assert settings.project_ids == {"cn-south-1": "0123456789abcdef0123456789abcdef"}
    assert settings.catalog == "stacks/dev.sms.yaml"
    endpoints = Endpoints(settings.endpoints.as_mapping())
    assert endpoints.url("msgsms", "cn-south-1") == "http://127.0.0.1:8792"
    assert endpoints.url("iam", "ap-southeast-1") == "http://127.0.0.1:8790"
    assert endpoints.url("msgsms", "cn-north-4") == "https://msgsms.cn-north-4.myhuaweicloud.com"


def test_keys_without_namespace_and_dict_values_are_accepted() -> None:
    settings = Settings.from_config(
        {
            "iamUser": "ops",
            "iamPassword": "pw",
            "iamDomain": "acme",
            "projectIds": {"cn-north-4": "abc"},
        },
        environ={},
    )
    assert settings.auth_mode == "password"
    assert settings.region == "cn-north-4"
    assert settings.project_ids == {"cn-north-4": "abc"}


def test_environment_fallbacks_fill_what_the_config_leaves_out() -> None:
    settings = Settings.from_config(
        {},
        environ={
            "HUAWEICLOUD_SDK_AK": "AK-env",
            "HW_SECRET_KEY": "SK-env",
            "HW_REGION_NAME": "ap-southeast-1",
            "HW_PROJECT_ID": "feed",
        },
    )
    assert settings.access_key is not None and settings.secret_key is not None
    assert settings.access_key.get_secret_value() == "AK-env"
    assert settings.secret_key.get_secret_value() == "SK-env"
    assert settings.region == "ap-southeast-1"
    assert settings.project_ids == {"ap-southeast-1": "feed"}


def test_huaweicloud_sdk_variables_win_over_hw_variables() -> None:
    settings = Settings.from_config(
        {},
        environ={
            "HUAWEICLOUD_SDK_AK": "a1",
            "HW_ACCESS_KEY": "a2",
            "HUAWEICLOUD_SDK_SK": "s1",
            "HW_SECRET_KEY": "s2",
            "HUAWEICLOUD_SDK_PROJECT_ID": "a1",
            "HW_PROJECT_ID": "a2",
        },
    )
    assert settings.access_key is not None and settings.access_key.get_secret_value() == "a1"
    assert settings.project_ids["cn-north-4"] == "a1"


def test_config_credentials_are_not_mixed_with_environment_keys() -> None:
    settings = Settings.from_config(
        {"iamUser": "ops", "iamPassword": "pw", "iamDomain": "acme"},
        environ={"HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s"},
    )
    assert settings.auth_mode == "password"
    assert settings.access_key is None


def test_no_credentials_names_every_way_to_give_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_config({"region": "cn-north-4"}, environ={})
    message = str(caught.value)
    for name in ("msgsms:accessKey", "HUAWEICLOUD_SDK_AK", "msgsms:iamUser", "msgsms:iamDomain"):
        assert name in message


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({"accessKey": "key-1"}, {}, r"^msgsms:secretKey is missing: msgsms:accessKey is set"),
        ({}, {"MSGSMS_SECRET_KEY": "key-1"}, r"^MSGSMS_ACCESS_KEY is missing: MSGSMS_SECRET_KEY"),
        (
            {},
            {"HW_ACCESS_KEY": "key-1"},
            r"^HUAWEICLOUD_SDK_SK / HW_SECRET_KEY is missing: HW_ACCESS_KEY is set",
        ),
    ],
)
def test_half_of_a_key_pair_names_the_missing_half_where_the_other_half_is(
    config: dict[str, str], environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected) as caught:
        Settings.from_config(config, environ=environ)
    assert "key-1" not in str(caught.value)


def test_incomplete_iam_credentials_name_what_is_missing() -> None:
    with pytest.raises(ConfigurationError, match="msgsms:iamDomain") as caught:
        Settings.from_config({"iamUser": "ops", "iamPassword": "pw"}, environ={})
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("projectIds", "{not json", r"msgsms:projectIds: not valid JSON"),
        ("projectIds", "[1, 2]", r"msgsms:projectIds: expected a JSON object"),
        ("projectIds", '{"cn-north-4": "not-hex!"}', r"projectIds\.cn-north-4: .*hex"),
        ("endpoints", '{"msgsms": {"cn-north-4": "ftp://x"}}', r"msgsms:endpoints: .*not an http"),
        ("endpoints", '{"sms": {}}', r"msgsms:endpoints\.sms: "),
        ("region", "mars-1", r"msgsms:region: no msgsms endpoint for region 'mars-1'"),
        ("regoin", "cn-north-4", r"msgsms:regoin: unknown setting"),
    ],
)
def test_bad_values_name_the_key_and_what_to_do(key: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        Settings.from_config({**AKSK, f"msgsms:{key}": value}, environ={})


def test_a_region_outside_the_table_works_with_an_endpoint_override() -> None:
    settings = Settings.from_config(
        {**AKSK, "region": "eu-west-101", "endpoints": {"msgsms": {"eu-west-101": "https://e"}}},
        environ={},
    )
    assert settings.region == "eu-west-101"


def test_repr_and_errors_never_show_secrets() -> None:
    settings = Settings.from_config(
        {**AKSK, "iamUser": "u", "iamPassword": "pw-secret", "iamDomain": "d"}, environ={}
    )
    text = repr(settings) + str(settings)
    assert "SK-very-secret" not in text
    assert "pw-secret" not in text
    assert "AK123" not in text


def test_settings_refuse_to_be_pickled() -> None:
    settings = Settings.from_config(AKSK, environ={})
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(settings)


def test_config_keys_are_every_key_settings_accept() -> None:
    config = {f"{NAMESPACE}:{key}": "" for key in CONFIG_KEYS}
    config.update({f"{NAMESPACE}:accessKey": "AK", f"{NAMESPACE}:secretKey": "SK"})
    assert Settings.from_config(config, environ={}).auth_mode == "aksk"
    with pytest.raises(ConfigurationError, match="unknown setting"):
        Settings.from_config({f"{NAMESPACE}:regoin": "cn-north-4"}, environ={})


# ------------------------------------------------------------------ MSGSMS_<KEY> variables

EMULATOR_ENDPOINTS = {
    "iam": "http://127.0.0.1:8790",
    "msgsms": {"cn-south-1": "http://127.0.0.1:8792"},
}


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        ("region", "MSGSMS_REGION"),
        ("accessKey", "MSGSMS_ACCESS_KEY"),
        ("securityToken", "MSGSMS_SECURITY_TOKEN"),
        ("iamPassword", "MSGSMS_IAM_PASSWORD"),
        ("projectIds", "MSGSMS_PROJECT_IDS"),
        ("endpoints", "MSGSMS_ENDPOINTS"),
        ("catalog", "MSGSMS_CATALOG"),
    ],
)
def test_every_config_key_has_an_upper_snake_case_variable(key: str, variable: str) -> None:
    assert env_name(key) == variable


def test_every_setting_can_come_from_msgsms_variables_structured_ones_as_json() -> None:
    settings = Settings.from_config(
        {},
        environ={
            "MSGSMS_REGION": "cn-south-1",
            "MSGSMS_ACCESS_KEY": "AK-env",
            "MSGSMS_SECRET_KEY": "SK-env",
            "MSGSMS_SECURITY_TOKEN": "token-env",
            "MSGSMS_PROJECT_IDS": '{"cn-south-1": "0123456789abcdef0123456789abcdef"}',
            "MSGSMS_ENDPOINTS": json.dumps(EMULATOR_ENDPOINTS),
            "MSGSMS_CATALOG": "stacks/prod.sms.yaml",
        },
    )
    assert settings.region == "cn-south-1"
    assert settings.access_key is not None and settings.access_key.get_secret_value() == "AK-env"
    assert settings.security_token is not None
    assert settings.security_token.get_secret_value() == "token-env"
    assert settings.project_ids == {"cn-south-1": "0123456789abcdef0123456789abcdef"}
    assert settings.endpoints.as_mapping() == EMULATOR_ENDPOINTS
    assert settings.catalog == "stacks/prod.sms.yaml"


def test_the_stack_config_wins_over_msgsms_variables_which_win_over_older_names() -> None:
    settings = Settings.from_config(
        {**AKSK, "msgsms:region": "ap-southeast-1"},
        environ={
            "MSGSMS_REGION": "cn-south-1",
            "HW_REGION_NAME": "cn-north-4",
            "MSGSMS_ACCESS_KEY": "AK-msgsms",
            "MSGSMS_SECRET_KEY": "SK-msgsms",
            "MSGSMS_ENDPOINTS": json.dumps(EMULATOR_ENDPOINTS),
        },
    )
    assert settings.region == "ap-southeast-1"
    assert settings.access_key is not None and settings.access_key.get_secret_value() == "AK123"
    assert settings.endpoints.as_mapping() == EMULATOR_ENDPOINTS  # the config has none

    from_env = Settings.from_config(
        {},
        environ={
            "MSGSMS_REGION": "cn-south-1",
            "HW_REGION_NAME": "cn-north-4",
            "MSGSMS_ACCESS_KEY": "AK-msgsms",
            "MSGSMS_SECRET_KEY": "SK-msgsms",
            "HUAWEICLOUD_SDK_AK": "AK-sdk",
            "HUAWEICLOUD_SDK_SK": "SK-sdk",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "token-sdk",
        },
    )
    assert from_env.region == "cn-south-1"
    assert from_env.access_key is not None
    assert from_env.access_key.get_secret_value() == "AK-msgsms"
    # the SDK variables' token belongs to the SDK variables' key, not to this one
    assert from_env.security_token is None


def test_older_names_give_temporary_credentials_with_their_security_token() -> None:
    for token_name in ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"):
        settings = Settings.from_config(
            {"region": "cn-north-4"},
            environ={"HUAWEICLOUD_SDK_AK": "AK", "HW_SECRET_KEY": "SK", token_name: "tok"},
        )
        assert settings.security_token is not None
        assert settings.security_token.get_secret_value() == "tok"


def test_config_credentials_ignore_every_credential_of_the_environment() -> None:
    settings = Settings.from_config(
        {"iamUser": "ops", "iamPassword": "pw", "iamDomain": "acme"},
        environ={
            "MSGSMS_ACCESS_KEY": "a",
            "MSGSMS_SECRET_KEY": "s",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "t",
        },
    )
    assert settings.auth_mode == "password"
    assert settings.access_key is None and settings.security_token is None


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        (
            {"securityToken": "token-value-1"},
            {},
            r"^msgsms:securityToken is set with no access key pair: .*"
            r"set msgsms:accessKey and msgsms:secretKey too",
        ),
        (
            {
                "securityToken": "token-value-1",
                "iamUser": "ops",
                "iamPassword": "pw",
                "iamDomain": "acme",
            },
            {},
            r"^msgsms:securityToken is set with an IAM password",
        ),
        (
            {},
            {"HUAWEICLOUD_SDK_SECURITY_TOKEN": "token-value-1"},
            r"^HUAWEICLOUD_SDK_SECURITY_TOKEN is set with no access key pair: .*"
            r"HUAWEICLOUD_SDK_AK / HW_ACCESS_KEY and HUAWEICLOUD_SDK_SK / HW_SECRET_KEY",
        ),
        (
            {},
            {"MSGSMS_SECURITY_TOKEN": "token-value-1", "HUAWEICLOUD_SDK_AK": "AK"},
            r"^MSGSMS_SECURITY_TOKEN is set with no access key pair: .*MSGSMS_ACCESS_KEY",
        ),
    ],
)
def test_a_security_token_without_a_key_pair_is_refused_without_showing_it(
    config: dict[str, str], environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected) as caught:
        Settings.from_config(config, environ=environ)
    assert "token-value-1" not in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"MSGSMS_ENDPOINTS": "{not json"}, r"^MSGSMS_ENDPOINTS: not valid JSON"),
        ({"MSGSMS_PROJECT_IDS": "[1]"}, r"^MSGSMS_PROJECT_IDS: expected a JSON object"),
        (
            {"MSGSMS_PROJECT_IDS": '{"cn-north-4": "zz"}'},
            r"^MSGSMS_PROJECT_IDS \(cn-north-4\): 'zz' is not a project id",
        ),
        ({"HW_PROJECT_ID": "zz"}, r"^HW_PROJECT_ID: 'zz' is not a project id"),
        ({"MSGSMS_REGION": "mars-1"}, r"^MSGSMS_REGION: no msgsms endpoint for region 'mars-1'"),
        ({"HW_REGION_NAME": "mars-1"}, r"^HW_REGION_NAME: no msgsms endpoint"),
        ({"MSGSMS_ENDPOINTS": '{"sms": {}}'}, r"^MSGSMS_ENDPOINTS \(sms\): "),
    ],
)
def test_bad_values_from_the_environment_name_their_variable(
    environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        Settings.from_config(AKSK, environ=environ)


def test_variables_outside_the_config_keys_are_not_settings() -> None:
    # MSGSMS_EMULATOR_PORT and friends belong to tools/stack.py
    settings = Settings.from_config(AKSK, environ={"MSGSMS_EMULATOR_PORT": "8790"})
    assert settings.region == "cn-north-4"


@pytest.mark.parametrize(
    ("configured", "environ", "expected"),
    [
        ("cn-south-1", {"MSGSMS_REGION": "ap-southeast-1"}, "cn-south-1"),
        (
            None,
            {"MSGSMS_REGION": "ap-southeast-1", "HW_REGION_NAME": "cn-south-1"},
            "ap-southeast-1",
        ),
        ("", {"HW_REGION_NAME": "cn-south-1"}, "cn-south-1"),
        (None, {}, None),
    ],
)
def test_stack_setting_takes_the_config_then_msgsms_then_older_names(
    configured: str | None, environ: dict[str, str], expected: str | None
) -> None:
    assert stack_setting("region", configured, environ) == expected


def test_stack_setting_reads_catalog_and_refuses_unknown_keys() -> None:
    assert stack_setting("catalog", None, {"MSGSMS_CATALOG": "c.sms.yaml"}) == "c.sms.yaml"
    with pytest.raises(ValueError, match="'regoin' is not a stack config key"):
        stack_setting("regoin", None, {})


def test_a_security_token_never_shows_in_repr() -> None:
    settings = Settings.from_config({**AKSK, "securityToken": "token-value-1"}, environ={})
    assert "token-value-1" not in repr(settings) + str(settings)
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(settings)
