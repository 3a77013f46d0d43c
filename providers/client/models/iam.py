"""IAM: project-scoped password tokens and project lookup."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, SecretStr

from .base import Response

__all__ = ["IamToken", "Project", "ProjectList", "TokenAnswer", "TokenBody"]


class _Named(Response):
    id: str | None = None
    name: str | None = None


class TokenBody(Response):
    """The `token` object of a KeystoneCreateUserTokenByPassword answer."""

    expires_at: datetime
    issued_at: datetime | None = None
    methods: list[str] = Field(default_factory=list)
    project: _Named | None = None
    domain: _Named | None = None
    user: _Named | None = None


class TokenAnswer(Response):
    """KeystoneCreateUserTokenByPassword answer body (the token itself is a header)."""

    token: TokenBody


class IamToken(Response):
    """A token (from the `X-Subject-Token` header) with its expiry and scoped project."""

    value: SecretStr
    expires_at: datetime
    project_id: str | None = None


class Project(Response):
    id: str
    name: str | None = None
    domain_id: str | None = None
    enabled: bool | None = None
    is_domain: bool | None = None
    parent_id: str | None = None
    description: str | None = None


class ProjectList(Response):
    """KeystoneListProjects answer."""

    projects: list[Project] = Field(default_factory=list)
