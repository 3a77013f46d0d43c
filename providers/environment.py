"""Where a stack setting comes from when the stack config does not hold it: `MSGSMS_<KEY>`,
then the names Huawei's SDKs and tools read.

Standard library only: the offline commands (`msgsms validate`) use it without loading the
HTTP client. `providers.client.settings` builds the client's settings on the same tables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CONFIG_KEYS",
    "CREDENTIAL_KEYS",
    "DEFAULT_HOST_THREADS",
    "ENV_PREFIX",
    "LEGACY_ENV",
    "LEGACY_PROJECT_ID",
    "NAMESPACE",
    "env_name",
    "first_env",
    "snake_case",
    "stack_setting",
]

NAMESPACE = "msgsms"
ENV_PREFIX = "MSGSMS_"

CREDENTIAL_KEYS = (
    "accessKey",
    "secretKey",
    "securityToken",
    "iamUser",
    "iamPassword",
    "iamDomain",
)
"""The config keys that are credentials: taken together from one place."""

CONFIG_KEYS = ("region", *CREDENTIAL_KEYS, "projectIds", "endpoints", "hostThreads", "catalog")
"""The stack config keys of namespace `msgsms`."""

DEFAULT_HOST_THREADS = 16
"""Calls a provider process serves at once unless `msgsms:hostThreads` says otherwise."""

LEGACY_ENV: Mapping[str, tuple[str, ...]] = {
    "accessKey": ("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"),
    "secretKey": ("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"),
    "securityToken": ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"),
    "region": ("HW_REGION_NAME",),
}
"""The names Huawei's SDKs and tools read, per config key, after `MSGSMS_<KEY>`; the first
one set counts."""

LEGACY_PROJECT_ID = ("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID")
"""The project id of the default region (there is no `MSGSMS_` name: `MSGSMS_PROJECT_IDS`
maps every region)."""


def snake_case(key: str) -> str:
    """A config key in snake case: `projectIds` -> `project_ids`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def env_name(key: str) -> str:
    """The environment variable of stack config key `key`: `projectIds` -> `MSGSMS_PROJECT_IDS`."""
    return ENV_PREFIX + snake_case(key).upper()


def first_env(names: tuple[str, ...], env: Mapping[str, str]) -> str | None:
    """The value of the first of `names` that is set and not empty."""
    return next((env[name] for name in names if env.get(name)), None)


def stack_setting(
    key: str, configured: Any = None, environ: Mapping[str, str] | None = None
) -> Any:
    """The value of the stack setting `key` (e.g. `region`, `catalog`): `configured` (what the
    stack config holds; None or "" when it holds nothing), else `MSGSMS_<KEY>`, else the older
    environment names of that key (`HW_REGION_NAME` for `region`). None when none is set.

    Structured values from the environment stay JSON text, as the config hands them over.
    Credentials belong together: `providers.client.Settings.from_config` resolves them as a
    whole.
    """
    if key not in CONFIG_KEYS:
        raise ValueError(f"{key!r} is not a stack config key of namespace {NAMESPACE}")
    if configured is not None and configured != "":
        return configured
    env = os.environ if environ is None else environ
    return first_env((env_name(key), *LEGACY_ENV.get(key, ())), env)
