"""IAM: password tokens (``POST /v3/auth/tokens``) and project lookup (``GET /v3/projects``).

Enough of Keystone for Huawei's SDKs and clients: a project-scoped or domain-scoped token for
the account's one user, valid 24 hours, returned in ``X-Subject-Token``; and the project list
the SDK reads to turn a region name into a project id (reference §3.1, §3.1b).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..core.clock import iso_time
from ..core.regions import REGIONS
from ..state import EmulatorState, StateDep
from .errors import IamError
from .identity import Project

__all__ = ["TokenRequest", "router"]

router = APIRouter(prefix="/v3", tags=["iam"])


class _Model(BaseModel):
    # Keystone ignores fields it does not know.
    model_config = ConfigDict(extra="ignore")


class _UserDomain(_Model):
    name: str


class _User(_Model):
    name: str
    password: str
    domain: _UserDomain


class _Password(_Model):
    user: _User


class _Identity(_Model):
    methods: Annotated[list[Literal["password"]], Field(min_length=1, max_length=1)]
    password: _Password


class _NameOrId(_Model):
    name: str | None = None
    id: str | None = None


class _Scope(_Model):
    project: _NameOrId | None = None
    domain: _NameOrId | None = None


class _Auth(_Model):
    identity: _Identity
    scope: _Scope


class TokenRequest(_Model):
    """``{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name",
    "password", "domain": {"name"}}}}, "scope": {"project"|"domain": {"name"|"id"}}}}``, as
    the definition KeystoneCreateUserTokenByPassword requires it."""

    auth: _Auth


def _check_user(state: EmulatorState, identity: _Identity) -> None:
    user = identity.password.user
    account = state.account
    if not (
        user.name == account.user_name
        and user.domain.name == account.domain_name
        and user.password == account.password
    ):
        raise IamError("The username or password is wrong.", status_code=401)


def _scoped_project(state: EmulatorState, scope: _Scope) -> Project | None:
    if scope.project is None:
        if scope.domain is None or (scope.domain.name is None and scope.domain.id is None):
            raise IamError("auth.scope needs a project (name or id) or a domain (name or id)")
        if scope.domain.name not in (None, state.account.domain_name) or scope.domain.id not in (
            None,
            state.account.domain_id,
        ):
            raise IamError(
                "Authentication failed: the domain is not this account's", status_code=401
            )
        return None
    wanted = scope.project
    if wanted.id is None and wanted.name is None:
        raise IamError("auth.scope.project needs a name or an id")
    for project in state.account.projects.values():
        if wanted.id in (None, project.id) and wanted.name in (None, project.name):
            return project
    raise IamError(f"Authentication failed: no project {wanted.id or wanted.name}", status_code=401)


def _catalog(state: EmulatorState, region: str) -> list[dict[str, Any]]:
    listeners = state.listeners
    services = (
        ("iam", "iam", listeners.url),
        ("msgsms", "msgsms", listeners.region_url(region)),
        ("smsapi", "smsapi", listeners.region_url(region)),
    )
    return [
        {
            "id": f"{name}-{region}",
            "name": name,
            "type": kind,
            "endpoints": [
                {
                    "id": f"{name}-{region}-public",
                    "interface": "public",
                    "region": region,
                    "region_id": region,
                    "url": url,
                }
            ],
        }
        for name, kind, url in services
    ]


_ISSUED: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "The token is in the X-Subject-Token header; the body describes it",
        "headers": {"X-Subject-Token": {"schema": {"type": "string"}, "required": True}},
    }
}


@router.post("/auth/tokens", status_code=201, responses=_ISSUED)
def create_token(
    body: TokenRequest,
    state: StateDep,
    response: Response,
    nocatalog: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """Issue a token for the account's user (password method), scoped to a project or domain."""
    _check_user(state, body.auth.identity)
    project = _scoped_project(state, body.auth.scope)
    account = state.account
    issued = state.tokens.issue(account.domain_id, project.id if project else None)
    response.headers["X-Subject-Token"] = issued.token
    domain = {"id": account.domain_id, "name": account.domain_name}
    token: dict[str, Any] = {
        "methods": ["password"],
        "issued_at": iso_time(issued.issued_at),
        "expires_at": iso_time(issued.expires_at),
        "roles": [{"id": "0", "name": "te_admin"}],
        "user": {
            "id": account.user_id,
            "name": account.user_name,
            "domain": domain,
            "password_expires_at": "",
        },
    }
    if project is None:
        token["domain"] = domain
    else:
        token["project"] = {"id": project.id, "name": project.name, "domain": domain}
        if not nocatalog:
            token["catalog"] = _catalog(state, project.region)
    return {"token": token}


@router.get("/projects")
def list_projects(
    state: StateDep,
    request: Request,
    name: Annotated[str | None, Query()] = None,
    domain_id: Annotated[str | None, Query()] = None,
    parent_id: Annotated[str | None, Query()] = None,
    enabled: Annotated[bool | None, Query()] = None,
    is_domain: Annotated[bool | None, Query()] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=5000)] = 5000,
) -> dict[str, Any]:
    """The account's region projects, filtered as Keystone filters them."""
    account = state.account
    projects = [
        {
            "id": p.id,
            "name": p.name,
            "domain_id": account.domain_id,
            "enabled": True,
            "is_domain": False,
            "parent_id": account.domain_id,
            "description": "",
            "links": {"self": f"{state.listeners.url}/v3/projects/{p.id}"},
        }
        for p in (account.projects[r] for r in REGIONS)
        if name in (None, p.name)
        and domain_id in (None, account.domain_id)
        and parent_id in (None, account.domain_id)
        and enabled in (None, True)
        and is_domain in (None, False)
    ]
    chunk = projects[(page - 1) * per_page : page * per_page]
    return {
        "links": {"self": str(request.url), "next": None, "previous": None},
        "projects": chunk,
    }
