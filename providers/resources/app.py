"""``msgsms:App``: an SMS application (domestic ``cn`` or international ``intl``).

MSGSMS has no API to delete an app: deleting the resource leaves the app in place and says
so, and a create adopts an app with the same name and scope unless ``adopt: false``. The
app secret is shown only by the create answer, so an adopted app has no ``app_secret``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from providers.client import SmsClient, models, paginate

from .base import Created, Live, MsgsmsProvider
from .notices import notice
from .resource import MsgsmsResource
from .schema import Field

__all__ = ["App", "AppArgs", "AppProvider"]


class AppProvider(MsgsmsProvider):
    """Creates, adopts, reads and updates MSGSMS apps; never deletes them (no API)."""

    title = "App"
    rules_kind = "app"
    name_key = "app_name"
    fields = (
        Field("region"),
        Field("app_name"),
        Field("scope"),
        Field("up_link_addr"),
        # absent: whatever project the app is in (the platform puts new apps in "0")
        Field("enterprise_project_id", inherited=True),
        Field("enterprise_project_name", inherited=True),
        Field("adopt", kind="bool", remote=False, default=True),
    )
    outputs = ("app_key", "app_secret", "status", "intl_channel_num", "app_access_addr")
    replace_keys = frozenset({"region", "scope"})
    kept_outputs = frozenset({"app_secret"})
    adopt_by_default = True
    # names are not unique: with adopt off, an interrupted create's app is found by looking
    finds_leftovers = True

    def candidates(self, client: SmsClient, inputs: Mapping[str, Any]) -> list[models.App]:
        query = models.AppQuery(app_name=inputs["app_name"], region=inputs["scope"])
        found = [
            app
            for app in paginate(client.list_app_details, query, region=inputs["region"])
            # the API matches names by substring
            if app.app_name == inputs["app_name"] and app.region == inputs["scope"]
        ]
        return sorted(found, key=lambda app: app.create_time or "", reverse=True)

    def matches(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        # what a create with these inputs makes: the same name, scope, uplink and project
        return not self._changed(self.observed(client, live), inputs, remote_only=True)

    def create_remote(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created:
        created = client.create_app(
            models.AppAddRequest(
                app_name=inputs["app_name"],
                region=inputs["scope"],
                up_link_addr=inputs.get("up_link_addr"),
                enterprise_project_id=inputs.get("enterprise_project_id"),
                enterprise_project_name=inputs.get("enterprise_project_name"),
                show_secret=True,
            ),
            region=inputs["region"],
        )
        secret = created.app_secret.get_secret_value() if created.app_secret else None
        # status and the addresses are read by the next refresh
        return Created(created.id, {"app_key": created.app_key, "app_secret": secret})

    def adopt(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> Live:
        notice(
            f"{self.label(inputs, live.id)}: the API shows an app secret only when it creates "
            "the app, so app_secret stays empty; reset the secret in the console if you need it"
        )
        return super().adopt(client, live, inputs)

    def fetch(self, client: SmsClient, region: str, object_id: str) -> models.App:
        return client.show_app(object_id, region=region)

    def inputs_from_live(self, client: SmsClient, live: Live) -> dict[str, Any]:
        assert isinstance(live, models.App)
        return {
            "app_name": live.app_name,
            "scope": live.region,
            "up_link_addr": live.up_link_addr,
            "enterprise_project_id": live.enterprise_project_id,
            "enterprise_project_name": live.enterprise_project_name,
        }

    def outputs_from_live(
        self, client: SmsClient, live: Live, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert isinstance(live, models.App)
        return {
            "app_key": live.app_key,
            "status": live.status,
            "intl_channel_num": live.intl_channel_num,
            "app_access_addr": live.app_access_addr,
        }

    def update_remote(
        self, client: SmsClient, object_id: str, inputs: Mapping[str, Any], changed: list[str]
    ) -> dict[str, Any]:
        client.update_app(
            object_id,
            models.AppUpdateRequest(
                app_name=inputs["app_name"],
                region=inputs["scope"],
                # an empty uplink address clears it (intl apps have none)
                up_link_addr=inputs.get("up_link_addr", "" if inputs["scope"] == "cn" else None),
                enterprise_project_id=inputs.get("enterprise_project_id"),
                enterprise_project_name=inputs.get("enterprise_project_name"),
            ),
            region=inputs["region"],
        )
        return {}

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        notice(
            f"{self.label(outputs, object_id)}: left in place, MSGSMS cannot delete apps; it "
            "is no longer managed by this stack and still counts toward the app quota"
        )


@dataclass
class AppArgs:
    """Inputs of an :class:`App`."""

    app_name: pulumi.Input[str]
    """The app's name: 1-64 Chinese characters, letters, digits and ``_ . - @``."""
    scope: pulumi.Input[str]
    """``cn`` (domestic SMS) or ``intl`` (international SMS); changing it replaces the app."""
    region: pulumi.Input[str] | None = None
    """Endpoint region (cn-north-4, cn-south-1, ap-southeast-1); default ``msgsms:region``.
    Changing it replaces the app."""
    up_link_addr: pulumi.Input[str] | None = None
    """URL that receives uplink (MO) messages; domestic apps only."""
    enterprise_project_id: pulumi.Input[str] | None = None
    """Enterprise project id; the platform's default is ``0``."""
    enterprise_project_name: pulumi.Input[str] | None = None
    """Enterprise project name; the platform's default is ``default``."""
    adopt: pulumi.Input[bool] | None = None
    """Take over an existing app with the same name and scope (default true)."""


class App(MsgsmsResource[AppArgs], module="msgsms", name="App"):
    """An MSGSMS application (type ``pulumi-python:dynamic/msgsms:App``).

    The Pulumi id is the app's ``id`` (what signatures and templates take as ``app_id``).
    MSGSMS cannot delete apps: deleting this resource leaves the app in place.
    """

    provider_class = AppProvider
    secret_outputs = ("app_secret",)

    region: pulumi.Output[str]
    app_name: pulumi.Output[str]
    scope: pulumi.Output[str]
    up_link_addr: pulumi.Output[str | None]
    enterprise_project_id: pulumi.Output[str | None]
    enterprise_project_name: pulumi.Output[str | None]
    adopt: pulumi.Output[bool | None]
    app_key: pulumi.Output[str]
    """The app key: the user name of the send API (SMSApi)."""
    app_secret: pulumi.Output[str | None]
    """The app secret (a secret output); empty for an adopted app, whose secret the API does
    not show."""
    status: pulumi.Output[str]
    """CREATED, SUSPENDED, LAUNCHED or PROCESSING."""
    intl_channel_num: pulumi.Output[str | None]
    """The international channel number (intl apps)."""
    app_access_addr: pulumi.Output[str | None]
    """The send endpoint of the app."""
