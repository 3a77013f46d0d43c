"""Settings from stack config values and environment fallbacks."""

from __future__ import annotations

import pickle

import pytest

from providers.client import CONFIG_KEYS, NAMESPACE, ConfigurationError, Endpoints, Settings

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


def test_half_of_a_key_pair_names_the_missing_half() -> None:
    with pytest.raises(ConfigurationError, match=r"msgsms:secretKey .*HW_SECRET_KEY.* missing"):
        Settings.from_config({"accessKey": "AK"}, environ={})


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
