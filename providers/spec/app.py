"""Applications: the sender of a stack's messages (domestic ``cn`` or international ``intl``)."""

from __future__ import annotations

from .field import Field, Output
from .kind import ADOPT, OPTION_FIELDS, REGION, Kind
from .vocabulary import APP_NAME, APP_NAME_MAX, SCOPES, URL

APP = Kind(
    name="app",
    section="apps",
    title="App",
    description="An SMS application: the sender of a stack's messages",
    fields=(
        REGION,
        Field(
            "app_name",
            description="1-64 Chinese characters, letters, digits and _ . - @",
            catalog="name",
            catalog_required=True,
            required=True,
            min_len=1,
            max_len=APP_NAME_MAX,
            pattern=APP_NAME,
            pattern_hint="may contain only Chinese characters, letters, digits and _ . - @",
        ),
        Field(
            "scope",
            description="cn (domestic messages) or intl (international); changing it "
            "replaces the app",
            catalog="scope",
            catalog_required=True,
            required=True,
            choices=SCOPES,
            api="region",
            replaces=True,
        ),
        Field(
            "up_link_addr",
            description="http(s) URL receiving uplink (MO) messages, at most 128; cn only",
            catalog="uplink_url",
            min_len=1,
            max_len=128,
            pattern=URL,
            pattern_hint="must be an http:// or https:// URL that receives uplink (MO) messages",
        ),
        Field(
            "enterprise_project_id",
            description="Enterprise project id (the platform puts new apps in 0)",
            catalog="enterprise_project_id",
            min_len=1,
            max_len=64,
            # absent: whatever project the app is in
            inherited=True,
        ),
        Field(
            "enterprise_project_name",
            description="Enterprise project name (the platform's default is default)",
            catalog="enterprise_project_name",
            min_len=1,
            max_len=255,
            inherited=True,
        ),
        ADOPT(True, "name and scope"),
        *OPTION_FIELDS,
    ),
    outputs=(
        Output("app_key", str, "The app key: the user name of the send API (SMSApi)"),
        Output(
            "app_secret",
            str | None,
            "The app secret; empty for an adopted app, whose secret the API does not show",
            secret=True,
            kept=True,
        ),
        Output("status", str | None, "CREATED, SUSPENDED, LAUNCHED or PROCESSING"),
        Output("intl_channel_num", str | None, "The international channel number (intl apps)"),
        Output("app_access_addr", str | None, "The send endpoint of the app"),
    ),
    name_key="app_name",
    exports=("id", "app_key", "app_secret", "status"),
    reference_output="id",
    resource="providers.resources.app:App",
)
