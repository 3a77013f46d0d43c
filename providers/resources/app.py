"""``msgsms:App``: an SMS application (domestic ``cn`` or international ``intl``).

MSGSMS has no API to delete an app: deleting the resource leaves the app in place and says
so, and a create adopts an app with the same name and scope unless ``adopt: false``. The
app secret is shown only by the create answer, so an adopted app has no ``app_secret``.
Its fields, outputs and their behaviour: :data:`providers.spec.APP`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from providers.client import models, paginate
from providers.spec import APP

from .base import Created, Live, MsgsmsProvider
from .notices import notice
from .resource import MsgsmsResource, args_class

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["App", "AppArgs", "AppProvider"]


class AppProvider(MsgsmsProvider):
    """Creates, adopts, reads and updates MSGSMS apps; never deletes them (no API)."""

    spec = APP
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
        request = models.AppAddRequest.model_validate({**self.body(inputs), "show_secret": True})
        created = client.create_app(request, region=inputs["region"])
        if created.app_key:
            self._connection.app_created(inputs["region"], created.id, created.app_key)
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
        body = self.body(inputs)
        if inputs["scope"] == "cn":
            body.setdefault("up_link_addr", "")  # an empty uplink address clears it
        request = models.AppUpdateRequest.model_validate(body)
        client.update_app(object_id, request, region=inputs["region"])
        return {}

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        notice(
            f"{self.label(outputs, object_id)}: left in place, MSGSMS cannot delete apps; it "
            "is no longer managed by this stack and still counts toward the app quota"
        )


AppArgs = args_class(APP, __name__)


class App(MsgsmsResource[Any], module="msgsms", name="App"):
    """An MSGSMS application (type ``pulumi-python:dynamic/msgsms:App``).

    The Pulumi id is the app's ``id`` (what signatures and templates take as ``app_id``).
    MSGSMS cannot delete apps: deleting this resource leaves the app in place. Inputs:
    :data:`AppArgs`; every input and output is an attribute.
    """

    provider_class = AppProvider
