"""The ASGI application: routers, error shapes, the review ticker and the callback worker,
behind the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from .admin import routes as admin_routes
from .admin import sending as admin_sending
from .admin.errors import AdminError
from .core.errors import EmulatorError
from .gateway.errors import GatewayError
from .gateway.middleware import Gateway
from .iam import routes as iam_routes
from .iam.errors import IamError
from .msgsms import routes as msgsms_routes
from .msgsms.errors import MsgsmsError
from .openapi import docs_page, openapi_document
from .smsapi import routes as smsapi_routes
from .smsapi.auth import authenticate_smsapi
from .smsapi.errors import SmsapiError
from .state import EmulatorState

__all__ = ["REVIEW_TICK_SECONDS", "create_app"]

logger = logging.getLogger("emulator")

#: How often the review engine looks for due decisions (reads also apply them at once).
REVIEW_TICK_SECONDS = 0.2
_MAX_DETAIL = 512
_VERSION = "1.0"


def _error_response(request: Request, error: EmulatorError) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "")
    return JSONResponse(
        error.payload(request_id),
        status_code=error.status_code,
        headers=error.headers or None,
        media_type="application/json;charset=UTF-8",
    )


def _invalid(request: Request, detail: str) -> EmulatorError:
    """A 400 in the shape of the API the path belongs to."""
    detail = detail[:_MAX_DETAIL]
    path = request.url.path
    if path.startswith("/v3/"):
        return IamError(detail)
    if path.startswith("/_emulator/"):
        return AdminError(detail)
    if path.startswith("/sms/"):
        return SmsapiError("E000503", detail)
    return MsgsmsError.invalid(detail)


def _describe(errors: Any) -> str:
    parts = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        message = error.get("msg", "invalid")
        if error.get("type") == "json_invalid":
            location = "body"
            reason = (error.get("ctx") or {}).get("error")
            message = f"malformed JSON ({reason})" if reason else "malformed JSON"
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts) or "invalid request"


def create_app(state: EmulatorState) -> ASGIApp:
    """The emulator as one ASGI app, wrapped in its gateway (:mod:`emulator.gateway.middleware`)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(_review_ticker(state)),
            asyncio.create_task(state.smsapi.callbacks.run()),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # Each port publishes its own document (emulator.openapi), so FastAPI's one is off.
    app = FastAPI(
        title="Huawei Cloud IAM, MSGSMS and SMSApi emulator",
        version=_VERSION,
        lifespan=lifespan,
        openapi_url=None,
    )
    app.state.emulator = state
    documents: dict[str | None, dict[str, Any]] = {}

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    def document(request: Request) -> dict[str, Any]:
        """The document of the port that was called."""
        region: str | None = request.state.region
        if region not in documents:
            url = state.listeners.region_url(region) if region else state.listeners.url
            documents[region] = openapi_document(
                app.routes, region=region, server_url=url, version=_VERSION
            )
        return documents[region]

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document(request))

    # FastAPI's Swagger UI and ReDoc load scripts from a CDN: blank offline.
    @app.get("/docs", include_in_schema=False)
    @app.get("/redoc", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(docs_page(document(request)))

    app.include_router(iam_routes.router)
    app.include_router(msgsms_routes.router)
    app.include_router(smsapi_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(admin_sending.router)

    @app.exception_handler(EmulatorError)
    async def emulator_error(request: Request, error: EmulatorError) -> JSONResponse:
        return _error_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return _error_response(request, _invalid(request, _describe(error.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code in (404, 405):
            return _error_response(request, GatewayError.not_found())
        if error.status_code == 400:
            return _error_response(request, _invalid(request, f"body: {error.detail}"))
        generic = AdminError(str(error.detail), status_code=error.status_code)
        return _error_response(request, generic)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        internal: EmulatorError = MsgsmsError.internal(
            "unexpected error; see the emulator's stderr"
        )
        if request.url.path.startswith("/v3/"):
            internal = IamError("Internal Server Error", status_code=500)
        if request.url.path.startswith("/sms/"):
            internal = SmsapiError("E000000", "see the emulator's stderr", status_code=500)
        return _error_response(request, internal)

    gateway = Gateway(app, state)
    gateway.authenticators["smsapi"] = authenticate_smsapi
    return gateway


async def _review_ticker(state: EmulatorState) -> None:
    while True:
        await asyncio.sleep(REVIEW_TICK_SECONDS)
        try:
            await anyio.to_thread.run_sync(state.apply_due_reviews)
        except Exception:
            logger.exception("review ticker failed")
