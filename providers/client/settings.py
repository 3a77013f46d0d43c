"""Client settings from the stack config (namespace `msgsms`) and the environment.

Stack config keys: `region`, `accessKey`, `secretKey`, `iamUser`, `iamPassword`, `iamDomain`,
`projectIds` (region -> id), `endpoints` (`{"iam": url, "msgsms": {region: url},
"smsapi": {region: url}}`), `catalog`. Structured values may be JSON text, as the Pulumi
provider host hands them over.

Environment fallbacks, used only for what the config leaves out: `HUAWEICLOUD_SDK_AK` /
`HW_ACCESS_KEY`, `HUAWEICLOUD_SDK_SK` / `HW_SECRET_KEY` (only when the config names no
credentials at all), `HUAWEICLOUD_SDK_PROJECT_ID` / `HW_PROJECT_ID` (project of the default
region), `HW_REGION_NAME`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, model_validator

from .errors import ConfigurationError
from .regions import Endpoints

__all__ = ["CONFIG_KEYS", "NAMESPACE", "EndpointOverrides", "Settings"]

NAMESPACE = "msgsms"
DEFAULT_REGION = "cn-north-4"

# stack config key -> Settings field
_CONFIG_KEYS = {
    "region": "region",
    "accessKey": "access_key",
    "secretKey": "secret_key",
    "iamUser": "iam_user",
    "iamPassword": "iam_password",
    "iamDomain": "iam_domain",
    "projectIds": "project_ids",
    "endpoints": "endpoints",
    "catalog": "catalog",
}
_FIELD_TO_KEY = {field: key for key, field in _CONFIG_KEYS.items()}
CONFIG_KEYS = tuple(_CONFIG_KEYS)
"""The stack config keys of namespace `msgsms` that settings read."""
_CREDENTIAL_KEYS = ("accessKey", "secretKey", "iamUser", "iamPassword", "iamDomain")
_ENV = {
    "access_key": ("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"),
    "secret_key": ("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"),
    "project_id": ("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"),
    "region": ("HW_REGION_NAME",),
}


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
    forms are given) or `iam_user` + `iam_password` + `iam_domain` (project-scoped IAM tokens).
    Secrets are `SecretStr`: they never show in `repr`, and settings refuse to be pickled
    (they must never end up in Pulumi state).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = DEFAULT_REGION
    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    iam_user: str | None = None
    iam_password: SecretStr | None = None
    iam_domain: str | None = None
    project_ids: dict[str, str] = {}
    endpoints: EndpointOverrides = EndpointOverrides()
    catalog: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Settings:
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
        cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Build settings from stack config values plus the environment fallbacks.

        Keys may carry the `msgsms:` namespace or none; keys of other namespaces are ignored.
        Raises `ConfigurationError` naming the offending key and what to do.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
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
            if key in ("projectIds", "endpoints"):
                value = _json_object(key, value)
            values[_CONFIG_KEYS[key]] = value

        if not any(_CONFIG_KEYS[k] in values for k in _CREDENTIAL_KEYS):
            for field in ("access_key", "secret_key"):
                _set_from_env(values, field, env)
        _set_from_env(values, "region", env)
        region = values.get("region", DEFAULT_REGION)
        project_id = _first_env(_ENV["project_id"], env)
        if project_id and region not in values.get("project_ids", {}):
            values["project_ids"] = {**values.get("project_ids", {}), region: project_id}

        _require_credentials(values)
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc)) from None


def _first_env(names: tuple[str, ...], env: Mapping[str, str]) -> str | None:
    return next((env[name] for name in names if env.get(name)), None)


def _set_from_env(values: dict[str, Any], field: str, env: Mapping[str, str]) -> None:
    if field not in values:
        value = _first_env(_ENV[field], env)
        if value:
            values[field] = value


def _json_object(key: str, value: Any) -> Any:
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
            f"{NAMESPACE}:{key}: not valid JSON ({exc}); give an object such as {example}"
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigurationError(
            f"{NAMESPACE}:{key}: expected a JSON object such as {example}, "
            f"got {type(parsed).__name__}"
        )
    return parsed


def _require_credentials(values: Mapping[str, Any]) -> None:
    def key(field: str) -> str:
        env = _ENV.get(field)
        also = f" (or {' / '.join(env)} in the environment)" if env else ""
        return f"{NAMESPACE}:{_FIELD_TO_KEY[field]}{also}"

    aksk = [f for f in ("access_key", "secret_key") if f in values]
    password = [f for f in ("iam_user", "iam_password", "iam_domain") if f in values]
    if len(aksk) == 2:
        return
    if aksk:
        missing = "secret_key" if "access_key" in values else "access_key"
        raise ConfigurationError(f"{key(missing)} is missing: AK/SK signing needs both keys")
    if len(password) == 3:
        return
    if password:
        missing_fields = [f for f in ("iam_user", "iam_password", "iam_domain") if f not in values]
        raise ConfigurationError(
            ", ".join(key(f) for f in missing_fields)
            + " missing: IAM password authentication needs iamUser, iamPassword and iamDomain"
        )
    raise ConfigurationError(
        f"no credentials: set {key('access_key')} and {key('secret_key')}, or "
        f"{NAMESPACE}:iamUser, {NAMESPACE}:iamPassword (secret) and {NAMESPACE}:iamDomain"
    )


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if loc:
            loc[0] = _FIELD_TO_KEY.get(loc[0], loc[0])
        message = error["msg"].removeprefix("Value error, ")
        # model-level checks name their key at the start of the message
        where = f"{NAMESPACE}:{'.'.join(loc)}: " if loc else f"{NAMESPACE}:"
        problems.append(where + message)
    return "; ".join(problems)
