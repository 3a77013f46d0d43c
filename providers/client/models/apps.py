"""Applications (MSGSMS `SmsAppAddReq`, `SmsAppUpdateReq`, `SmsAppQueryResp`, ...)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr

from .base import Id64, PageQuery, Request, Response, Scope, Tenant

__all__ = [
    "App",
    "AppAddRequest",
    "AppCount",
    "AppCreated",
    "AppQuery",
    "AppUpdateRequest",
    "AppUpdated",
]


class _AppFields(Request):
    app_name: Id64
    region: Scope
    create_sign_and_template: bool | None = None
    enterprise_project_id: Id64 | None = None
    enterprise_project_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None


class AppAddRequest(_AppFields):
    """CreateApp body."""

    up_link_addr: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    show_secret: bool | None = None


class AppUpdateRequest(_AppFields):
    """UpdateApp body; an empty `up_link_addr` clears the uplink URL."""

    up_link_addr: Annotated[str, Field(max_length=128)] | None = None


class AppCreated(Response):
    """CreateApp answer; `app_secret` only with `show_secret`."""

    id: str
    app_key: str | None = None
    app_name: str | None = None
    app_secret: SecretStr | None = None


class AppUpdated(Response):
    id: str
    app_key: str | None = None
    app_name: str | None = None


class App(Response):
    """An application as ShowApp and ListAppDetails return it."""

    id: str
    create_time: str | None = None
    update_time: str | None = None
    customer_id: str | None = None
    resource_id: str | None = None
    developer_account: str | None = None
    app_name: str | None = None
    omp_app_name: str | None = None
    app_key: str | None = None
    up_link_addr: str | None = None
    status: str | None = None
    industry: int | None = None
    region: str | None = None
    intl_channel_num: str | None = None
    enterprise_project_id: str | None = None
    enterprise_project_name: str | None = None
    ip_white_list: str | None = None
    app_access_addr: str | None = None
    protocol: str | None = None
    platform: str | None = None
    is_support_multiomp: bool | None = None
    tenant: Tenant | None = None


class AppCount(Response):
    """ShowAppCount: the quota (`total`) and the apps created (`used`) for a scope."""

    total: int = 0
    used: int = 0


class AppQuery(PageQuery):
    """ListAppDetails filters."""

    app_name: Id64 | None = None
    region: Scope | None = None
    sort_key: Literal["create_time"] | None = None
    status: str | None = None
