"""Client settings from the stack config (namespace `msgsms`) and the environment.

Stack config keys: `region`, `accessKey`, `secretKey`, `securityToken`, `iamUser`,
`iamPassword`, `iamDomain`, `projectIds` (region -> id), `endpoints` (`{"iam": url,
"msgsms": {region: url}, "smsapi": {region: url}}`), `catalog`. Structured values may be JSON
text, as the Pulumi provider host hands them over.

Each key can also come from the environment, in three layers, the first that has it winning:
the stack config, then `MSGSMS_<KEY>` (`MSGSMS_REGION`, `MSGSMS_ACCESS_KEY`,
`MSGSMS_PROJECT_IDS`, `MSGSMS_ENDPOINTS`, ...; structured values as JSON text), then the
names Huawei's SDKs and tools read: `HUAWEICLOUD_SDK_AK` / `HW_ACCESS_KEY`,
`HUAWEICLOUD_SDK_SK` / `HW_SECRET_KEY`, `HUAWEICLOUD_SDK_SECURITY_TOKEN` / `HW_SECURITY_TOKEN`,
`HUAWEICLOUD_SDK_PROJECT_ID` / `HW_PROJECT_ID` (project of the default region),
`HW_REGION_NAME`. Credentials are taken as a whole from the first layer that names any of
them, so a key pair is never paired with another layer's secret or security token.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from providers.environment import (
    CONFIG_KEYS,
    CREDENTIAL_KEYS,
    DEFAULT_HOST_THREADS,
    ENV_PREFIX,
    LEGACY_ENV,
    LEGACY_PROJECT_ID,
    NAMESPACE,
    env_name,
    snake_case,
    stack_setting,
)

from .errors import ConfigurationError
from .regions import Endpoints

__all__ = [
    "CONFIG_KEYS",
    "ENV_PREFIX",
    "NAMESPACE",
    "EndpointOverrides",
    "Settings",
    "env_name",
    "stack_setting",
]

DEFAULT_REGION = "cn-north-4"
#: How many provider calls the provider host serves at once by default (Pulumi's serves 4).
# stack config key -> Settings field
_CONFIG_KEYS = {key: snake_case(key) for key in CONFIG_KEYS}
_FIELD_TO_KEY = {field: key for key, field in _CONFIG_KEYS.items()}
_STRUCTURED_KEYS = ("projectIds", "endpoints")


class EndpointOverrides(BaseModel):
    """Base URLs replacing the built-in ones: IAM as one URL (or per region), MSGSMS and
    SMSApi per region."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    iam: str | dict[str, str] | None = None
    msgsms: dict[str, str] = {}
    smsapi: dict[str, str] = {}

    @model_validator(mode="after")
    def _urls_are_urls(self) -> EndpointOverrides:
        for service, value in self.as_mapping().items():
            urls = {"*": value} if isinstance(value, str) else value
            for region, url in urls.items():
                if not url.startswith(("http://", "https://")) or " " in url:
                    where = service if region == "*" else f"{service}.{region}"
                    raise ValueError(f"{where}: {url!r} is not an http(s) URL")
        return self

    def as_mapping(self) -> dict[str, str | dict[str, str]]:
        return {k: v for k, v in self.model_dump().items() if v}


class Settings(BaseModel):
    """Everything the client needs to reach and authenticate to Huawei Cloud.

    Credentials are either `access_key` + `secret_key` (AK/SK signing; preferred when both
    forms are given), with `security_token` when the keys are temporary ones, or `iam_user` +
    `iam_password` + `iam_domain` (project-scoped IAM tokens). Secrets are `SecretStr`: they
    never show in `repr`, and settings refuse to be pickled (they must never end up in Pulumi
    state).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = DEFAULT_REGION
    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    security_token: SecretStr | None = None
    iam_user: str | None = None
    iam_password: SecretStr | None = None
    iam_domain: str | None = None
    project_ids: dict[str, str] = {}
    endpoints: EndpointOverrides = EndpointOverrides()
    host_threads: int = Field(DEFAULT_HOST_THREADS, ge=4, le=64)
    catalog: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.security_token is not None and (self.access_key is None or not self.secret_key):
            raise ValueError(
                "securityToken: a security token signs together with the temporary access key "
                "and secret key it was issued with; give accessKey and secretKey too"
            )
        for region, project_id in self.project_ids.items():
            if (
                not project_id
                or len(project_id) > 32
                or not all(c in "0123456789abcdefABCDEF" for c in project_id)
            ):
                raise ValueError(
                    f"projectIds.{region}: {project_id!r} is not a project id (1-32 hex digits)"
                )
        try:
            Endpoints(self.endpoints.as_mapping()).url("msgsms", self.region)
        except ConfigurationError as exc:
            raise ValueError(f"region: {exc}") from None
        return self

    @classmethod
    def host_threads_of(
        cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> int:
        """``msgsms:hostThreads`` (else ``MSGSMS_HOST_THREADS``) alone, checked as the settings
        check it: it applies from the provider's first call, before any credentials are
        needed."""
        configured = config.get(f"{NAMESPACE}:hostThreads")
        value = stack_setting("hostThreads", configured, environ)
        if value is None:
            return DEFAULT_HOST_THREADS
        origin = f"{NAMESPACE}:hostThreads" if configured else env_name("hostThreads")
        try:
            return cls(host_threads=value).host_threads
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc, {"hostThreads": origin})) from None

    @property
    def auth_mode(self) -> Literal["aksk", "password"]:
        return "aksk" if self.access_key is not None else "password"

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "Settings hold credentials and must not be pickled (e.g. into Pulumi state): "
            "build them in configure() or from the environment instead"
        )

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        environ: Mapping[str, str] | None = None,
        *,
        sources: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build settings from stack config values, then `MSGSMS_<KEY>`, then the older
        environment names (see the module's documentation).

        Keys may carry the `msgsms:` namespace or none; keys of other namespaces are ignored.
        `sources` names where the caller took config keys from, for messages (e.g. a
        command's `{"endpoints": "--endpoints"}`); by default `msgsms:<key>`.
        Raises `ConfigurationError` naming the offending key or variable and what to do.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        # where each value came from, for messages: `msgsms:<key>` or an environment variable
        origins: dict[str, str] = {}
        for raw_key, value in config.items():
            namespace, _, key = raw_key.rpartition(":")
            if namespace not in ("", NAMESPACE):
                continue
            if key not in _CONFIG_KEYS:
                raise ConfigurationError(
                    f"{NAMESPACE}:{key}: unknown setting; known settings are "
                    + ", ".join(f"{NAMESPACE}:{k}" for k in _CONFIG_KEYS)
                )
            if value is None or value == "":
                continue
            values[key] = value
            origins[key] = (sources or {}).get(key, f"{NAMESPACE}:{key}")

        layers = (
            {key: (env_name(key),) for key in _CONFIG_KEYS},
            LEGACY_ENV,
        )
        for layer in layers:
            credentials_given = any(key in values for key in CREDENTIAL_KEYS)
            for key, names in layer.items():
                if key in values or (credentials_given and key in CREDENTIAL_KEYS):
                    continue
                name = next((n for n in names if env.get(n)), None)
                if name is not None:
                    values[key] = env[name]
                    origins[key] = name

        for key in _STRUCTURED_KEYS:
            if key in values:
                values[key] = _json_object(origins[key], key, values[key])
        region = values.get("region", DEFAULT_REGION)
        project_name = next((n for n in LEGACY_PROJECT_ID if env.get(n)), None)
        if project_name and region not in values.get("projectIds", {}):
            values["projectIds"] = {**values.get("projectIds", {}), region: env[project_name]}
            origins[f"projectIds.{region}"] = project_name

        _require_credentials(values, origins)
        try:
            return cls(**{_CONFIG_KEYS[key]: value for key, value in values.items()})
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc, origins)) from None


def _label(key: str, origins: Mapping[str, str], part: str = "") -> str:
    """Where a setting (or a `part` of a structured one) was given, as the user wrote it."""
    if part and f"{key}.{part}" in origins:
        return origins[f"{key}.{part}"]
    origin = origins.get(key, f"{NAMESPACE}:{key}")
    if not part:
        return origin
    return f"{origin}.{part}" if origin.startswith(f"{NAMESPACE}:") else f"{origin} ({part})"


def _json_object(origin: str, key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    example = (
        '{"cn-north-4": "<project id>"}'
        if key == "projectIds"
        else '{"iam": "https://...", "msgsms": {"cn-north-4": "https://..."}}'
    )
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"{origin}: not valid JSON ({exc}); give an object such as {example}"
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigurationError(
            f"{origin}: expected a JSON object such as {example}, got {type(parsed).__name__}"
        )
    return parsed


def _names(key: str, layer: str) -> str:
    """How `key` is spelt in one layer: the config, `MSGSMS_*` or the older variables."""
    if layer == "config":
        return f"{NAMESPACE}:{key}"
    if layer == "env":
        return env_name(key)
    return " / ".join(LEGACY_ENV[key])


def _require_credentials(values: Mapping[str, Any], origins: Mapping[str, str]) -> None:
    given = [key for key in CREDENTIAL_KEYS if key in values]
    if not given:
        raise ConfigurationError(
            f"no credentials: set {NAMESPACE}:accessKey and {NAMESPACE}:secretKey (secret), or "
            f"{NAMESPACE}:iamUser, {NAMESPACE}:iamPassword (secret) and {NAMESPACE}:iamDomain; "
            "or in the environment MSGSMS_ACCESS_KEY and MSGSMS_SECRET_KEY (or "
            "HUAWEICLOUD_SDK_AK / HW_ACCESS_KEY and HUAWEICLOUD_SDK_SK / HW_SECRET_KEY), with "
            "MSGSMS_SECURITY_TOKEN (or HUAWEICLOUD_SDK_SECURITY_TOKEN / HW_SECURITY_TOKEN) for "
            "temporary keys"
        )
    origin = origins[given[0]]
    if origin.startswith(ENV_PREFIX):
        layer, place = "env", "MSGSMS_* variables"
    elif any(origin in names for names in LEGACY_ENV.values()):
        layer, place = "legacy", "HUAWEICLOUD_SDK_* / HW_* variables"
    else:
        layer, place = "config", "the stack config"
    # credentials come from one place as a whole: say so, or the other places look ignored
    whole = f"(credentials are taken together from {place}, the first place that has any)"

    aksk = [k for k in ("accessKey", "secretKey") if k in values]
    password = [k for k in ("iamUser", "iamPassword", "iamDomain") if k in values]
    if len(aksk) == 1:
        missing = "secretKey" if "accessKey" in values else "accessKey"
        raise ConfigurationError(
            f"{_names(missing, layer)} is missing: {origins[aksk[0]]} is set and AK/SK signing "
            f"needs both keys {whole}"
        )
    if "securityToken" in values and not aksk:
        what = "an IAM password" if password else "no access key pair"
        raise ConfigurationError(
            f"{origins['securityToken']} is set with {what}: a security token signs together "
            "with the temporary access key and secret key it was issued with; set "
            f"{_names('accessKey', layer)} and {_names('secretKey', layer)} too {whole}"
        )
    if aksk or len(password) == 3:
        return
    if layer == "legacy":  # only the config and MSGSMS_* spell IAM passwords
        layer = "env"
    missing_keys = [k for k in ("iamUser", "iamPassword", "iamDomain") if k not in values]
    raise ConfigurationError(
        ", ".join(_names(k, layer) for k in missing_keys)
        + " missing: IAM password authentication needs iamUser, iamPassword and iamDomain "
        + whole
    )


def _describe(exc: ValidationError, origins: Mapping[str, str]) -> str:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = error["msg"].removeprefix("Value error, ")
        if loc:
            key, part = _FIELD_TO_KEY.get(loc[0], loc[0]), ".".join(loc[1:])
        else:
            # model-level checks name their key (and part) at the start of the message
            head, sep, rest = message.partition(": ")
            if not sep:
                problems.append(f"{NAMESPACE}: {message}")
                continue
            key, _, part = head.partition(".")
            message = rest
        problems.append(f"{_label(key, origins, part)}: {message}")
    return "; ".join(problems)
