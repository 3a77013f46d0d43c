"""Who is calling: the gateway's authentication of IAM and MSGSMS requests (reference §1.1,
§3.1, §3.2). Other APIs bring their own :data:`Authenticator` (the send API's is in
:mod:`emulator.smsapi.auth`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.types import Scope

from .errors import AuthenticationFailed
from .signing import SignedRequest

if TYPE_CHECKING:
    from ..state import EmulatorState

__all__ = ["Authenticator", "authenticate_iam", "authenticate_msgsms", "signed_request"]

_MSGSMS_PATH = re.compile(r"^/v2/(?P<project>[^/]*)/")

Authenticator = Callable[["EmulatorState", SignedRequest, Scope], None]


def signed_request(scope: Scope, body: bytes) -> SignedRequest:
    """The request as the signature verifier sees it."""
    headers = []
    for raw_name, raw_value in scope["headers"]:
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = raw_value.decode("latin-1")
        headers.append((raw_name.decode("latin-1").lower(), value))
    return SignedRequest(
        method=scope["method"],
        path=scope["path"],
        query=scope["query_string"].decode("latin-1"),
        headers=headers,
        body=body,
    )


def authenticate_msgsms(state: EmulatorState, request: SignedRequest, scope: Scope) -> None:
    """A project-scoped token for the path's project, or an AK/SK signature (reference §1.1)."""
    region = scope["state"]["region"]
    project = state.account.projects[region]
    match = _MSGSMS_PATH.match(request.path)
    path_project = match["project"] if match else ""
    token = request.header("x-auth-token")
    if token:
        granted = state.tokens.verify(token)
        if granted.project_id is None:
            raise AuthenticationFailed(
                "The token type is incorrect. The token of the project type must be used."
            )
        if granted.project_id != path_project:
            raise AuthenticationFailed(
                f"the token is scoped to project {granted.project_id}, not {path_project}"
            )
    elif request.header("authorization"):
        state.aksk.verify(request)
        header_project = request.header("x-project-id")
        if header_project and header_project != path_project:
            raise AuthenticationFailed(
                f"X-Project-Id {header_project} differs from the project in the path"
            )
    else:
        raise AuthenticationFailed("x-auth-token not found")
    if path_project != project.id:
        raise AuthenticationFailed(f"project {path_project} is not a project of {region}")


def authenticate_iam(state: EmulatorState, request: SignedRequest, scope: Scope) -> None:
    """Token creation takes a password in the body; every other IAM call needs credentials."""
    if request.path.rstrip("/") == "/v3/auth/tokens":
        return
    token = request.header("x-auth-token")
    if token:
        state.tokens.verify(token)
    elif request.header("authorization"):
        state.aksk.verify(request)
    else:
        raise AuthenticationFailed("x-auth-token not found")
