"""IAM: tokens scoped to a region's project, and the project id of each region.

`IamOperations` holds `SmsClient`'s IAM operations (`create_token`, `list_projects`,
`project_id`). Tokens and project ids are cached per process (`RenewingCache`), keyed by the
IAM endpoint, the principal and the region; `RegionTokens` is the `TokenSource` that
`IamTokenAuth` takes its region's token from.
"""

from __future__ import annotations

import json
import math

import httpx
from pydantic import SecretStr

from .auth import IamTokenAuth
from .base import ClientBase
from .errors import ConfigurationError, InvalidResponseError
from .models import IamToken, ProjectList, TokenAnswer

__all__ = ["IamOperations", "RegionTokens"]


class IamOperations(ClientBase):
    """IAM's token and project operations, and the auth of a region's management API."""

    def create_token(self, region: str | None = None) -> IamToken:
        """KeystoneCreateUserTokenByPassword, scoped to the project named after `region`.

        The client manages tokens itself (cached per region, renewed before expiry); this is
        the raw operation.
        """
        region = region or self.settings.region
        settings = self.settings
        if settings.iam_user is None or settings.iam_password is None or not settings.iam_domain:
            raise ConfigurationError(
                "IAM tokens need msgsms:iamUser, msgsms:iamPassword and msgsms:iamDomain"
            )
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": settings.iam_user,
                            "password": settings.iam_password.get_secret_value(),
                            "domain": {"name": settings.iam_domain},
                        }
                    },
                },
                "scope": {"project": {"name": region}},
            }
        }
        response = self._send(
            "POST",
            f"{self._endpoints.url('iam', region)}/v3/auth/tokens",
            auth=None,
            query=[("nocatalog", "true")],
            headers={"Content-Type": "application/json;charset=utf8"},
            content=json.dumps(body, ensure_ascii=False).encode(),
            retry_safe=True,  # a second token does no harm
        )
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise InvalidResponseError(
                "no X-Subject-Token header",
                method="POST",
                path=response.request.url.path,
                status=response.status_code,
            )
        answer = self._parse(TokenAnswer, response).token
        return IamToken(
            value=SecretStr(token),
            expires_at=answer.expires_at,
            project_id=answer.project.id if answer.project else None,
        )

    def list_projects(self, name: str | None = None, *, region: str | None = None) -> ProjectList:
        """KeystoneListProjects (optionally filtered by project `name`, e.g. a region)."""
        region = region or self.settings.region
        auth = self._account_auth or IamTokenAuth(self._region_tokens(region))
        response = self._send(
            "GET",
            f"{self._endpoints.url('iam', region)}/v3/projects",
            auth=auth,
            query=[("name", name)] if name else (),
        )
        return self._parse(ProjectList, response)

    def project_id(self, region: str | None = None) -> str:
        """The project id of `region`: from settings, else resolved through IAM and cached."""
        region = region or self.settings.region
        configured = self.settings.project_ids.get(region)
        if configured:
            return configured
        key = ("project", self._endpoints.url("iam", region), *self._principal, region)
        return str(self._cache.get(key, lambda: (self._lookup_project_id(region), math.inf)))

    def _lookup_project_id(self, region: str) -> str:
        if self._account_auth is None:
            scoped = self._region_tokens(region).current().project_id
            if scoped:
                return scoped
        projects = [p for p in self.list_projects(region, region=region).projects if p.id]
        if len(projects) != 1:
            raise ConfigurationError(
                f"IAM lists {len(projects)} projects named {region!r} for these credentials; "
                f'set msgsms:projectIds, e.g. {{"{region}": "<project id>"}}'
            )
        return projects[0].id

    def _region_tokens(self, region: str) -> RegionTokens:
        tokens = self._tokens.get(region)
        return tokens or self._tokens.setdefault(region, RegionTokens(self, region))

    def _new_auth(self, region: str) -> httpx.Auth:
        """The auth of the management API in `region`: AK/SK with its project, else a token."""
        if self.settings.auth_mode == "aksk":
            return self._aksk(self.project_id(region))
        return IamTokenAuth(self._region_tokens(region))


class RegionTokens:
    """The `TokenSource` of one region, backed by the client's (process-wide) cache."""

    def __init__(self, client: IamOperations, region: str) -> None:
        self._client = client
        self._region = region
        self._key = ("token", client.endpoint("iam", region), *client._principal, region)

    def _fetch(self) -> tuple[IamToken, float]:
        token = self._client.create_token(self._region)
        return token, token.expires_at.timestamp()

    def current(self) -> IamToken:
        token: IamToken = self._client._cache.get(self._key, self._fetch)
        return token

    def token(self) -> str:
        return self.current().value.get_secret_value()

    def expire(self, token: str) -> None:
        self._client._cache.expire(self._key, lambda t: t.value.get_secret_value() == token)
