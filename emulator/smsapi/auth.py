"""Who is sending: the app whose key signs a send request (reference §3.3).

Two schemes, told apart by the ``Authorization`` header: ``SDK-HMAC-SHA256`` with AK = app_key
and SK = app_secret, as Huawei's ``huaweicloudsdksmsapi`` signs (checked by the same verifier as
the management API, including the 15-minute date skew; failures are ``E000045``), and classic
WSSE (:mod:`emulator.smsapi.wsse`). Either way the app must belong to the region whose port was
called (else ``E000102``), be launched (else ``E000112``) and, if it has an IP allow-list, be
called from an address on it (else ``E000620``, HTTP 403). The gateway calls
:func:`authenticate_smsapi` before the route, which finds the app key in ``request.state``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from starlette.types import Scope

from ..gateway.errors import AuthenticationFailed
from ..gateway.signing import ALGORITHM, AkskVerifier, SignedRequest
from ..msgsms.allowlist import allows
from .errors import SmsapiError
from .wsse import check_authorization, parse_username_token, verify_username_token

if TYPE_CHECKING:
    from ..state import EmulatorState

__all__ = ["APP_KEY", "authenticate_smsapi"]

#: Where the authenticated app key is left in the request's scope state.
APP_KEY = "app_key"
_ACCESS = re.compile(r"Access=([^,\s]+)")


def _signed_by_app(state: EmulatorState, verifier: AkskVerifier, request: SignedRequest) -> str:
    authorization = request.header("authorization") or ""
    access = _ACCESS.search(authorization)
    with state.store.transaction() as conn:
        known = access is not None and state.msgsms.app_by_key(conn, access[1]) is not None
    if access is None or not known:
        raise SmsapiError("E000102", "The Access of the signature is not a known app_key.")
    try:
        return verifier.verify(request)
    except AuthenticationFailed as failure:
        raise SmsapiError("E000045", f"{failure}.") from None


def _wsse(state: EmulatorState, request: SignedRequest) -> str:
    check_authorization(request.header("authorization"))
    token = parse_username_token(request.header("x-wsse"))
    with state.store.transaction() as conn:
        app = state.msgsms.app_by_key(conn, token.username)
    if app is None:
        raise SmsapiError("E000102", f"No app has the app_key {token.username!r}.")
    verify_username_token(token, app["app_secret"], state.clock.now())
    return token.username


def authenticate_smsapi(state: EmulatorState, request: SignedRequest, scope: Scope) -> None:
    authorization = (request.header("authorization") or "").lstrip()
    if authorization.startswith(ALGORITHM):
        app_key = _signed_by_app(state, state.smsapi.app_signatures, request)
    else:
        app_key = _wsse(state, request)
    region = scope["state"]["region"]
    with state.store.transaction() as conn:
        app = state.smsapi.sender.app(conn, region, app_key)
    client = scope.get("client")
    address = str(client[0]) if client else None
    if not allows(app["ip_white_list"], address):
        raise SmsapiError("E000620", f"The client address is {address}.", status_code=403)
    scope["state"][APP_KEY] = app_key
